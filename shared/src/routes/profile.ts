// `GET /v1/profile` on the backend only: its measured latency profile, which the edge's planner reads.
// Not part of the public document (the edge does not serve it).
import { createRoute } from "@hono/zod-openapi";
import { ProfileSchema } from "../schemas/profile.js";
import { errorResponses, REQUEST_ID_HEADERS } from "./responses.js";
import { BACKEND_TOKEN_SECURITY } from "./security.js";

export const profileRoute = createRoute({
  method: "get",
  path: "/v1/profile",
  operationId: "profile",
  tags: ["backend"],
  summary: "The backend's measured per-stage latency by batch size",
  security: [{ [BACKEND_TOKEN_SECURITY]: [] }],
  responses: {
    200: {
      description: "The profile measured at start-up.",
      headers: REQUEST_ID_HEADERS,
      content: { "application/json": { schema: ProfileSchema } },
    },
    ...errorResponses([401, 500, 503]),
  },
});
