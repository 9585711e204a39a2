import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../openapi.js";
import { invalidRequest } from "../validation.js";
import {
  allowedMethods,
  BACKEND_ROUTES,
  EDGE_ROUTES,
  generateRoute,
  honoPath,
  PUBLIC_ROUTES,
  REFERENCE_ROUTES,
  revokeKeyRoute,
  routeKey,
} from "./index.js";

// The route objects carry the request schemas: a server that registers a handler on one gets its
// input validated, and every failure turned into the shared error body by one defaultHook.
function appValidatingWith(routeUnderTest: typeof generateRoute | typeof revokeKeyRoute) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(invalidRequest(result.error).toBody("req_test"), 400);
    },
  });
  // The handler only answers that validation let the request through; what it received is not checked.
  // 204 is no documented answer of these routes, hence the casts: only the validation is under test.
  const passed = (c: { body: (data: null, status: 204) => Response }) => c.body(null, 204) as never;
  if (routeUnderTest === generateRoute) app.openapi(generateRoute, passed);
  else app.openapi(revokeKeyRoute, passed);
  return app;
}

const post = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("route definitions", () => {
  it("validate a generate body: a good one passes, a bad one is a 400 naming each field", async () => {
    const app = appValidatingWith(generateRoute);
    expect((await app.request("/v1/generate", post({ prompt: "a fox", n: 3 }))).status).toBe(204);

    const bad = await app.request("/v1/generate", post({ prompt: " ", n: 3, steps: 2 }));
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(/prompt: prompt must not be empty/);
    expect(error.message).toMatch(/steps/);
  });

  it("validate the key id in the path", async () => {
    const app = appValidatingWith(revokeKeyRoute);
    expect((await app.request("/admin/keys/key_42", { method: "DELETE" })).status).toBe(204);
    const tooLong = await app.request(`/admin/keys/${"k".repeat(65)}`, { method: "DELETE" });
    expect(tooLong.status).toBe(400);
  });

  it("are all distinct method + path pairs, on each server", () => {
    for (const routes of [EDGE_ROUTES, BACKEND_ROUTES]) {
      const keys = routes.map(routeKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it("the public document lists exactly the public routes; the reference routes stay outside it", () => {
    const document = buildOpenApiDocument();
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const publicKeys = PUBLIC_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(documented.sort()).toEqual(publicKeys.sort());
    for (const route of REFERENCE_ROUTES) expect(document.paths?.[route.path]).toBeUndefined();
  });
});

describe("route table", () => {
  it("turns OpenAPI path templates into Hono paths", () => {
    expect(honoPath(revokeKeyRoute)).toBe("/admin/keys/:id");
    expect(routeKey(revokeKeyRoute)).toBe("DELETE /admin/keys/:id");
    expect(honoPath(generateRoute)).toBe("/v1/generate");
  });

  it("lists the methods a path serves, HEAD with GET, sorted; nothing for an unknown path", () => {
    expect(allowedMethods(EDGE_ROUTES, "/v1/plan")).toEqual(["POST"]);
    expect(allowedMethods(EDGE_ROUTES, "/v1/plan", ["OPTIONS"])).toEqual(["OPTIONS", "POST"]);
    expect(allowedMethods(EDGE_ROUTES, "/admin/keys")).toEqual(["GET", "HEAD", "POST"]);
    expect(allowedMethods(EDGE_ROUTES, "/admin/keys/key_42")).toEqual(["DELETE", "PATCH"]);
    expect(allowedMethods(EDGE_ROUTES, "/docs")).toEqual(["GET", "HEAD"]);
    expect(allowedMethods(BACKEND_ROUTES, "/v1/profile")).toEqual(["GET", "HEAD"]);
    expect(allowedMethods(EDGE_ROUTES, "/v1/profile")).toEqual([]);
    expect(allowedMethods(EDGE_ROUTES, "/admin/keys/a/b")).toEqual([]);
    expect(allowedMethods(EDGE_ROUTES, "/v1/plan/", ["OPTIONS"])).toEqual([]);
    expect(allowedMethods(EDGE_ROUTES, "/openapi-json")).toEqual([]);
  });
});
