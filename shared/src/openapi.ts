// Builds the public OpenAPI 3.1 document from the route table (PUBLIC_ROUTES). The edge registers its
// handlers on the same route objects; its route-table test checks that it serves exactly what this documents.
import { OpenAPIHono } from "@hono/zod-openapi";
import { PUBLIC_ROUTES } from "./routes/index.js";
import { registerSecuritySchemes } from "./routes/security.js";

type OpenApiConfig = Parameters<OpenAPIHono["getOpenAPI31Document"]>[0];

export const OPENAPI_CONFIG: OpenApiConfig = {
  openapi: "3.1.0",
  info: {
    title: "tinyscale",
    version: "0.1.0",
    description:
      "Tiny inference-time scaling for text-to-image: send a prompt and a latency budget; tinyscale " +
      "generates N candidates, scores each from the generator's hidden states and returns the best.",
  },
  servers: [{ url: "http://127.0.0.1:8787", description: "local edge" }],
};

type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** The document for the public API: every route in `PUBLIC_ROUTES`, with its schemas as components. */
export function buildOpenApiDocument(): OpenApiDocument {
  const app = new OpenAPIHono();
  registerSecuritySchemes(app.openAPIRegistry, PUBLIC_ROUTES);
  for (const route of PUBLIC_ROUTES) app.openAPIRegistry.registerPath(route);
  const document = app.getOpenAPI31Document(OPENAPI_CONFIG);
  // Set on the 3.1 document: the config's type is 3.0's, whose licence has no SPDX `identifier`.
  // The repository, its SDK and this document are Apache-2.0 (LICENSE at the root).
  document.info.license = { name: "Apache-2.0", identifier: "Apache-2.0" };
  return document;
}

/** The committed file's exact text: two-space JSON with a final newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
