// How much slower the graphs run now than the start-up profile says, and how long results take to get
// back: averages over recent measurements. On a shared machine the profile's absolute times drift with
// other processes' load; the scheduler's deadlines must follow what things take now.
// Both estimates fade back to their baseline while nothing is measured (time constant FADE_MS): an
// estimate raised by one bad moment must not keep refusing requests whose results would correct it.

import { performance } from "node:perf_hooks";

const FADE_MS = 3_000;

/** A running estimate that fades toward `baseline` when no sample arrives. */
class FadingEstimate {
  private value: number;
  private at = performance.now();

  constructor(
    private readonly baseline: number,
    private readonly min: number,
    private readonly max: number,
  ) {
    this.value = baseline;
  }

  get current(): number {
    const faded = Math.exp(-(performance.now() - this.at) / FADE_MS);
    return this.baseline + (this.value - this.baseline) * faded;
  }

  /** Moves toward `sample` by `weight` (0..1). */
  move(sample: number, weight: number): void {
    if (!Number.isFinite(sample)) return;
    const now = this.current;
    this.value = Math.min(this.max, Math.max(this.min, now + weight * (sample - now)));
    this.at = performance.now();
  }

  set(value: number): void {
    if (!Number.isFinite(value)) return;
    this.value = Math.min(this.max, Math.max(this.min, value));
    this.at = performance.now();
  }
}

/**
 * Milliseconds a result takes from the worker to the caller (thread hop, response, socket) as a high
 * estimate: a longer sample is taken at once at half weight, a shorter one slowly, so a deadline kept
 * back by this much holds for most requests, not only the average one. At most MAX_RETURN_MS.
 */
const MAX_RETURN_MS = 150;

export class ReturnPath {
  private readonly estimate = new FadingEstimate(0, 0, MAX_RETURN_MS);

  get ms(): number {
    return this.estimate.current;
  }

  observe(ms: number): void {
    if (ms < 0) return;
    this.estimate.move(ms, ms > this.estimate.current ? 0.5 : 0.05);
  }
}

/**
 * How late answers cut by their deadline (N stopped by it) land against it, before any margin: a high
 * estimate, at least 0, at most MAX_LATENESS_MS. On a quiet machine the plan holds and this stays near 0;
 * where the time left varies more than the profile and the slowdown say (other processes taking the cores
 * in bursts), the scheduler keeps this much back from every deadline. A later sample is taken at half
 * weight, an earlier one at LATENESS_EASE: with late answers one in ten or twenty, the margin still covers
 * them most of the time (the budget promise is about the slow ones, not the average).
 */
const MAX_LATENESS_MS = 150;
const LATENESS_EASE = 0.02;

export class Lateness {
  private readonly estimate = new FadingEstimate(0, 0, MAX_LATENESS_MS);

  get ms(): number {
    return this.estimate.current;
  }

  /** An answer planned to end by its deadline, with `ms` kept back, ended `lateMs` after it (< 0: before). */
  observe(lateMs: number, keptBackMs: number): void {
    const error = lateMs + keptBackMs;
    this.estimate.move(error, error > this.estimate.current ? 0.5 : LATENESS_EASE);
  }

  /** Takes an estimate made elsewhere (the worker's, on the HTTP thread). */
  set(ms: number): void {
    this.estimate.set(ms);
  }
}

/** measured / predicted over recent graph runs; 1 = as profiled. */
export class Slowdown {
  private readonly estimate = new FadingEstimate(1, 0.5, 20);

  get factor(): number {
    return this.estimate.current;
  }

  /** Records one run: it took `measuredMs` where the profile predicts `predictedMs`. */
  observe(measuredMs: number, predictedMs: number): void {
    if (!(predictedMs > 0)) return;
    this.estimate.move(measuredMs / predictedMs, 0.2);
  }

  /** Takes a factor measured elsewhere (the worker's, on the HTTP thread). */
  set(factor: number): void {
    this.estimate.set(factor);
  }
}
