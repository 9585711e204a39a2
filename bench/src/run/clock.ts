// The runner's time budget: sections ask how much is left and size their repeats to fit, so the whole
// bench finishes within its limit on a slow machine instead of being cut off half-written.

import { performance } from "node:perf_hooks";

export class BudgetClock {
  private readonly start = performance.now();

  constructor(private readonly budgetMs: number) {}

  elapsedMs(): number {
    return performance.now() - this.start;
  }

  leftMs(): number {
    return Math.max(0, this.budgetMs - this.elapsedMs());
  }
}

export function log(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
