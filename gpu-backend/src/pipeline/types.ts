// Types shared by the pipeline stages, the worker protocol and the HTTP layer: what a generation job
// asks for and what it returns. Plain data only, so it crosses the worker boundary by structured clone.

import type { OutputFormat, Verifier } from "@tinyscale/shared";

export type { OutputFormat, Verifier };

export interface GenerationJob {
  requestId: string;
  prompt: string;
  verifier: Verifier;
  /** Candidates: exactly n when `exact` (the caller sent n), else the most the budget plans on an idle backend. */
  n: number;
  /** The caller asked for n itself: never lowered (refused instead when it cannot fit). */
  exact: boolean;
  seed: number;
  maxBatch: number;
  outputFormat: OutputFormat;
  /** Absolute deadline (epoch ms) or null; batches that would overrun it are not started. */
  deadlineMs: number | null;
}

export interface CandidateScore {
  index: number;
  seed: number;
  score: number;
  verdict: "yes" | "no";
}

/** One graph run, reported back so the HTTP thread can feed histograms and run counters. */
export interface StageSample {
  stage: string;
  batch: number;
  ms: number;
}

export interface GenerationResult {
  /** The encoded image, or its raw RGB pixels (uint8 [H, W, 3]) while `unencoded` is set. */
  image: Uint8Array;
  /**
   * Set when `image` still holds raw pixels to encode as this format: the batching worker leaves the encode
   * to the HTTP thread (worker/encode-result.ts), which completes the result before anyone sees it.
   */
  unencoded?: OutputFormat;
  mimeType: string;
  width: number;
  height: number;
  chosenIndex: number;
  candidates: CandidateScore[];
  /** Candidates actually generated and scored (≤ n when the deadline cut batches). */
  nRun: number;
  timings: Record<string, number>;
  samples: StageSample[];
  textCacheHit: boolean;
  /** Ms from reaching the worker to its first graph run (the batching scheduler's queue time). */
  queueMs?: number;
  /** The worker's measured slowdown against its profile when this result left it (batching scheduler). */
  slowdown?: number;
  /** How much the worker keeps back from deadlines for its recent lateness (batching scheduler). */
  lateMs?: number;
  /** Epoch ms when the worker posted this result (the HTTP thread measures the way back from it). */
  finishedAtMs?: number;
  /** Ms of work the worker still owed to its other requests when this result left it (batching). */
  owedMs?: number;
}
