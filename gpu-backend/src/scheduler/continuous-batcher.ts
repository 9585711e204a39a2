// The worker side of the batching scheduler: every vhs request on this worker is active at once, and the
// worker runs steps: encode new prompts, finish the requests that take no more candidates (their winners
// in one shared finish batch), then one propose batch whose rows row-allocation.ts shares out among the
// rest. N is decided here, step by step, from each request's deadline and the work owed to the others.
// A request's seeds, scores and winner are those it gets alone: candidate i always has seed (s + i), its
// rows carry its own prompt, and propose picks the winner among its own rows (first on ties).
// Other modes (clip, ae, none) run whole between steps, with their batches cut by the deadline as before.

import { performance } from "node:perf_hooks";
import { candidateSeed, TinyscaleError } from "@tinyscale/shared";
import { MIME_TYPES } from "../image/encode-image.js";
import type { HostTensor } from "../onnx/session.js";
import { verdictOf } from "../pipeline/candidate-loop.js";
import { rawPixels } from "../pipeline/encode-image.js";
import { candidateLatents } from "../pipeline/latents.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { PromptRows } from "../pipeline/prompt-rows.js";
import { type RunLimits, runGeneration } from "../pipeline/run-generation.js";
import { concatBatch, sliceBatch } from "../pipeline/tensors.js";
import type { EncodedPrompt } from "../pipeline/text-encode.js";
import { JobTrace } from "../pipeline/trace.js";
import type { CandidateScore, GenerationJob, GenerationResult } from "../pipeline/types.js";
import type { CostModel } from "./cost-model.js";
import { allocateRows, owedWork, type RowDemand } from "./row-allocation.js";
import { Lateness, Slowdown } from "./slowdown.js";

export interface BatcherJob {
  id: number;
  job: GenerationJob;
  resolve(result: GenerationResult): void;
  reject(error: Error): void;
}

interface Active extends BatcherJob {
  prompt?: { encoded: EncodedPrompt; cacheHit: boolean; ms: number };
  candidates: CandidateScore[];
  best?: { score: number; index: number; hidden: HostTensor; noise: HostTensor };
  /** Graph runs charged to this request: each shared run is recorded on one request only. */
  trace: JobTrace;
  proposeMs: number;
  cancelled: boolean;
  addedAt: number;
  /** Epoch ms when it reached this worker (deadlines are epoch ms). */
  arrivedMs: number;
  /** Ms from reaching this worker to its first graph run. */
  queueMs?: number;
}

export class ContinuousBatcher {
  private readonly active = new Map<number, Active>();
  private readonly whole: BatcherJob[] = [];
  private running = false;
  private readonly slowdown = new Slowdown();
  private readonly lateness = new Lateness();

  constructor(
    private readonly pipeline: Pipeline,
    private readonly costs: () => CostModel,
    private readonly limits: (jobId: number) => RunLimits,
    private readonly onError: (job: BatcherJob, error: unknown) => void,
  ) {}

  add(entry: BatcherJob): void {
    if (entry.job.verifier === "vhs") {
      this.active.set(entry.id, {
        ...entry,
        candidates: [],
        trace: new JobTrace(),
        proposeMs: 0,
        cancelled: false,
        addedAt: performance.now(),
        arrivedMs: Date.now(),
      });
    } else {
      this.whole.push(entry);
    }
    if (!this.running) {
      this.running = true;
      // Started on the next turn so that requests arriving together share the first batch.
      setImmediate(() => void this.loop());
    }
  }

  cancel(id: number): void {
    const job = this.active.get(id);
    if (job) job.cancelled = true;
  }

  get size(): number {
    return this.active.size + this.whole.length;
  }

  private async loop(): Promise<void> {
    try {
      while (this.active.size > 0 || this.whole.length > 0) {
        const entry = this.whole.shift();
        if (entry) await this.runWhole(entry);
        if (this.active.size > 0) await this.step();
      }
    } finally {
      this.running = false;
    }
  }

  private async runWhole(entry: BatcherJob): Promise<void> {
    // An explicit n is exact: admission refused it if all n could not fit, so no deadline cuts it here.
    const job = entry.job.exact ? { ...entry.job, deadlineMs: null } : entry.job;
    try {
      entry.resolve(await runGeneration(this.pipeline, job, this.limits(entry.id)));
    } catch (error) {
      this.onError(entry, error);
    }
  }

  private fail(job: Active, error: unknown): void {
    this.active.delete(job.id);
    this.onError(job, error);
  }

  /**
   * One step: encode new prompts, finish the requests that stop, run one shared propose batch. The
   * slowdown is measured on whole steps (wall time against the profile's time for the graph runs in it):
   * what the deadlines depend on includes the work between graph runs and the time this thread waits for
   * a core on a busy machine, not only the graph runs themselves.
   */
  private async step(): Promise<void> {
    const started = performance.now();
    const profiled = this.costs();
    let predictedMs = 0;
    for (const job of this.active.values()) {
      if (job.cancelled && job.candidates.length === 0) {
        // Its caller went away before anything ran for it: drop it without running anything.
        this.fail(
          job,
          new TinyscaleError("invalid_request", "client closed the connection before the job started"),
        );
        continue;
      }
      if (job.prompt) continue;
      try {
        const start = performance.now();
        const { encoded, cacheHit } = await this.pipeline.textEncode.encode(job.job.prompt, job.trace);
        job.prompt = { encoded, cacheHit, ms: performance.now() - start };
        if (!cacheHit) predictedMs += profiled.textMs;
      } catch (error) {
        this.fail(job, error);
      }
    }
    const cost = profiled.withSlowdown(this.slowdown.factor, this.lateness.ms);
    const plan = allocateRows(this.demands(), cost, Date.now());
    const finishing = plan.finish.flatMap((id) => this.active.get(id) ?? []);
    finishing.sort((a, b) => (a.job.deadlineMs ?? Infinity) - (b.job.deadlineMs ?? Infinity));
    const chunk = cost.finishChunk;
    for (let at = 0; at < finishing.length; at += chunk) {
      predictedMs += await this.finish(finishing.slice(at, at + chunk));
    }
    const groups = plan.rows.flatMap(({ id, count }) => {
      const job = this.active.get(id);
      return job?.prompt ? [{ job, count }] : [];
    });
    if (groups.length > 0) predictedMs += await this.propose(groups);
    this.slowdown.observe(performance.now() - started, predictedMs);
  }

  private demands(): RowDemand[] {
    return [...this.active.values()].map((job) => ({
      id: job.id,
      have: job.candidates.length,
      cap: job.job.n,
      exact: job.job.exact,
      deadlineMs: job.job.deadlineMs,
      arrivedMs: job.arrivedMs,
      cancelled: job.cancelled,
      needsText: job.prompt === undefined,
    }));
  }

  /** Ms of work still owed to the requests on this worker now (reported with each result). */
  private owedMs(): number {
    return owedWork(this.demands(), this.costs().withSlowdown(this.slowdown.factor, this.lateness.ms));
  }

  /** Runs one shared propose batch; returns the profile's time for it (0 when it failed). */
  private async propose(groups: { job: Active; count: number }[]): Promise<number> {
    const manifest = this.pipeline.bundle.manifest;
    const noises = groups.map(({ job, count }) =>
      candidateLatents(manifest, job.job.seed, job.candidates.length, count),
    );
    const noise = concatBatch(noises);
    const rows = new PromptRows(
      groups.map(({ job, count }) => ({
        prompt: (job.prompt as Active["prompt"] & {}).encoded,
        rows: count,
      })),
    );
    const start = performance.now();
    let result: Awaited<ReturnType<Pipeline["propose"]["run"]>>;
    try {
      result = await this.pipeline.propose.run(noise, rows, (groups[0] as (typeof groups)[0]).job.trace);
    } catch (error) {
      for (const { job } of groups) this.fail(job, error);
      return 0;
    }
    const ms = performance.now() - start;
    let row = 0;
    groups.forEach(({ job, count }, g) => {
      const first = job.candidates.length;
      const scores = result.scores.slice(row, row + count);
      scores.forEach((score, k) => {
        const index = first + k;
        job.candidates.push({
          index,
          seed: candidateSeed(job.job.seed, index),
          score,
          verdict: verdictOf(score),
        });
      });
      const winner = result.winners[g];
      const score = winner ? (scores[winner.row] ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
      if (winner && (!job.best || score > job.best.score)) {
        job.best = {
          score,
          index: first + winner.row,
          hidden: winner.hidden,
          noise: sliceBatch(noises[g] as HostTensor, winner.row, 1),
        };
      }
      job.proposeMs += ms;
      job.queueMs ??= start - job.addedAt;
      row += count;
    });
    return this.costs().proposeMs(rows.total);
  }

  /** Finishes these requests' winners in one graph run and answers them; returns the profile's time for it. */
  private async finish(jobs: Active[]): Promise<number> {
    for (const job of jobs) this.active.delete(job.id);
    const ready = jobs.filter((job) => job.best && job.prompt);
    if (ready.length === 0) return 0;
    const start = performance.now();
    let images: HostTensor;
    try {
      images = await this.pipeline.finish.run(
        concatBatch(ready.map((job) => (job.best as NonNullable<Active["best"]>).hidden)),
        concatBatch(ready.map((job) => (job.best as NonNullable<Active["best"]>).noise)),
        new PromptRows(
          ready.map((job) => ({ prompt: (job.prompt as NonNullable<Active["prompt"]>).encoded, rows: 1 })),
        ),
        (ready[0] as Active).trace,
      );
    } catch (error) {
      for (const job of ready) this.onError(job, error);
      return 0;
    }
    const finishMs = performance.now() - start;
    for (const [row, job] of ready.entries()) this.answer(job, images, row, finishMs);
    return this.costs().finishMs(ready.length);
  }

  /**
   * Answers with the winner's raw pixels: the HTTP thread encodes them (worker/encode-result.ts). Encoded
   * here, an answer would wait for this thread to come back from its next graph run before it could leave.
   */
  private answer(job: Active, images: HostTensor, row: number, finishMs: number): void {
    try {
      const pixels = rawPixels(images, row);
      const deadline = job.job.deadlineMs;
      if (deadline !== null && !job.job.exact && !job.cancelled && job.candidates.length < job.job.n) {
        // Its N was cut by the deadline: it was planned to end right at it (less the margin).
        this.lateness.observe(Date.now() - deadline, this.lateness.ms);
      }
      const best = job.best as NonNullable<Active["best"]>;
      const prompt = job.prompt as NonNullable<Active["prompt"]>;
      job.resolve({
        image: pixels.data,
        mimeType: MIME_TYPES[job.job.outputFormat],
        width: pixels.width,
        height: pixels.height,
        unencoded: job.job.outputFormat,
        chosenIndex: best.index,
        candidates: job.candidates,
        nRun: job.candidates.length,
        timings: {
          text_encode_ms: prompt.ms,
          propose_ms: job.proposeMs,
          finish_ms: finishMs,
          encode_ms: 0,
        },
        samples: job.trace.samples,
        textCacheHit: prompt.cacheHit,
        queueMs: job.queueMs ?? 0,
        slowdown: this.slowdown.factor,
        lateMs: this.lateness.ms,
        finishedAtMs: Date.now(),
        owedMs: this.owedMs(),
      });
    } catch (error) {
      this.onError(job, error);
    }
  }
}
