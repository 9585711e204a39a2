// Admission for the batching scheduler: every admitted request goes to a worker at once (the worker
// batches them, see scheduler/continuous-batcher.ts), so the only decision here is whether to take it.
// A request is taken when its least work — one candidate for a budget, all n for an explicit n — can
// finish before its deadline behind the least work of everything due earlier (earliest deadline first),
// without pushing an already admitted request past its own. Otherwise it is refused at once, before any
// work, with 503 overloaded and a Retry-After of the time the owed work needs to drain: nothing ran, so
// nothing is charged.

import { DEFAULT_NETWORK_MARGIN_MS, LruCache, TinyscaleError } from "@tinyscale/shared";
import type { BackendMetrics } from "../metrics/metrics.js";
import type { GenerationResult } from "../pipeline/types.js";
import { type CostModel, DEADLINE_SLACK_MS } from "../scheduler/cost-model.js";
import { Lateness, ReturnPath, Slowdown } from "../scheduler/slowdown.js";
import type { Admission, JobRunner } from "./admission-queue.js";
import type { Scheduler } from "./scheduler.js";

interface Owed {
  deadlineMs: number | null;
  /** Predicted ms of its least work on a shared worker. */
  ms: number;
  /** Epoch ms when it was admitted (a worker's report from before then does not include it). */
  admittedAtMs: number;
}

/** What a worker last said it still owes (with a result), and when. */
interface WorkerReport {
  owedMs: number;
  atMs: number;
}

/**
 * For each entry (sorted by deadline): does its least work end before its deadline, given all before it
 * and `aheadMs` of work the workers already owe (their last report, due first)?
 */
function feasible(
  entries: readonly Owed[],
  now: number,
  workers: number,
  /** Kept ahead of all work: the batch that may be running now, plus the workers' lateness margin. */
  leadMs: number,
  aheadMs: number,
): boolean[] {
  let ahead = aheadMs;
  return entries.map((entry) => {
    ahead += entry.ms;
    return (
      entry.deadlineMs === null || now + leadMs + ahead / workers + DEADLINE_SLACK_MS <= entry.deadlineMs
    );
  });
}

/**
 * Kept ahead of all work: the batch that may be running now, and the margin the workers keep for their
 * recent lateness.
 */
const leadOf = (cost: CostModel) => cost.stepMs + cost.marginMs;

const byDeadline = (a: Owed, b: Owed) =>
  (a.deadlineMs ?? Number.POSITIVE_INFINITY) - (b.deadlineMs ?? Number.POSITIVE_INFINITY);

export class BatchAdmission implements Scheduler {
  readonly name = "batched" as const;
  private readonly owed = new Set<Owed>();
  private runner: JobRunner | undefined;
  private draining = false;
  private drained: (() => void)[] = [];
  /** The workers' latest measured slowdown against the profile, reported with each result. */
  private readonly slowdown = new Slowdown();
  /** The workers' latest margin for their measured lateness, reported with each result. */
  private readonly lateness = new Lateness();
  /** How long results take from a worker back to here; the worker aims that much before each deadline. */
  private readonly returnPath = new ReturnPath();
  /**
   * The latest worker report of owed work. Requests admitted since are added to it; requests admitted
   * before are in it (as far as they still owe anything), so those that already ran their candidates no
   * longer count. Every worker is taken to be loaded like the one that reported last.
   */
  private report: WorkerReport | undefined;
  /**
   * The prompts of the latest admitted requests, as many as a worker's text-embedding cache holds: one
   * seen here recently is taken to be cached there, so its encoding is not counted as work owed. (With
   * several workers it may be cached on another one; the error is one text encoding.)
   */
  private readonly recentPrompts: LruCache<string, true>;

  constructor(
    /** Requests held beyond one full batch per worker; more are refused (a memory bound). */
    private readonly maxQueue: number,
    private readonly profiled: () => CostModel,
    private readonly metrics: BackendMetrics,
    /** The workers' text-embedding cache size (prompts). */
    textCacheSize: number,
  ) {
    this.recentPrompts = new LruCache(textCacheSize);
  }

  /** The profile's costs, scaled by the measured slowdown while other requests run (idle: as profiled). */
  private costs(): CostModel {
    return this.owed.size === 0
      ? this.profiled()
      : this.profiled().withSlowdown(this.slowdown.factor, this.lateness.ms);
  }

  attach(runner: JobRunner): void {
    this.runner = runner;
  }

  capacityChanged(): void {}

  private get workers(): number {
    return Math.max(1, this.runner?.size ?? 1);
  }

  private get batchRoom(): number {
    return this.workers * this.costs().maxBatch;
  }

  get depth(): number {
    return this.owed.size - this.inFlight;
  }

  // Only the requests one batch per worker can hold, so that depth + inFlight counts each request once
  // (the edge ranks backends by that sum, as it does the legacy scheduler's waiting + running).
  get inFlight(): number {
    return Math.min(this.owed.size, this.batchRoom);
  }

  get capacity(): number {
    return this.maxQueue + this.batchRoom;
  }

  /** In-flight requests the last worker report does not cover (all of them without a report). */
  private unreported(): Owed[] {
    const since = this.report?.atMs ?? Number.NEGATIVE_INFINITY;
    return [...this.owed].filter((entry) => entry.admittedAtMs >= since);
  }

  /** Ms of work the workers owe as of their last report (0 without one, or when nothing is in flight). */
  private reportedMs(): number {
    return this.report && this.owed.size > 0 ? this.report.owedMs : 0;
  }

  /** Ms of owed work ahead of a new request with no deadline, per worker. */
  estimatedWaitMs(): number {
    let total = this.reportedMs() * this.workers;
    for (const entry of this.unreported()) total += entry.ms;
    return total / this.workers;
  }

  admissionTerms(): { leadMs: number; slowdown: number } {
    const cost = this.costs();
    // As check() (lead, slack) and submit() (the way back, off the deadline) count them.
    return { leadMs: leadOf(cost) + DEADLINE_SLACK_MS + this.returnMs(), slowdown: cost.slowdown };
  }

  private publishLoad(): void {
    this.metrics.inFlight.set(this.inFlight);
    this.metrics.queueDepth.set(this.depth);
  }

  /** The measured way from a worker back to this thread, once other requests share it (idle: 0). */
  private returnMs(): number {
    return this.owed.size === 0 ? 0 : this.returnPath.ms;
  }

  private leastWorkMs(admission: Admission): number {
    const { job } = admission;
    const cost = this.costs();
    if (job.verifier !== "vhs") return job.exact ? admission.predictedMs : admission.minimumMs;
    return cost.leastWorkMs(job.exact ? job.n : 1, this.recentPrompts.get(job.prompt) !== undefined);
  }

  private overloaded(message: string): TinyscaleError {
    const retryAfterSeconds = Math.max(1, Math.ceil(this.estimatedWaitMs() / 1000));
    return new TinyscaleError("overloaded", message, { retryAfterSeconds });
  }

  /** Refuses (throws) when admitting `entry` would make it, or any request admitted before, miss its deadline. */
  private check(entry: Owed): void {
    const cost = this.costs();
    if (!cost.measured) return;
    const now = Date.now();
    const reported = this.reportedMs() * this.workers;
    const before = this.unreported().sort(byDeadline);
    const after = [...before, entry].sort(byDeadline);
    const leadMs = leadOf(cost);
    const fineBefore = feasible(before, now, this.workers, leadMs, reported);
    const wasFine = new Map(before.map((e, i) => [e, fineBefore[i]]));
    const isFine = feasible(after, now, this.workers, leadMs, reported);
    after.forEach((e, i) => {
      const ok = isFine[i];
      if (ok) return;
      if (e === entry) {
        throw this.overloaded(
          `cannot finish even one candidate before the deadline: ~${Math.round(this.estimatedWaitMs())} ms of work is owed to requests due earlier`,
        );
      }
      if (wasFine.get(e)) {
        throw this.overloaded("admitting this request would make an earlier one miss its deadline");
      }
    });
  }

  submit(admission: Admission): Promise<{ result: GenerationResult; queueMs: number }> {
    const runner = this.runner;
    if (this.draining || !runner) {
      return Promise.reject(
        new TinyscaleError("overloaded", "backend is shutting down", { retryAfterSeconds: 1 }),
      );
    }
    if (this.owed.size >= this.capacity) {
      return Promise.reject(this.overloaded(`too many requests in flight (${this.owed.size})`));
    }
    const deadline = admission.job.deadlineMs;
    // The worker aims early enough for the result to reach the caller by the deadline: the measured way
    // back to this thread, and the planner's network margin for the way from here to the caller.
    const workerDeadline = deadline === null ? null : deadline - this.returnMs() - DEFAULT_NETWORK_MARGIN_MS;
    const entry: Owed = {
      deadlineMs: workerDeadline,
      ms: this.leastWorkMs(admission),
      admittedAtMs: Date.now(),
    };
    try {
      this.check(entry);
    } catch (error) {
      return Promise.reject(error);
    }
    this.owed.add(entry);
    this.recentPrompts.set(admission.job.prompt, true);
    this.publishLoad();
    return runner
      .dispatch({ ...admission.job, deadlineMs: workerDeadline }, admission.signal)
      .then((result) => {
        if (result.slowdown !== undefined) this.slowdown.set(result.slowdown);
        if (result.lateMs !== undefined) this.lateness.set(result.lateMs);
        if (result.finishedAtMs !== undefined) {
          this.returnPath.observe(Date.now() - result.finishedAtMs);
          if (result.owedMs !== undefined) this.report = { owedMs: result.owedMs, atMs: result.finishedAtMs };
        }
        return { result, queueMs: result.queueMs ?? 0 };
      })
      .finally(() => {
        this.owed.delete(entry);
        this.publishLoad();
        this.checkDrained();
      });
  }

  /** Refuses new requests; nothing waits here (every admitted one is on a worker and finishes there). */
  abort(): void {
    this.draining = true;
    this.checkDrained();
  }

  drain(): Promise<void> {
    this.draining = true;
    return new Promise((resolve) => {
      this.drained.push(resolve);
      this.checkDrained();
    });
  }

  private checkDrained(): void {
    if (!this.draining || this.owed.size > 0) return;
    for (const resolve of this.drained.splice(0)) resolve();
  }
}
