// `GET /v1/models`: the model bundles being served, with their sizes, verifier modes and limits.
import { createRoute } from "@hono/zod-openapi";
import { ModelsResponseSchema } from "../schemas/models.js";
import { API_KEY_ERRORS, errorResponses, RATE_LIMIT_HEADERS } from "./responses.js";
import { API_KEY_SECURITY } from "./security.js";

export const modelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  operationId: "models",
  tags: ["models"],
  summary: "Models, sizes and verifier modes on offer",
  security: [{ [API_KEY_SECURITY]: [] }],
  responses: {
    200: {
      description: "The models.",
      headers: RATE_LIMIT_HEADERS,
      content: { "application/json": { schema: ModelsResponseSchema } },
    },
    ...errorResponses([...API_KEY_ERRORS, 502, 503]),
  },
});
