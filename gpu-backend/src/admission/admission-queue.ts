// Admission control: a request runs at once on an idle worker, waits in a bounded FIFO, or is refused
// (503 overloaded + Retry-After when full; 504 deadline_exceeded when the wait already makes its
// deadline impossible, checked on arrival and again when it reaches a worker, before anything runs).

import { TinyscaleError } from "@tinyscale/shared";
import type { BackendMetrics } from "../metrics/metrics.js";
import type { GenerationJob, GenerationResult } from "../pipeline/types.js";
import type { Scheduler } from "./scheduler.js";

/** What a scheduler needs of the worker pool. */
export interface JobRunner {
  readonly size: number;
  readonly idle: number;
  /** Runs a job on an idle worker (legacy: one job per worker at a time). */
  run(job: GenerationJob, signal?: AbortSignal): Promise<GenerationResult>;
  /** Hands a job to the worker with the fewest jobs; it batches them (batched scheduler). */
  dispatch(job: GenerationJob, signal?: AbortSignal): Promise<GenerationResult>;
}

export interface Admission {
  job: GenerationJob;
  /** Predicted run time of the whole job (for wait estimates). */
  predictedMs: number;
  /** Predicted run time of the least it can do (one candidate): below this, the deadline is impossible. */
  minimumMs: number;
  /**
   * Aborts when the caller went away: a job still waiting is dropped instead of run for nobody; a running
   * one starts no further candidate batches.
   */
  signal?: AbortSignal;
}

interface Waiting extends Admission {
  enqueuedAt: number;
  resolve(value: { result: GenerationResult; queueMs: number }): void;
  reject(error: Error): void;
}

export class AdmissionQueue implements Scheduler {
  readonly name = "legacy" as const;
  private readonly waiting: Waiting[] = [];
  private running: Admission[] = [];
  private runner: JobRunner | undefined;
  private draining = false;
  private drained: (() => void)[] = [];

  constructor(
    private readonly maxQueue: number,
    private readonly metrics: BackendMetrics,
  ) {}

  attach(runner: JobRunner): void {
    this.runner = runner;
    this.pump();
  }

  get depth(): number {
    return this.waiting.length;
  }

  get inFlight(): number {
    return this.running.length;
  }

  get capacity(): number {
    return this.maxQueue + Math.max(1, this.runner?.size ?? 1);
  }

  /** Predicted ms until a newly queued job would start. */
  estimatedWaitMs(): number {
    const workers = Math.max(1, this.runner?.size ?? 1);
    const ahead = [...this.running, ...this.waiting].reduce((sum, a) => sum + a.predictedMs, 0);
    return ahead / workers;
  }

  submit(admission: Admission): Promise<{ result: GenerationResult; queueMs: number }> {
    if (this.draining) {
      return Promise.reject(
        new TinyscaleError("overloaded", "backend is shutting down", { retryAfterSeconds: 1 }),
      );
    }
    const mustWait = this.waiting.length > 0 || (this.runner?.idle ?? 0) === 0;
    const wait = mustWait ? this.estimatedWaitMs() : 0;
    if (mustWait && this.waiting.length >= this.maxQueue) {
      const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
      return Promise.reject(
        new TinyscaleError("overloaded", `admission queue is full (${this.maxQueue} waiting)`, {
          retryAfterSeconds,
        }),
      );
    }
    const deadline = admission.job.deadlineMs;
    if (deadline !== null && Date.now() + wait + admission.minimumMs > deadline) {
      return Promise.reject(this.deadlineError(wait, admission.minimumMs));
    }
    return new Promise((resolve, reject) => {
      const entry: Waiting = { ...admission, enqueuedAt: Date.now(), resolve, reject };
      this.waiting.push(entry);
      this.metrics.queueDepth.set(this.waiting.length);
      admission.signal?.addEventListener("abort", () => this.dropWaiting(entry), { once: true });
      this.pump();
    });
  }

  /** Removes a job that has not started yet (its caller disconnected). */
  private dropWaiting(entry: Waiting): void {
    const at = this.waiting.indexOf(entry);
    if (at < 0) return; // already running or finished
    this.waiting.splice(at, 1);
    this.metrics.queueDepth.set(this.waiting.length);
    entry.reject(
      new TinyscaleError("invalid_request", "client closed the connection before the job started"),
    );
    this.checkDrained();
  }

  private deadlineError(waitMs: number, minimumMs: number): TinyscaleError {
    return new TinyscaleError(
      "deadline_exceeded",
      `deadline cannot be met: ~${Math.round(waitMs)} ms of queue wait plus at least ${Math.round(minimumMs)} ms to run`,
    );
  }

  /** Starts waiting jobs while workers are idle. */
  private pump(): void {
    const runner = this.runner;
    while (runner && runner.idle > 0 && this.waiting.length > 0) {
      const next = this.waiting.shift() as Waiting; // length checked above
      this.metrics.queueDepth.set(this.waiting.length);
      const queueMs = Date.now() - next.enqueuedAt;
      const deadline = next.job.deadlineMs;
      if (deadline !== null && Date.now() + next.minimumMs > deadline) {
        next.reject(this.deadlineError(queueMs, next.minimumMs));
        continue;
      }
      this.running.push(next);
      this.metrics.inFlight.set(this.running.length);
      runner
        .run(next.job, next.signal)
        .then((result) => next.resolve({ result, queueMs }), next.reject)
        .finally(() => {
          this.running = this.running.filter((a) => a !== next);
          this.metrics.inFlight.set(this.running.length);
          this.pump();
          this.checkDrained();
        });
    }
    this.checkDrained();
  }

  /** Called by the pool when a worker frees up or a replacement comes up. */
  capacityChanged(): void {
    this.pump();
  }

  /** Stops now: refuses new jobs and fails every waiting one with `error` (running ones continue). */
  abort(error: Error): void {
    this.draining = true;
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    this.metrics.queueDepth.set(0);
    this.checkDrained();
  }

  /** Refuses new jobs; resolves once every queued and running job has finished. */
  drain(): Promise<void> {
    this.draining = true;
    return new Promise((resolve) => {
      this.drained.push(resolve);
      this.checkDrained();
    });
  }

  private checkDrained(): void {
    if (!this.draining || this.waiting.length > 0 || this.running.length > 0) return;
    for (const resolve of this.drained.splice(0)) resolve();
  }
}
