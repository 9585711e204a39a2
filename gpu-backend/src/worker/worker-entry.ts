// Entry of an inference worker thread: loads the bundle into onnxruntime sessions, answers "measure" with
// the latency profile and "generate" with results. session.run() blocks only this thread's loop.

import { parentPort, workerData } from "node:worker_threads";
import { TinyscaleError } from "@tinyscale/shared";
import { createLogger } from "../log/logger.js";
import { loadBundle } from "../onnx/bundle.js";
import type { ProfileStages } from "../pipeline/batch-schedule.js";
import { measureProfile } from "../pipeline/measure-profile.js";
import { buildPipeline, type Pipeline } from "../pipeline/pipeline.js";
import { runGeneration } from "../pipeline/run-generation.js";
import type { GenerationResult } from "../pipeline/types.js";
import { ContinuousBatcher } from "../scheduler/continuous-batcher.js";
import { CostModel } from "../scheduler/cost-model.js";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";
import { lowerThreadPriority } from "./thread-priority.js";

if (!parentPort) throw new Error("worker-entry.js must run as a worker thread");
const port = parentPort;
const init = workerData as WorkerInit;
const log = createLogger(init.logLevel, { worker: init.workerIndex });
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

let pipeline: Pipeline | undefined;
let stages: ProfileStages | undefined;
/** The job running now, and the ones whose caller went away (they start no further candidate batches). */
let running: number | undefined;
const cancelled = new Set<number>();
// Jobs run one at a time: the pool never sends a second before the first answers, and the queue here
// makes that hold even if it did (onnxruntime sessions are not re-entrant across awaits we interleave).
let chain: Promise<void> = Promise.resolve();
/** The batching scheduler's step loop (absent with the legacy scheduler). */
let batcher: ContinuousBatcher | undefined;

function sendResult(jobId: number, result: GenerationResult): void {
  const bytes = result.image.slice(); // own buffer, so it can be transferred without copying again
  send({ type: "result", jobId, result: { ...result, image: bytes } }, [bytes.buffer as ArrayBuffer]);
}

function sendFailure(jobId: number, requestId: string, error: unknown): void {
  const code = error instanceof TinyscaleError ? error.code : "internal_error";
  log.child({ request_id: requestId }).error("generation failed", { error });
  send({ type: "failed", jobId, code, message: (error as Error).message });
}

async function handle(
  message: Exclude<ToWorker, { type: "crash" | "cancel" }>,
  ready: Pipeline,
): Promise<void> {
  if (message.type === "set_profile") {
    stages = message.stages;
  } else if (message.type === "measure") {
    try {
      send({ type: "measured", stages: await measureProfile(ready, message.maxBatch, message.runs) });
    } catch (error) {
      send({ type: "measure_failed", message: (error as Error).message });
    }
  } else {
    running = message.jobId;
    try {
      const result = await runGeneration(ready, message.job, {
        stages,
        isCancelled: () => cancelled.has(message.jobId),
      });
      sendResult(message.jobId, result);
    } catch (error) {
      sendFailure(message.jobId, message.job.requestId, error);
    } finally {
      running = undefined;
      cancelled.delete(message.jobId);
    }
  }
}

async function start(): Promise<void> {
  // Before the bundle loads: onnxruntime's intra-op threads, started with the sessions, inherit it.
  if (init.nice > 0 && !lowerThreadPriority(init.nice)) {
    log.warn("could not lower the inference thread's CPU priority; it runs at the HTTP thread's", {
      nice: init.nice,
    });
  }
  try {
    const bundle = await loadBundle(init.bundleDir, init.session);
    pipeline = buildPipeline(bundle, init.textCacheSize);
    send({ type: "ready", info: { manifest: bundle.manifest, modes: bundle.modes } });
  } catch (error) {
    send({ type: "init_failed", message: (error as Error).message });
    return;
  }
  const ready = pipeline;
  if (init.scheduler === "batched") {
    batcher = new ContinuousBatcher(
      ready,
      () => new CostModel(stages, init.maxBatch),
      (jobId) => ({ stages, isCancelled: () => cancelled.has(jobId) }),
      (job, error) => sendFailure(job.id, job.job.requestId, error),
    );
  }
  port.on("message", (message: ToWorker) => {
    if (message.type === "generate" && batcher) {
      // Not queued behind other jobs: the batcher runs them together.
      const { jobId, job } = message;
      batcher.add({
        id: jobId,
        job,
        resolve: (result) => {
          cancelled.delete(jobId);
          sendResult(jobId, result);
        },
        reject: (error) => {
          cancelled.delete(jobId);
          sendFailure(jobId, job.requestId, error);
        },
      });
      return;
    }
    if (message.type === "cancel" && batcher) {
      cancelled.add(message.jobId);
      batcher.cancel(message.jobId);
      return;
    }
    if (message.type === "cancel") {
      // Not queued behind the running job: it is read between that job's graph runs.
      if (message.jobId === running) cancelled.add(message.jobId);
      return;
    }
    if (message.type === "crash") {
      // Not queued behind the running job: it fires between that job's graph runs.
      setImmediate(() => {
        throw new Error("induced worker crash (drill)");
      });
      return;
    }
    chain = chain.then(() => handle(message, ready));
  });
}

void start();
