// Server-Timing for the edge's own phases (key lookup, planning, meter, backend, settlement), so
// benchmarks and operators can see where the edge's overhead goes without reading logs.

export class PhaseTimer {
  private last: number;
  private readonly phases: [string, number][] = [];

  constructor(startMs: number) {
    this.last = startMs;
  }

  /** Closes the phase that ran since the previous mark. */
  mark(name: string): void {
    const now = Date.now();
    this.phases.push([name, now - this.last]);
    this.last = now;
  }

  header(): string {
    return this.phases.map(([name, ms]) => `${name};dur=${ms}`).join(", ");
  }
}
