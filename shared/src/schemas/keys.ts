// The admin API's key records: what an operator sends to create or change a key, and what is stored
// and shown back (never the plaintext key, except once in the creation response).
import { z } from "@hono/zod-openapi";
import { requestEnum, TimestampSchema } from "./common.js";

export const KEY_ENVIRONMENTS = ["live", "test"] as const;
export const KeyEnvironmentSchema = z.enum(KEY_ENVIRONMENTS).openapi("KeyEnvironment", {
  description: "Keys start with `ts_live_` or `ts_test_`.",
});
export const QUOTA_PERIODS = ["day", "month"] as const;
export const QuotaPeriodSchema = z.enum(QUOTA_PERIODS).openapi("QuotaPeriod");

const KeyNameSchema = z.string().trim().min(1, { message: "name must not be empty" }).max(100);
const RpmSchema = z.number().int().min(1).max(1_000_000).openapi({ description: "Requests per minute." });
const BurstSchema = z.number().int().min(1).max(1_000_000).openapi({ description: "Token-bucket size." });
const MaxConcurrentSchema = z.number().int().min(1).max(10_000);
const CreditsQuotaSchema = z
  .number()
  .int()
  .min(0)
  .max(1_000_000_000)
  .openapi({ description: "Credits per period (candidates generated + 1 per request)." });

export const CreateKeyRequestSchema = z
  .strictObject({
    name: KeyNameSchema,
    environment: requestEnum(KEY_ENVIRONMENTS, "live", "Keys start with `ts_live_` or `ts_test_`."),
    rpm: RpmSchema.optional(),
    burst: BurstSchema.optional(),
    max_concurrent: MaxConcurrentSchema.optional(),
    credits_quota: CreditsQuotaSchema.optional(),
    period: QuotaPeriodSchema.optional(),
    expires_at: TimestampSchema.optional(),
  })
  .openapi("CreateKeyRequest", { description: "Limits left out take the edge's configured defaults." });
export type CreateKeyRequest = z.infer<typeof CreateKeyRequestSchema>;
export type CreateKeyRequestInput = z.input<typeof CreateKeyRequestSchema>;

export const UpdateKeyRequestSchema = z
  .strictObject({
    name: KeyNameSchema.optional(),
    rpm: RpmSchema.optional(),
    burst: BurstSchema.optional(),
    max_concurrent: MaxConcurrentSchema.optional(),
    credits_quota: CreditsQuotaSchema.optional(),
    period: QuotaPeriodSchema.optional(),
    expires_at: TimestampSchema.nullable().optional().openapi({ description: "null removes the expiry." }),
  })
  .refine((update) => Object.keys(update).length > 0, { message: "send at least one field to change" })
  .openapi("UpdateKeyRequest", { description: "At least one field to change.", minProperties: 1 });
export type UpdateKeyRequest = z.infer<typeof UpdateKeyRequestSchema>;

export const KeyRecordSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z
      .string()
      .openapi({ description: "The key's first characters, for display.", example: "ts_live_Ab3x" }),
    environment: KeyEnvironmentSchema,
    rpm: z.number().int(),
    burst: z.number().int(),
    max_concurrent: z.number().int(),
    credits_quota: z.number().int(),
    period: QuotaPeriodSchema,
    created_at: TimestampSchema,
    expires_at: TimestampSchema.nullable(),
    revoked_at: TimestampSchema.nullable(),
  })
  .openapi("KeyRecord");
export type KeyRecord = z.infer<typeof KeyRecordSchema>;

export const CreateKeyResponseSchema = z
  .object({
    ...KeyRecordSchema.shape,
    key: z.string().openapi({ description: "The plaintext key. Shown once; only its SHA-256 is stored." }),
  })
  .openapi("CreateKeyResponse");
export type CreateKeyResponse = z.infer<typeof CreateKeyResponseSchema>;

export const KeyListResponseSchema = z.object({ data: z.array(KeyRecordSchema) }).openapi("KeyListResponse");
export type KeyListResponse = z.infer<typeof KeyListResponseSchema>;

export const KeyIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "key_01HZX3" }),
});
