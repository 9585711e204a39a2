// What the HTTP layer knows about the backend as a whole: lifecycle phase, the bundle being served
// (read from its manifest before any worker starts) and the latency profile measured at start-up.

import type { Profile } from "@tinyscale/shared";
import type { Manifest } from "./onnx/manifest.js";
import type { Verifier } from "./pipeline/types.js";

export type Phase = "loading" | "ready" | "draining" | "stopped" | "failed";

export interface BackendState {
  phase: Phase;
  manifest: Manifest;
  modes: Verifier[];
  /** Largest candidate batch per graph run: the option, capped by the bundle's max_batch. */
  maxBatch: number;
  maxN: number;
  device: string;
  profile: Profile | undefined;
}

export function nativeSize(manifest: Manifest): string {
  return `${manifest.generator.image_width}x${manifest.generator.image_height}`;
}
