import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, renderOpenApiDocument } from "./openapi.js";

const committedPath = fileURLToPath(new URL("../openapi.json", import.meta.url));

// Redocly's recommended ruleset as `redocly lint` runs it (offline: the same core library), every rule
// on: `struct` checks every node against the OpenAPI 3.1 types, `info-license-strict`, `no-unused-components`…
async function lint(source: string) {
  const config = await createConfig({ extends: ["recommended"] });
  return lintFromString({ source, absoluteRef: "openapi.json", config });
}

type Operation = {
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

describe("shared/openapi.json", () => {
  it("is what `npm run openapi -w shared` writes now (run it after changing a schema or route)", () => {
    expect(readFileSync(committedPath, "utf8")).toBe(renderOpenApiDocument());
  });

  it("is a valid OpenAPI 3.1 document with no lint errors or warnings", async () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toBe("3.1.0");
    const problems = await lint(renderOpenApiDocument());
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it("makes the validator fail on a structurally broken document", async () => {
    const document = JSON.parse(renderOpenApiDocument());
    document.paths["/v1/plan"].post.responses["200"].description = 5;
    document.paths["/v1/usage"].get.parameters = [{ in: "body", name: "x" }];
    const problems = await lint(JSON.stringify(document));
    expect(problems.filter((p) => p.severity === "error").length).toBeGreaterThanOrEqual(2);
  });

  it("lists every public route, each secured, with the error body on every 4xx/5xx", () => {
    const document = buildOpenApiDocument();
    const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, op]) => ({
        route: `${method} ${path}`,
        op,
      })),
    );
    expect(operations.map((o) => o.route).sort()).toEqual(
      [
        "delete /admin/keys/{id}",
        "get /admin/keys",
        "get /v1/models",
        "get /v1/usage",
        "patch /admin/keys/{id}",
        "post /admin/keys",
        "post /v1/generate",
        "post /v1/plan",
      ].sort(),
    );
    for (const { route, op } of operations) {
      const scheme = route.includes("/admin/") ? "AdminToken" : "ApiKey";
      expect(op.security, route).toEqual([{ [scheme]: [] }]);
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2")),
        route,
      ).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(op.responses[status]?.content?.["application/json"]?.schema?.$ref, `${route} ${status}`).toBe(
          "#/components/schemas/ErrorBody",
        );
      }
      if (route.startsWith("post") || route.startsWith("patch")) expect(op.requestBody, route).toBeDefined();
    }
    // Only the schemes its routes use: the backend's own token is not part of the public API.
    expect(Object.keys(document.components?.securitySchemes ?? {})).toEqual(["ApiKey", "AdminToken"]);
  });

  it("keeps request defaults on the request fields, not on shared components", () => {
    const schemas = (buildOpenApiDocument().components?.schemas ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    const request = schemas.GenerateRequest?.properties as Record<string, { default?: unknown }>;
    expect(request.verifier?.default).toBe("vhs");
    expect(request.output_format?.default).toBe("png");
    expect(request.response_format?.default).toBe("b64_json");
    for (const [name, schema] of Object.entries(schemas)) expect(schema.default, name).toBeUndefined();
  });

  it("states the request rules the server enforces beyond each field's own", () => {
    const schemas = (buildOpenApiDocument().components?.schemas ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    expect(schemas.GenerateRequest?.oneOf).toEqual([{ required: ["budget_ms"] }, { required: ["n"] }]);
    expect(schemas.GenerateRequest?.not).toEqual({
      anyOf: [
        { required: ["verifier", "n"], properties: { verifier: { enum: ["none"] }, n: { minimum: 2 } } },
        { required: ["max_n", "n"], properties: { max_n: { minimum: 1 }, n: { minimum: 1 } } },
      ],
    });
    expect(schemas.UpdateKeyRequest?.minProperties).toBe(1);
    const properties = (schemas.GenerateRequest?.properties ?? {}) as Record<string, { pattern?: string }>;
    expect(properties.prompt?.pattern).toBe("\\S");
  });

  it("keeps the backend-only profile route out of the public document", () => {
    expect(Object.keys(buildOpenApiDocument().paths ?? {})).not.toContain("/v1/profile");
  });
});
