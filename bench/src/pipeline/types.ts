// What the pipeline, planner and overhead benches need from a runner: one timed generation.
// The product's modes (vhs, clip, ae, none) and the reference re-creation both implement it.

export const PRODUCT_MODES = ["vhs", "clip", "ae", "none"] as const;
export type ProductMode = (typeof PRODUCT_MODES)[number];
export type BenchMode = ProductMode | "reference";

export interface TimedRun {
  /** Wall-clock ms of the whole generation as the runner saw it. */
  total_ms: number;
  /** ms per stage (keys as the runner names them, e.g. `text_encode`, `propose`). */
  stages: Record<string, number>;
  /** Candidates actually generated (for checking the runner did what was asked). */
  n: number;
}

export interface ModeRunner {
  readonly modes: readonly BenchMode[];
  run(mode: BenchMode, n: number, prompt: string, seed: number): Promise<TimedRun>;
  close(): Promise<void>;
}
