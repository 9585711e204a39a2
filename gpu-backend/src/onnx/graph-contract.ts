// The graphs the backend knows (docs/contracts.md §1 table): their I/O names and dtypes, and which
// verifier modes need which graphs. Used to check a manifest before anything is loaded.

import type { Verifier } from "@tinyscale/shared";
import { BundleError, type GraphSpec, type Manifest, type TensorSpec } from "./manifest.js";

export const GRAPH_NAMES = [
  "text_encoder",
  "propose",
  "finish",
  "dit_head",
  "dit_tail",
  "vae_decode",
  "vhs_verify",
  "clip_verify",
  "ae_verify",
] as const;

export type GraphName = (typeof GRAPH_NAMES)[number];

type Expected = Record<string, TensorSpec["dtype"]>;

interface GraphContract {
  inputs: Expected;
  outputs: Expected;
}

const f32 = "float32";
const i64 = "int64";
const u8 = "uint8";
const textInputs: Expected = { prompt_embeds: f32, prompt_mask: i64 };
const verifierInputs: Expected = { prefix_ids: i64, suffix_ids: i64, suffix_length: i64 };

export const GRAPH_CONTRACTS: Record<GraphName, GraphContract> = {
  text_encoder: {
    inputs: { input_ids: i64, attention_mask: i64 },
    outputs: { prompt_embeds: f32, prompt_mask: i64 },
  },
  propose: {
    inputs: { noise: f32, ...textInputs, ...verifierInputs, group_mask: i64 },
    outputs: { scores: f32, winner_index: i64, winner_hidden: f32 },
  },
  finish: { inputs: { hidden: f32, noise: f32, ...textInputs }, outputs: { image: u8 } },
  dit_head: { inputs: { noise: f32, ...textInputs }, outputs: { hidden: f32 } },
  dit_tail: { inputs: { hidden: f32, noise: f32, ...textInputs }, outputs: { latent: f32 } },
  vae_decode: { inputs: { latent: f32 }, outputs: { image: u8 } },
  vhs_verify: { inputs: { hidden: f32, ...verifierInputs }, outputs: { scores: f32 } },
  clip_verify: { inputs: { image: u8, ...verifierInputs }, outputs: { scores: f32 } },
  ae_verify: { inputs: { latent: f32, ...verifierInputs }, outputs: { scores: f32 } },
};

export const MODE_GRAPHS: Record<Verifier, readonly GraphName[]> = {
  vhs: ["text_encoder", "propose", "finish"],
  none: ["text_encoder", "dit_head", "finish"],
  clip: ["text_encoder", "dit_head", "finish", "clip_verify"],
  ae: ["text_encoder", "dit_head", "dit_tail", "ae_verify", "vae_decode"],
};

/** The trained part a mode's scores come from (none: no verifier, the generator alone). */
export const MODE_VERIFIER: Record<Verifier, keyof Manifest["trained"] | null> = {
  vhs: "vhs_verifier",
  none: null,
  clip: "clip_verifier",
  ae: "ae_verifier",
};

/** Modes whose verifier has no trained weights: not offered unless the bundle is a test bundle. */
export function untrainedModes(manifest: Manifest): Verifier[] {
  if (manifest.test_bundle) return [];
  return (Object.keys(MODE_VERIFIER) as Verifier[]).filter((mode) => {
    const part = MODE_VERIFIER[mode];
    return part !== null && !manifest.trained[part];
  });
}

/** Modes whose graphs are all in the bundle and, outside test bundles, whose verifier is trained. */
export function availableModes(manifest: Manifest): Verifier[] {
  const untrained = untrainedModes(manifest);
  return (Object.keys(MODE_GRAPHS) as Verifier[]).filter(
    (mode) => MODE_GRAPHS[mode].every((graph) => graph in manifest.graphs) && !untrained.includes(mode),
  );
}

/** A bundle that says it is real must have a real generator and text encoder: random images are not a product. */
function checkTrainedParts(manifestFile: string, manifest: Manifest): void {
  if (manifest.test_bundle) return;
  for (const part of ["generator", "text_encoder"] as const) {
    if (!manifest.trained[part]) {
      throw new BundleError(
        `${manifestFile}: trained.${part} is false in a bundle with test_bundle false (random weights are served only by test bundles)`,
      );
    }
  }
  if (manifest.generator.split_layer >= manifest.generator.num_layers) {
    throw new BundleError(`${manifestFile}: generator.split_layer must be below num_layers`);
  }
}

/** Symbolic dims and where their value comes from in the manifest, to check numeric shapes. */
function knownDims(manifest: Manifest): Record<string, number> {
  const g = manifest.generator;
  return {
    C: g.latent_channels,
    h: g.latent_height,
    w: g.latent_width,
    H: g.image_height,
    W: g.image_width,
    hw: (g.latent_height / g.patch_size) * (g.latent_width / g.patch_size),
    hidden: g.hidden_size,
    max_length: manifest.text_encoder.max_length,
    output_length: manifest.text_encoder.output_length,
  };
}

/**
 * Expected shapes per tensor name (trailing dims; the leading dim is batch or 1). The text encoder makes one
 * prompt's embeddings; the other graphs take them per row (a batch may mix requests), hence `graph`.
 */
function expectedShape(
  graph: string,
  name: string,
  dims: Record<string, number>,
): (number | undefined)[] | undefined {
  const rows = graph === "text_encoder" ? 1 : undefined;
  switch (name) {
    case "noise":
    case "latent":
      return [undefined, dims.C, dims.h, dims.w];
    case "hidden":
    case "winner_hidden":
      return [undefined, dims.hw, dims.hidden];
    case "image":
      return [undefined, dims.H, dims.W, 3];
    case "input_ids":
    case "attention_mask":
      return [1, dims.max_length];
    case "prompt_embeds":
      return [rows, dims.output_length, undefined];
    case "prompt_mask":
      return [rows, dims.output_length];
    case "suffix_ids":
      return [undefined, undefined];
    case "suffix_length":
      return [undefined];
    case "group_mask":
      return [undefined, undefined];
    default:
      return undefined;
  }
}

function checkTensors(
  file: string,
  graph: string,
  side: "input" | "output",
  declared: readonly TensorSpec[],
  expected: Expected,
  dims: Record<string, number>,
): void {
  const names = new Set(declared.map((t) => t.name));
  for (const [name, dtype] of Object.entries(expected)) {
    const spec = declared.find((t) => t.name === name);
    if (!spec)
      throw new BundleError(`${file}: graph "${graph}" declares no ${side} "${name}" (contracts §1)`);
    if (spec.dtype !== dtype) {
      throw new BundleError(
        `${file}: graph "${graph}" ${side} "${name}" has dtype ${spec.dtype}, expected ${dtype}`,
      );
    }
    const want = expectedShape(graph, name, dims);
    if (!want) continue;
    const problem =
      spec.shape.length !== want.length ||
      want.some((d, i) => d !== undefined && typeof spec.shape[i] === "number" && spec.shape[i] !== d);
    if (problem) {
      const shown = want.map((d) => d ?? "*").join(", ");
      throw new BundleError(
        `${file}: graph "${graph}" ${side} "${name}" has shape [${spec.shape.join(", ")}], expected [${shown}]`,
      );
    }
  }
  if (side === "input") {
    const extra = [...names].filter((n) => !(n in expected));
    if (extra.length > 0) {
      throw new BundleError(
        `${file}: graph "${graph}" has inputs the backend cannot feed: ${extra.join(", ")}`,
      );
    }
  }
}

/** Checks every graph entry of the manifest against the contract; throws BundleError naming the file. */
export function checkManifestGraphs(manifestFile: string, manifest: Manifest): void {
  checkTrainedParts(manifestFile, manifest);
  const g = manifest.generator;
  if (g.latent_height % g.patch_size !== 0 || g.latent_width % g.patch_size !== 0) {
    throw new BundleError(
      `${manifestFile}: generator latent ${g.latent_height}×${g.latent_width} is not a multiple of patch_size ${g.patch_size}`,
    );
  }
  const dims = knownDims(manifest);
  for (const required of MODE_GRAPHS.vhs) {
    if (!(required in manifest.graphs)) {
      throw new BundleError(
        `${manifestFile}: graphs.${required} is missing (needed by the default vhs mode)`,
      );
    }
  }
  for (const [graph, spec] of Object.entries(manifest.graphs) as [string, GraphSpec][]) {
    const contract = GRAPH_CONTRACTS[graph as GraphName];
    if (!contract) continue; // a graph we do not use (the bundle may carry extras)
    checkTensors(manifestFile, graph, "input", spec.inputs, contract.inputs, dims);
    checkTensors(manifestFile, graph, "output", spec.outputs, contract.outputs, dims);
  }
}
