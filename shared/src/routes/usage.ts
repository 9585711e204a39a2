// `GET /v1/usage`: the calling key's credits this period and its limits.
import { createRoute } from "@hono/zod-openapi";
import { UsageResponseSchema } from "../schemas/usage.js";
import { API_KEY_ERRORS, errorResponses, RATE_LIMIT_HEADERS } from "./responses.js";
import { API_KEY_SECURITY } from "./security.js";

export const usageRoute = createRoute({
  method: "get",
  path: "/v1/usage",
  operationId: "usage",
  tags: ["account"],
  summary: "Credits used and left for the calling key",
  security: [{ [API_KEY_SECURITY]: [] }],
  responses: {
    200: {
      description: "The key's usage.",
      headers: RATE_LIMIT_HEADERS,
      content: { "application/json": { schema: UsageResponseSchema } },
    },
    ...errorResponses(API_KEY_ERRORS),
  },
});
