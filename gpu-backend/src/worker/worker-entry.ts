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
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.js";

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
    const jobLog = log.child({ request_id: message.job.requestId });
    running = message.jobId;
    try {
      const result = await runGeneration(ready, message.job, {
        stages,
        isCancelled: () => cancelled.has(message.jobId),
      });
      const bytes = result.image.slice(); // own buffer, so it can be transferred without copying again
      send({ type: "result", jobId: message.jobId, result: { ...result, image: bytes } }, [
        bytes.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      const code = error instanceof TinyscaleError ? error.code : "internal_error";
      jobLog.error("generation failed", { error });
      send({ type: "failed", jobId: message.jobId, code, message: (error as Error).message });
    } finally {
      running = undefined;
      cancelled.delete(message.jobId);
    }
  }
}

async function start(): Promise<void> {
  try {
    const bundle = await loadBundle(init.bundleDir, init.session);
    pipeline = buildPipeline(bundle, init.textCacheSize);
    send({ type: "ready", info: { manifest: bundle.manifest, modes: bundle.modes } });
  } catch (error) {
    send({ type: "init_failed", message: (error as Error).message });
    return;
  }
  const ready = pipeline;
  port.on("message", (message: ToWorker) => {
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
