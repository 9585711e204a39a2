// The edge's self-description: the OpenAPI document and the page that renders it. Served beside the API
// for anyone reading it, outside the document they serve (they take no key and answer no API error).
import { createRoute, z } from "@hono/zod-openapi";

export const openApiJsonRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  operationId: "openApiDocument",
  tags: ["reference"],
  summary: "This API's OpenAPI 3.1 document",
  responses: {
    200: {
      description: "The document.",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

export const docsRoute = createRoute({
  method: "get",
  path: "/docs",
  operationId: "docsPage",
  tags: ["reference"],
  summary: "The interactive API reference rendered from /openapi.json",
  responses: {
    200: {
      description: "One self-contained HTML page.",
      content: { "text/html": { schema: { type: "string" as const } } },
    },
  },
});
