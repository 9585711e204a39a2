// What a mode's time "should" be from its graphs alone, two ways: counted FLOPs, and the measured
// batch-1 time of each graph. Set beside the measured ratios, they say whether a miss comes from the
// workload's proportions, from per-graph speed differences, or from everything else (batching, overhead).

import { REFERENCE_BEAMS } from "../pipeline/reference-runner.js";
import type { BenchMode } from "../pipeline/types.js";

/** Cost per graph call at batch 1 (GFLOP or ms); batch b is modelled as b × that (no batching gain). */
export type GraphCost = Record<string, number>;

export function modelCost(mode: BenchMode, n: number, c: GraphCost): number | null {
  const g = (name: string) => c[name];
  const te = g("text_encoder");
  if (te === undefined) return null;
  const need = (...names: string[]) => names.every((name) => g(name) !== undefined);
  const v = (name: string) => c[name] ?? 0;
  switch (mode) {
    case "vhs":
      return need("propose", "finish") ? te + n * v("propose") + v("finish") : null;
    case "clip":
      return need("dit_head", "finish", "clip_verify")
        ? te + n * (v("dit_head") + v("finish") + v("clip_verify"))
        : null;
    case "ae":
      return need("dit_head", "dit_tail", "ae_verify", "vae_decode")
        ? te + n * (v("dit_head") + v("dit_tail") + v("ae_verify")) + v("vae_decode")
        : null;
    case "none":
      return need("dit_head", "finish") ? te + v("dit_head") + v("finish") : null;
    case "reference":
      return need("dit_head", "vhs_verify", "dit_tail", "vae_decode")
        ? n * (te + v("dit_head") + REFERENCE_BEAMS * v("vhs_verify")) +
            te +
            v("dit_head") +
            v("dit_tail") +
            v("vae_decode")
        : null;
  }
}

export function modelRatio(a: BenchMode, b: BenchMode, n: number, c: GraphCost): number | null {
  const x = modelCost(a, n, c);
  const y = modelCost(b, n, c);
  return x === null || y === null || y === 0 ? null : x / y;
}
