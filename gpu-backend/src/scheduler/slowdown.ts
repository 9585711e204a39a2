// How much slower the graphs run now than the start-up profile says: an average of measured / predicted
// over recent graph runs. On a shared machine the profile's absolute times drift with other processes'
// load; the scheduler's deadlines must follow what the graphs take now, not what they took at start-up.

const WEIGHT = 0.2;
const MIN = 0.5;
const MAX = 20;

/**
 * Milliseconds a result takes from the worker to the caller (thread hop, response, socket) as a high
 * estimate: a longer sample is taken at once at half weight, a shorter one decays slowly, so a deadline
 * kept back by this much holds for most requests, not only the average one.
 */
export class ReturnPath {
  private value = 0;

  get ms(): number {
    return this.value;
  }

  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.value += (ms > this.value ? 0.5 : 0.05) * (ms - this.value);
  }
}

export class Slowdown {
  private value = 1;

  get factor(): number {
    return this.value;
  }

  /** Records one graph run: it took `measuredMs` where the profile predicts `predictedMs`. */
  observe(measuredMs: number, predictedMs: number): void {
    if (!(predictedMs > 0) || !Number.isFinite(measuredMs)) return;
    const ratio = Math.min(MAX, Math.max(MIN, measuredMs / predictedMs));
    this.value += WEIGHT * (ratio - this.value);
  }

  /** Takes a factor measured elsewhere (the worker's, on the HTTP thread). */
  set(factor: number): void {
    if (Number.isFinite(factor)) this.value = Math.min(MAX, Math.max(MIN, factor));
  }
}
