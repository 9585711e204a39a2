// The product under test: a real backend (@tinyscale/gpu-backend's startBackend: HTTP thread + inference
// worker) on 127.0.0.1, driven over HTTP. Each run is one POST /v1/generate; its wall time is what a
// caller on this machine waits, and the response's timings give the per-stage split.

import { performance } from "node:perf_hooks";
import { type RunningBackend, startBackend } from "@tinyscale/gpu-backend";
import type { GenerateResponse, Profile } from "@tinyscale/shared";
import { parsePrometheus, sumBy } from "../overhead/prometheus.js";
import type { BenchMode, ModeRunner, ProductMode, TimedRun } from "../pipeline/types.js";

export const BENCH_BACKEND_TOKEN = "bench-backend-token-not-a-secret";

export interface ProductBackendOptions {
  bundleDir: string;
  /** Timed runs per stage and batch size for the start-up profile (the planner's input). */
  profileRuns: number;
  signingSecret?: string;
}

export class ProductRunner implements ModeRunner {
  readonly modes: readonly BenchMode[] = ["vhs", "clip", "ae", "none"];

  private constructor(readonly backend: RunningBackend) {}

  static async start(opts: ProductBackendOptions): Promise<ProductRunner> {
    const backend = await startBackend({
      bundle: opts.bundleDir,
      port: 0,
      host: "127.0.0.1",
      backendToken: BENCH_BACKEND_TOKEN,
      signingSecret: opts.signingSecret,
      profileRuns: opts.profileRuns,
      logLevel: "warn",
      // A request in the bench is never queued behind another; admission is not what is measured.
      maxQueue: 4,
    });
    return new ProductRunner(backend);
  }

  get url(): string {
    return this.backend.url;
  }

  profile(): Profile {
    const p = this.backend.profile();
    if (!p) throw new Error("backend reported ready without a profile");
    return p;
  }

  async generate(
    mode: ProductMode,
    n: number,
    prompt: string,
    seed: number,
  ): Promise<{ wallMs: number; body: GenerateResponse }> {
    const t0 = performance.now();
    const res = await fetch(`${this.backend.url}/v1/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${BENCH_BACKEND_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt, n, seed, verifier: mode }),
    });
    const text = await res.text();
    const wallMs = performance.now() - t0;
    if (!res.ok) throw new Error(`backend ${mode} N=${n} answered ${res.status}: ${text.slice(0, 300)}`);
    return { wallMs, body: JSON.parse(text) as GenerateResponse };
  }

  /** Seconds spent per trace stage so far (session.run() per graph stage, sharp for image_encode). */
  async stageSeconds(): Promise<Record<string, number>> {
    const res = await fetch(`${this.backend.url}/metrics`);
    if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
    return sumBy(parsePrometheus(await res.text()), "tinyscale_stage_duration_seconds_sum", "stage");
  }

  /**
   * One generation; stages are the exact per-stage times of this request (deltas of the backend's stage
   * histograms around it), and `other` is the rest of the caller's wall time (HTTP, worker hand-off, …).
   */
  async run(mode: BenchMode, n: number, prompt: string, seed: number): Promise<TimedRun> {
    if (mode === "reference") throw new Error("the product has no reference mode");
    const before = await this.stageSeconds();
    const { wallMs, body } = await this.generate(mode, n, prompt, seed);
    const after = await this.stageSeconds();
    const stages: Record<string, number> = {};
    let staged = 0;
    for (const [stage, sum] of Object.entries(after)) {
      const ms = (sum - (before[stage] ?? 0)) * 1000;
      if (ms <= 0) continue;
      stages[stage] = ms;
      staged += ms;
    }
    stages.other = Math.max(0, wallMs - staged);
    return { total_ms: wallMs, stages, n: body.n };
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
