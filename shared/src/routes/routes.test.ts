import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { errorBody } from "../errors.js";
import { GenerateMetadataSchema, type GenerateResponse } from "../schemas/generate.js";
import { METADATA_HEADER } from "../signing.js";
import { invalidRequest } from "../validation.js";
import { BACKEND_ROUTES, generateRoute, PUBLIC_ROUTES, revokeKeyRoute } from "./index.js";

// An app wired the way the edge wires its own: handlers registered on the shared route objects and
// one defaultHook turning every validation failure into the shared error body.
function appWithRoutes() {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(invalidRequest(result.error).toBody("req_test"), 400);
    },
  });
  app.openapi(generateRoute, (c) => {
    const request = c.req.valid("json");
    const n = request.n ?? 1;
    const body: GenerateResponse = {
      id: "req_test",
      created: 0,
      model: "tiny",
      image: { b64_json: "", mime_type: "image/png", width: 1, height: 1 },
      chosen_index: 0,
      candidates: Array.from({ length: n }, (_, index) => ({
        index,
        seed: index,
        score: 0.5,
        verdict: "yes",
      })),
      n,
      n_requested: n,
      load_limited: false,
      planned_ms: null,
      timings: { queue_ms: 0, text_encode_ms: 0, propose_ms: 0, finish_ms: 0, encode_ms: 0, total_ms: 0 },
      usage: { credits: n + 1 },
    };
    if (request.response_format === "bytes") {
      const { b64_json: _data, ...image } = body.image;
      const metadata = JSON.stringify({ ...body, image });
      return c.body(new Uint8Array([137, 80, 78, 71]), 200, {
        "content-type": "image/png",
        [METADATA_HEADER]: metadata,
      });
    }
    return c.json(body, 200);
  });
  app.openapi(revokeKeyRoute, (c) =>
    c.json(errorBody("not_found", `no key ${c.req.valid("param").id}`, "r"), 404),
  );
  return app;
}

const post = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("route definitions", () => {
  it("validate requests for a server that registers handlers on them", async () => {
    const app = appWithRoutes();
    const ok = await app.request("/v1/generate", post({ prompt: "a fox", n: 3 }));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as GenerateResponse).candidates).toHaveLength(3);

    const bad = await app.request("/v1/generate", post({ prompt: " ", n: 3, steps: 2 }));
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(/prompt: prompt must not be empty/);
    expect(error.message).toMatch(/steps/);
  });

  it("let the generate handler answer with raw image bytes and the metadata header", async () => {
    const response = await appWithRoutes().request(
      "/v1/generate",
      post({ prompt: "a fox", n: 2, response_format: "bytes" }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71]));
    const metadata = GenerateMetadataSchema.parse(
      JSON.parse(response.headers.get(METADATA_HEADER) ?? "null"),
    );
    expect(metadata.n).toBe(2);
  });

  it("take the key id from the path", async () => {
    const response = await appWithRoutes().request("/admin/keys/key_42", { method: "DELETE" });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual(errorBody("not_found", "no key key_42", "r"));
  });

  it("are all distinct method + path pairs", () => {
    const keys = [...PUBLIC_ROUTES, ...BACKEND_ROUTES].map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain("get /v1/profile");
  });
});
