// The `GET /v1/models` response: each model bundle being served, its sizes, verifier modes and limits.
import { z } from "@hono/zod-openapi";
import { SizeSchema, VerifierSchema } from "./common.js";

export const ModelSchema = z
  .object({
    id: z.string().openapi({ description: "Bundle id.", example: "tiny" }),
    sizes: z.array(SizeSchema).min(1),
    default_size: SizeSchema,
    verifiers: z.array(VerifierSchema).min(1),
    max_n: z.number().int().min(1),
    max_batch: z.number().int().min(1),
  })
  .openapi("Model");
export type Model = z.infer<typeof ModelSchema>;

export const ModelsResponseSchema = z.object({ data: z.array(ModelSchema) }).openapi("ModelsResponse");
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;
