// The bundle manifest (docs/contracts.md §1): its schema, and reading it with errors that name the file.
// Unknown extra keys are allowed (the export tool may add fields); missing or mistyped ones are not.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

// 2: every prompt input is per row (prompt_embeds/prompt_mask [batch, …], suffix_ids [batch, S] right-padded
// with suffix_length [batch]) and propose takes group_mask [groups, batch], so one graph run can serve the
// candidates of several requests. Version 1 bundles (one shared prompt per run) are not read.
export const SUPPORTED_FORMAT_VERSIONS = [2] as const;

const DimSchema = z.union([z.number().int().nonnegative(), z.string().min(1)]);

export const TensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(["float32", "int64", "uint8"]),
  shape: z.array(DimSchema),
});

const PrecisionSchema = z.enum(["fp32", "fp16", "bf16"]);

export const GraphSpecSchema = z.object({
  file: z.string().min(1),
  /** What the graph computes in (a graph whose activations leave fp16's range stays fp32). */
  precision: PrecisionSchema.optional(),
  inputs: z.array(TensorSpecSchema),
  outputs: z.array(TensorSpecSchema),
});

const positiveInt = z.number().int().positive();

export const ManifestSchema = z.object({
  format_version: z.number().int(),
  bundle_id: z.string().min(1),
  dtype: PrecisionSchema,
  /** Random weights for tests and demos: every mode is served. Otherwise only modes whose parts are trained. */
  test_bundle: z.boolean(),
  /** Which parts carry checkpoint weights (the export tool knows; seeded random parts are false). */
  trained: z.object({
    generator: z.boolean(),
    text_encoder: z.boolean(),
    vhs_verifier: z.boolean(),
    clip_verifier: z.boolean(),
    ae_verifier: z.boolean(),
  }),
  generator: z.object({
    // Which generator family the graphs wrap. Nothing is run differently by family: where families differ
    // (sampler, VAE scaling, text-encoder selection) the graphs carry it, and the shapes come from the fields
    // below. Bundles written before the field existed are SANA-Sprint.
    family: z.enum(["sana-sprint", "pixart-dmd"]).default("sana-sprint"),
    architecture: z.string(),
    num_layers: positiveInt,
    split_layer: z.number().int().nonnegative(), // ≤ num_layers − 1 (checked with the graphs)
    hidden_size: positiveInt,
    latent_channels: positiveInt,
    /** DiT patch side: h_ℓ* has (latent_height / patch_size) · (latent_width / patch_size) tokens. */
    patch_size: positiveInt.default(1),
    latent_height: positiveInt,
    latent_width: positiveInt,
    image_height: positiveInt,
    image_width: positiveInt,
  }),
  text_encoder: z.object({
    architecture: z.string(),
    tokenizer: z.string().min(1),
    max_length: positiveInt,
    pad_token_id: z.number().int().nonnegative(),
    complex_human_instruction: z.array(z.string()),
    output_length: positiveInt,
  }),
  verifier: z.object({
    architecture: z.string(),
    tokenizer: z.string().min(1),
    template_prefix: z.string(),
    template_suffix: z.string().refine((s) => s.includes("{prompt}"), "must contain {prompt}"),
    yes_token_id: z.number().int().nonnegative(),
    no_token_id: z.number().int().nonnegative(),
    image_tokens: positiveInt,
  }),
  graphs: z.record(z.string(), GraphSpecSchema),
  max_batch: positiveInt,
  profile: z.unknown().optional(),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type GraphSpec = z.infer<typeof GraphSpecSchema>;
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

/** A bundle that cannot be served; the message always names the offending file. */
export class BundleError extends Error {
  override name = "BundleError";
}

export function manifestPath(bundleDir: string): string {
  return join(bundleDir, "manifest.json");
}

export function readManifest(bundleDir: string): Manifest {
  const file = manifestPath(bundleDir);
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (error) {
    throw new BundleError(
      `${file}: cannot read the bundle manifest (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new BundleError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const version = (json as { format_version?: unknown } | null)?.format_version;
  if (!SUPPORTED_FORMAT_VERSIONS.includes(version as 2)) {
    throw new BundleError(
      `${file}: unknown format_version ${JSON.stringify(version)} (this backend reads ${SUPPORTED_FORMAT_VERSIONS.join(", ")})`,
    );
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new BundleError(`${file}: invalid manifest: ${issues}`);
  }
  return parsed.data;
}
