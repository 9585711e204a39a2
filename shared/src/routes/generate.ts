// `POST /v1/generate`: the route the edge serves to API-key holders and the backend serves to the edge
// (signed) or to direct callers (backend token). JSON with a base64 image, or the image bytes themselves.
import { createRoute, z } from "@hono/zod-openapi";
import { GenerateRequestSchema, GenerateResponseSchema } from "../schemas/generate.js";
import { API_KEY_ERRORS, errorResponses, RATE_LIMIT_HEADERS } from "./responses.js";
import { API_KEY_SECURITY } from "./security.js";

export const IdempotencyHeadersSchema = z.object({
  "idempotency-key": z.string().min(1).max(255).optional().openapi({
    description:
      "Replays the stored result of an earlier request with the same key and body, without a new charge.",
  }),
});

const imageBytes = { schema: { type: "string" as const, format: "binary" } };

export const generateRoute = createRoute({
  method: "post",
  path: "/v1/generate",
  operationId: "generate",
  tags: ["images"],
  summary: "Generate an image: best of N candidates within a latency budget",
  security: [{ [API_KEY_SECURITY]: [] }],
  request: {
    headers: IdempotencyHeadersSchema,
    body: { required: true, content: { "application/json": { schema: GenerateRequestSchema } } },
  },
  responses: {
    200: {
      description:
        "The winning image. With `response_format: bytes` the body is the image and `X-Tinyscale-Metadata` " +
        "holds the `GenerateMetadata` JSON.",
      headers: {
        ...RATE_LIMIT_HEADERS,
        "X-Tinyscale-Metadata": {
          description: "`GenerateMetadata` as JSON; only with `response_format: bytes`.",
          schema: { type: "string" },
        },
      },
      content: {
        "application/json": { schema: GenerateResponseSchema },
        "image/png": imageBytes,
        "image/webp": imageBytes,
        "image/jpeg": imageBytes,
      },
    },
    ...errorResponses([...API_KEY_ERRORS, 402, 409, 422, 502, 503, 504]),
  },
});
