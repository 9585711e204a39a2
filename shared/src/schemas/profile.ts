// The latency profile a backend measures at start-up and serves at `GET /v1/profile` (contracts §3):
// median milliseconds per stage, keyed by batch size. The planner's only input about the hardware.
import { z } from "@hono/zod-openapi";

export const STAGES = [
  "text_encode",
  "propose",
  "finish",
  "dit_head",
  "dit_tail",
  "vae_decode",
  "clip_verify",
  "ae_verify",
  "image_encode",
] as const;
export type Stage = (typeof STAGES)[number];

export const StageTimingsSchema = z
  .record(z.string().regex(/^[1-9][0-9]*$/, { message: "batch sizes are positive integers" }), z.number())
  .openapi("StageTimings", {
    description: "Median ms per call, keyed by batch size.",
    example: { "1": 10.2 },
  });

export const ProfileSchema = z
  .object({
    bundle_id: z.string(),
    device: z.string().openapi({ example: "cpu" }),
    measured_at: z.string().openapi({ example: "2026-11-27T04:00:00Z" }),
    max_batch: z.number().int().min(1),
    max_n: z.number().int().min(1),
    stages: z.record(z.string(), StageTimingsSchema).openapi({
      description: `Known stages: ${STAGES.join(", ")}. A planner ignores stages its mode does not use.`,
    }),
  })
  .openapi("Profile");
export type Profile = z.infer<typeof ProfileSchema>;
