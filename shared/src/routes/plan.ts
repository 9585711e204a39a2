// `POST /v1/plan`: what a budget buys — N, the predicted ms and their breakdown — without running or charging.
import { createRoute } from "@hono/zod-openapi";
import { PlanRequestSchema, PlanResponseSchema } from "../schemas/plan.js";
import { API_KEY_ERRORS, errorResponses, RATE_LIMIT_HEADERS } from "./responses.js";
import { API_KEY_SECURITY } from "./security.js";

export const planRoute = createRoute({
  method: "post",
  path: "/v1/plan",
  operationId: "plan",
  tags: ["planning"],
  summary:
    "Plan a budget: how many candidates fit, with the predicted time. Charges no credits; like every " +
    "keyed request it spends one rate-limit token.",
  security: [{ [API_KEY_SECURITY]: [] }],
  request: { body: { required: true, content: { "application/json": { schema: PlanRequestSchema } } } },
  responses: {
    200: {
      description: "The plan.",
      headers: RATE_LIMIT_HEADERS,
      content: { "application/json": { schema: PlanResponseSchema } },
    },
    ...errorResponses([...API_KEY_ERRORS, 422, 502, 503]),
  },
});
