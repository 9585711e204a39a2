// The load section: closed-loop clients at several concurrencies and two budgets (400 ms, and twice the
// single-candidate time), through the edge and straight to the backend, with the legacy scheduler and
// the batching one side by side in one run — each a real backend process on the tiny bundle.

import { randomBytes } from "node:crypto";
import { startLocalEdge } from "@tinyscale/edge";
import { DEFAULT_NETWORK_MARGIN_MS, minimumBudgetMs, predictMs } from "@tinyscale/shared";
import { createBenchKey } from "../overhead/bench-key.js";
import { log } from "../run/clock.js";
import { type SchedulerName, startBackendServer } from "./backend-server.js";
import { type CellStats, cellStats } from "./cell-stats.js";
import { closedLoop } from "./closed-loop.js";
import { type SameRequestResult, sameRequestUnderLoad } from "./same-request.js";

export const LOAD_CONCURRENCY = [1, 4, 16, 32, 64] as const;
const KEYS = 8;

export interface LoadCell extends CellStats {
  scheduler: SchedulerName;
  path: "edge" | "direct";
  concurrency: number;
  budget_ms: number;
}

export interface LoadResult {
  cells: LoadCell[];
  /** The single-candidate time (vhs, N=1) each backend's profile predicts. */
  single_candidate_ms: Record<SchedulerName, number>;
  budgets_ms: number[];
  cell_seconds: number;
  /** Graph worker threads of each backend (both schedulers). */
  workers: number;
  same_request?: SameRequestResult;
}

export interface LoadOptions {
  cellSeconds: number;
  concurrency: readonly number[];
  /** Run only these budgets: 400 and/or "2x" (twice the single-candidate time). */
  budgets: readonly ("400" | "2x")[];
  /** Run only these paths (default both): "direct" alone needs no edge. */
  paths?: readonly LoadCell["path"][];
  /** Run only these schedulers (default both, legacy first). */
  schedulers?: readonly SchedulerName[];
  /** The first backend's port (default 18471); the next scheduler's backend takes the next one. */
  port?: number;
  /** The backend's CPU priority, lowered by this (default: the local stack's, LOCAL_BACKEND_NICENESS). */
  backendNiceness?: number;
  /** Run this already-built Worker bundle as the edge instead of building the current one. */
  edgeScript?: string;
  /** Graph worker threads of each backend (default 1), the same for both schedulers. */
  workers?: number;
}

async function runScheduler(
  scheduler: SchedulerName,
  port: number,
  opts: LoadOptions,
  cells: LoadCell[],
  /** Runs with the backend still up, straight to it (e.g. the same-request check). */
  afterCells: (url: string, headers: Record<string, string>) => Promise<void>,
  /** The budgets to run; absent: from this backend's profile (the first run's, reused by the second). */
  given?: number[],
): Promise<{ single: number; budgets: number[] }> {
  const secret = randomBytes(32).toString("hex");
  const bearer = randomBytes(16).toString("hex");
  const adminToken = randomBytes(16).toString("hex");
  const wanted = opts.paths ?? ["direct", "edge"];
  const backend = await startBackendServer({
    scheduler,
    port,
    secret,
    bearer,
    workers: opts.workers ?? 1,
    ...(opts.backendNiceness !== undefined ? { niceness: opts.backendNiceness } : {}),
  });
  const edge = wanted.includes("edge")
    ? await startLocalEdge({
        backends: [backend.url],
        signingSecret: secret,
        adminToken,
        ...(opts.edgeScript ? { scriptPath: opts.edgeScript } : {}),
      })
    : undefined;
  try {
    // Several keys, clients spread over them, as several callers would be (each key's meter is one object).
    const keys: string[] = [];
    for (let k = 0; edge && k < KEYS; k++)
      keys.push(await createBenchKey(edge.url, adminToken, `load ${scheduler} ${k}`));
    // "Twice the single-candidate time", counted as the caller sees it: one candidate's predicted time plus
    // the network margin is the smallest budget the planner accepts; the second budget is twice that.
    const single = predictMs(backend.profile, "vhs", 1).total_ms;
    const budgets =
      given ??
      opts.budgets.map((b) =>
        b === "400" ? 400 : 2 * minimumBudgetMs(backend.profile, "vhs", DEFAULT_NETWORK_MARGIN_MS),
      );
    const direct = {
      path: "direct" as const,
      url: `${backend.url}/v1/generate`,
      headers: { authorization: `Bearer ${bearer}` },
    };
    const paths = [
      direct,
      ...(edge
        ? [
            {
              path: "edge" as const,
              url: `${edge.url}/v1/generate`,
              headers: (c: number) => ({ authorization: `Bearer ${keys[c % KEYS]}` }),
            },
          ]
        : []),
    ].filter((p) => wanted.includes(p.path));
    // warm-up: prompts encoded, sessions hot, the edge's profile cached
    for (const p of paths)
      for (let i = 0; i < 3; i++)
        await fetch(p.url, {
          method: "POST",
          headers: {
            ...(typeof p.headers === "function" ? p.headers(0) : p.headers),
            "content-type": "application/json",
          },
          body: JSON.stringify({ prompt: "warm-up", n: 4, response_format: "bytes" }),
        }).then((r) => r.arrayBuffer());
    for (const budget of budgets) {
      for (const p of paths) {
        for (const concurrency of opts.concurrency) {
          const loop = await closedLoop({
            url: p.url,
            headers: p.headers,
            concurrency,
            durationMs: opts.cellSeconds * 1000,
            body: (c, i) => ({
              prompt: `a red fox in the snow, view ${c % 8}`,
              budget_ms: budget,
              seed: c * 100_000 + i,
              response_format: "bytes",
            }),
          });
          const cell: LoadCell = {
            scheduler,
            path: p.path,
            concurrency,
            budget_ms: budget,
            ...cellStats(loop, budget),
          };
          cells.push(cell);
          log(
            `load ${scheduler} ${p.path} c=${concurrency} budget=${budget}: ${(cell.ok_inside_share * 100).toFixed(1)} % 200 in budget, ` +
              `p50 ${cell.p50_ms} p99 ${cell.p99_ms} ms, N ${cell.mean_n}, ${cell.candidates_per_s} cand/s, ` +
              `503 ${cell.refused_503} (p99 ${cell.refused_p99_ms} ms), 504 ${cell.timed_out_504}, ` +
              `client lag p99 ${cell.client_lag_p99_ms} ms` +
              (cell.refusal_reasons ? `; 503 reasons ${JSON.stringify(cell.refusal_reasons)}` : ""),
          );
          // let the backend's queue empty before the next cell
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
    await afterCells(direct.url, direct.headers);
    return { single, budgets };
  } finally {
    await edge?.close();
    await backend.stop();
  }
}

export async function benchLoad(opts: LoadOptions): Promise<LoadResult> {
  const cells: LoadCell[] = [];
  const result: LoadResult = {
    cells,
    single_candidate_ms: { legacy: 0, batched: 0 },
    budgets_ms: [],
    cell_seconds: opts.cellSeconds,
    workers: opts.workers ?? 1,
  };
  const schedulers = opts.schedulers ?? ["legacy", "batched"];
  // Both schedulers run the same budgets: the second is taken from the first backend's profile.
  let budgets: number[] | undefined;
  for (const [i, scheduler] of schedulers.entries()) {
    const ran = await runScheduler(
      scheduler,
      (opts.port ?? 18_471) + i,
      opts,
      cells,
      async (url, headers) => {
        if (scheduler !== "batched") return;
        result.same_request = await sameRequestUnderLoad(url, headers, 32);
        log(`load same request alone vs under 32 clients: ${JSON.stringify(result.same_request)}`);
      },
      budgets,
    );
    budgets ??= ran.budgets;
    result.single_candidate_ms[scheduler] = ran.single;
  }
  result.budgets_ms = budgets ?? [];
  return result;
}
