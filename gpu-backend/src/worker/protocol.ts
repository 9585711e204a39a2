// Messages between the HTTP thread and an inference worker thread. Plain data (structured clone); the
// image (encoded bytes, or raw pixels from the batching scheduler) travels as a transferred ArrayBuffer.

import type { ErrorCode } from "@tinyscale/shared";
import type { SchedulerName } from "../admission/scheduler.js";
import type { LogLevel } from "../log/logger.js";
import type { Manifest } from "../onnx/manifest.js";
import type { SessionConfig } from "../onnx/session.js";
import type { ProfileStages } from "../pipeline/batch-schedule.js";
import type { GenerationJob, GenerationResult, Verifier } from "../pipeline/types.js";

export interface WorkerInit {
  bundleDir: string;
  session: SessionConfig;
  textCacheSize: number;
  logLevel: LogLevel;
  workerIndex: number;
  /** Largest candidate batch per graph run (the batcher fills batches up to it). */
  maxBatch: number;
  /** batched: jobs run together, N decided step by step; legacy: one whole job at a time. */
  scheduler: SchedulerName;
  /** Nice value added to this thread's (and its graph threads') CPU priority (worker/thread-priority.ts). */
  nice: number;
}

export type ToWorker =
  | { type: "measure"; maxBatch: number; runs: number }
  | { type: "set_profile"; stages: ProfileStages }
  | { type: "generate"; jobId: number; job: GenerationJob }
  /** The caller went away: start no further candidate batches for this job. */
  | { type: "cancel"; jobId: number }
  /** Drill: throw an uncaught error between graph runs, exactly as a bug in the pipeline would. */
  | { type: "crash" };

export interface BundleInfo {
  manifest: Manifest;
  modes: Verifier[];
}

export type FromWorker =
  | { type: "ready"; info: BundleInfo }
  | { type: "init_failed"; message: string }
  | { type: "measured"; stages: ProfileStages }
  | { type: "measure_failed"; message: string }
  | { type: "result"; jobId: number; result: GenerationResult }
  | { type: "failed"; jobId: number; code: ErrorCode; message: string };
