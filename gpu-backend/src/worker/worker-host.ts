// One inference worker thread seen from the HTTP thread: start it, send it jobs, and notice when it dies.
// A crash fails only this worker's in-flight job, with a retryable error; the pool starts a replacement.

import { Worker } from "node:worker_threads";
import { TinyscaleError } from "@tinyscale/shared";
import type { ProfileStages } from "../pipeline/batch-schedule.js";
import type { GenerationJob, GenerationResult } from "../pipeline/types.js";
import { encodeResult } from "./encode-result.js";
import { workerEntryPath } from "./entry-path.js";
import type { BundleInfo, FromWorker, ToWorker, WorkerInit } from "./protocol.js";

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export class WorkerStartError extends Error {
  override name = "WorkerStartError";
}

export class WorkerHost {
  private readonly jobs = new Map<number, Waiter<GenerationResult>>();
  private measuring: Waiter<ProfileStages> | undefined;
  private nextJobId = 1;
  private stopping = false;
  /** Called once when the thread dies without being asked to. */
  onCrash: ((host: WorkerHost, reason: string) => void) | undefined;

  private constructor(
    readonly index: number,
    private readonly worker: Worker,
  ) {
    worker.on("message", (message: FromWorker) => this.receive(message));
    worker.on("error", (error) => this.fail(`worker thread error: ${error.message}`));
    worker.on("exit", (code) => this.fail(`worker thread exited with code ${code}`));
  }

  /** Starts a worker and resolves once its bundle is loaded and validated. */
  static start(init: WorkerInit): Promise<{ host: WorkerHost; info: BundleInfo }> {
    const worker = new Worker(workerEntryPath(), { workerData: init });
    return new Promise((resolve, reject) => {
      const early = (reason: string) => reject(new WorkerStartError(reason));
      const onExit = (code: number) =>
        early(`worker thread exited with code ${code} while loading the bundle`);
      const onError = (error: Error) =>
        early(`worker thread failed while loading the bundle: ${error.message}`);
      worker.once("exit", onExit);
      worker.once("error", onError);
      worker.once("message", (message: FromWorker) => {
        worker.off("exit", onExit);
        worker.off("error", onError);
        if (message.type === "ready") {
          resolve({ host: new WorkerHost(init.workerIndex, worker), info: message.info });
        } else {
          void worker.terminate();
          early(
            message.type === "init_failed" ? message.message : `unexpected first message ${message.type}`,
          );
        }
      });
    });
  }

  /** Jobs this worker holds now (the batching scheduler gives a worker many at once). */
  get load(): number {
    return this.jobs.size;
  }

  get busy(): boolean {
    return this.jobs.size > 0 || this.measuring !== undefined;
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  /** Runs a job; aborting `signal` asks the worker to start no further batches of it. */
  generate(job: GenerationJob, signal?: AbortSignal): Promise<GenerationResult> {
    const jobId = this.nextJobId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(jobId, { resolve, reject });
      this.post({ type: "generate", jobId, job });
      signal?.addEventListener(
        "abort",
        () => {
          if (this.jobs.has(jobId) && !this.stopping) this.post({ type: "cancel", jobId });
        },
        { once: true },
      );
    });
  }

  measure(maxBatch: number, runs: number): Promise<ProfileStages> {
    return new Promise((resolve, reject) => {
      this.measuring = { resolve, reject };
      this.post({ type: "measure", maxBatch, runs });
    });
  }

  setProfile(stages: ProfileStages): void {
    this.post({ type: "set_profile", stages });
  }

  private receive(message: FromWorker): void {
    if (message.type === "result" || message.type === "failed") {
      const waiter = this.jobs.get(message.jobId);
      this.jobs.delete(message.jobId);
      if (!waiter) return;
      // The image arrived as a transferred buffer; raw pixels from a batching worker are encoded here.
      if (message.type === "result") encodeResult(message.result).then(waiter.resolve, waiter.reject);
      else waiter.reject(new TinyscaleError(message.code, message.message));
    } else if (message.type === "measured" || message.type === "measure_failed") {
      const waiter = this.measuring;
      this.measuring = undefined;
      if (message.type === "measured") waiter?.resolve(message.stages);
      else waiter?.reject(new Error(`profiling failed: ${message.message}`));
    }
  }

  /** The thread is gone: fail what it was doing with a retryable error, once. */
  private fail(reason: string): void {
    const crashed = !this.stopping;
    this.stopping = true;
    const error = new TinyscaleError(
      "internal_error",
      `inference worker crashed (${reason}); retry the request`,
      {
        retryAfterSeconds: 1,
      },
    );
    for (const waiter of this.jobs.values()) waiter.reject(error);
    this.jobs.clear();
    this.measuring?.reject(error);
    this.measuring = undefined;
    if (crashed) this.onCrash?.(this, reason);
  }

  /**
   * Stops the thread on purpose (shutdown); not reported as a crash. Waits for a running job first:
   * terminating a thread inside onnxruntime's native run aborts the process.
   */
  async terminate(): Promise<void> {
    await this.idle();
    this.stopping = true;
    await this.worker.terminate();
  }

  /**
   * Makes the thread crash (an uncaught error between graph runs), for tests and drills. Not terminate():
   * terminating a thread inside onnxruntime's native run aborts the whole process.
   */
  crash(): void {
    this.post({ type: "crash" });
  }

  /** Resolves once nothing runs on this worker (or it is gone). */
  async idle(): Promise<void> {
    while (this.busy && !this.stopping) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
