// Small schemas several requests and responses share: verifier modes, image formats, sizes, seeds.
// Enums are named OpenAPI components for responses; request fields use `requestEnum` (see there).
import { z } from "@hono/zod-openapi";

/**
 * A request field's enum with its default, written inline rather than as a `$ref`: zod-to-openapi copies a
 * `.default()` or description set on a referenced schema into the shared component, where it would leak
 * into every other use of that component.
 */
export function requestEnum<const T extends readonly [string, ...string[]]>(
  values: T,
  fallback: T[number],
  description: string,
) {
  return z.enum(values).default(fallback).openapi({ description });
}

export const VERIFIERS = ["vhs", "clip", "ae", "none"] as const;
export const VERIFIER_DESCRIPTION =
  "How candidates are scored: `vhs` reads the generator's hidden state (default), `clip` decodes every " +
  "candidate and scores the pixels, `ae` scores every finished latent, `none` generates one image unscored.";
export const VerifierSchema = z.enum(VERIFIERS).openapi("Verifier", { description: VERIFIER_DESCRIPTION });
export type Verifier = z.infer<typeof VerifierSchema>;

export const OUTPUT_FORMATS = ["png", "webp", "jpeg"] as const;
export const OutputFormatSchema = z.enum(OUTPUT_FORMATS).openapi("OutputFormat");
export type OutputFormat = z.infer<typeof OutputFormatSchema>;

export const MIME_TYPES = {
  png: "image/png",
  webp: "image/webp",
  jpeg: "image/jpeg",
} as const satisfies Record<OutputFormat, string>;
export const MimeTypeSchema = z.enum(["image/png", "image/webp", "image/jpeg"]).openapi("MimeType");

export const RESPONSE_FORMATS = ["b64_json", "bytes"] as const;
export const RESPONSE_FORMAT_DESCRIPTION =
  "`b64_json`: one JSON body with the image base64-encoded. `bytes`: the body is the image itself and the " +
  "rest of the response travels JSON-encoded in the `X-Tinyscale-Metadata` header.";
export const ResponseFormatSchema = z
  .enum(RESPONSE_FORMATS)
  .openapi("ResponseFormat", { description: RESPONSE_FORMAT_DESCRIPTION });
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

export const SIZE_PATTERN = /^[1-9][0-9]{0,4}x[1-9][0-9]{0,4}$/;
// Seeds and sizes stay inline (no component), so each use can carry its own description.
export const SizeSchema = z
  .string()
  .regex(SIZE_PATTERN, { message: 'size must look like "WIDTHxHEIGHT", e.g. "1024x1024"' })
  .openapi({ example: "1024x1024" });

export const UINT32_MAX = 4_294_967_295;
export const SeedSchema = z
  .number()
  .int({ message: "seed must be an integer" })
  .min(0, { message: "seed must be between 0 and 4294967295" })
  .max(UINT32_MAX, { message: "seed must be between 0 and 4294967295" });

export const MAX_N = 64;
export const MIN_BUDGET_MS = 50;
export const MAX_BUDGET_MS = 60_000;
export const PROMPT_MAX_CHARS = 2000;

export const BudgetMsSchema = z
  .number()
  .int({ message: "budget_ms must be an integer number of milliseconds" })
  .min(MIN_BUDGET_MS, { message: `budget_ms must be at least ${MIN_BUDGET_MS}` })
  .max(MAX_BUDGET_MS, { message: `budget_ms must be at most ${MAX_BUDGET_MS}` })
  .openapi({ description: "Latency budget for the whole request, in milliseconds." });

export const CandidateCountSchema = z
  .number()
  .int({ message: "n must be an integer" })
  .min(1, { message: "n must be at least 1" })
  .max(MAX_N, { message: `n must be at most ${MAX_N}` })
  .openapi({ description: "Number of candidates to generate and score." });

/** ISO 8601 timestamp with a zone, as every response writes it. */
export const TimestampSchema = z.iso.datetime({ offset: true }).openapi({ example: "2026-11-27T04:00:00Z" });
