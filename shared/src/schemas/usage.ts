// The `GET /v1/usage` response: the calling key's credits in the current period and its limits.
import { z } from "@hono/zod-openapi";
import { TimestampSchema } from "./common.js";

export const UsageResponseSchema = z
  .object({
    key_id: z.string(),
    period_start: TimestampSchema,
    period_end: TimestampSchema,
    credits_quota: z.number().int().min(0),
    credits_used: z.number().int().min(0),
    credits_reserved: z.number().int().min(0).openapi({ description: "Held by requests still running." }),
    credits_remaining: z.number().int().min(0),
    requests: z.number().int().min(0).openapi({ description: "Requests charged in this period." }),
    rate_limit: z.object({
      rpm: z.number().int().min(1),
      burst: z.number().int().min(1),
    }),
    max_concurrent: z.number().int().min(1),
  })
  .openapi("UsageResponse");
export type UsageResponse = z.infer<typeof UsageResponseSchema>;
