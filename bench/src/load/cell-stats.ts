// One load cell's figures: how many answers were 200 inside the budget, latency, N, throughput, and how
// the others ended (503 with its time to answer, 504, anything else).

import { round } from "../stats/summarize.js";
import type { LoopResult } from "./closed-loop.js";

/** A 200 counts as inside the budget up to this much late (the network between client and service). */
export const BUDGET_TOLERANCE_MS = 20;
/** A 503 counts as a fast refusal when answered within this. */
export const FAST_REFUSAL_MS = 50;

export interface CellStats {
  requests: number;
  ok: number;
  /** Share of all requests answered 200 within budget + tolerance. */
  ok_inside_share: number;
  /** Share of all requests answered inside the budget: a 200 in time or a fast 503. */
  answered_inside_share: number;
  p50_ms: number | null;
  p99_ms: number | null;
  mean_n: number | null;
  candidates_per_s: number;
  refused_503: number;
  refused_p50_ms: number | null;
  refused_p99_ms: number | null;
  timed_out_504: number;
  other: number;
  /** p99 event-loop delay of the load generator during the cell (ms): part of every latency above. */
  client_lag_p99_ms?: number;
  /** The 503s by reason (their message, numbers taken out), most frequent first. */
  refusal_reasons?: Record<string, number>;
  /**
   * Where the time of the edge's answers that reached the meter went, by phase (its Server-Timing: auth, plan, meter, backend,
   * settle), plus `outside`: the client's time minus the phases (workerd's queue before the handler
   * runs, the response after it, the connection). Straight to a backend: `backend` (its time from reading
   * the request to the answer) and `outside` (the client's time beyond that) of the 200s.
   */
  phases_ms?: Record<string, { p50: number | null; p99: number | null }>;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}

function phaseStats(answers: LoopResult["answers"]): CellStats["phases_ms"] {
  const timed = answers.filter((a) => Object.keys(a.phases).length > 0);
  if (timed.length === 0) return undefined;
  const byPhase = new Map<string, number[]>();
  const add = (name: string, ms: number) => {
    const values = byPhase.get(name);
    if (values) values.push(ms);
    else byPhase.set(name, [ms]);
  };
  for (const a of timed) {
    let inside = 0;
    for (const [name, ms] of Object.entries(a.phases)) {
      inside += ms;
      add(name, ms);
    }
    add("outside", Math.max(0, a.ms - inside));
  }
  const out: NonNullable<CellStats["phases_ms"]> = {};
  for (const [name, values] of byPhase) {
    const sorted = values.sort((x, y) => x - y);
    out[name] = { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
  }
  return out;
}

function countReasons(refused: LoopResult["answers"]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const a of refused) counts.set(a.reason ?? "(none)", (counts.get(a.reason ?? "(none)") ?? 0) + 1);
  return Object.fromEntries([...counts].sort((x, y) => y[1] - x[1]));
}

export function cellStats(loop: LoopResult, budgetMs: number): CellStats {
  const { answers } = loop;
  const oks = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 503);
  const okMs = oks.map((a) => a.ms).sort((a, b) => a - b);
  const refusedMs = refused.map((a) => a.ms).sort((a, b) => a - b);
  const inside = oks.filter((a) => a.ms <= budgetMs + BUDGET_TOLERANCE_MS).length;
  const fastRefusals = refused.filter((a) => a.ms <= FAST_REFUSAL_MS).length;
  const candidates = oks.reduce((sum, a) => sum + (a.n ?? 0), 0);
  const total = Math.max(1, answers.length);
  const phases = phaseStats(answers);
  return {
    requests: answers.length,
    ok: oks.length,
    ok_inside_share: round(inside / total, 4),
    answered_inside_share: round((inside + fastRefusals) / total, 4),
    p50_ms: percentile(okMs, 0.5),
    p99_ms: percentile(okMs, 0.99),
    mean_n: oks.length > 0 ? round(candidates / oks.length) : null,
    candidates_per_s: round(candidates / loop.elapsedS),
    refused_503: refused.length,
    refused_p50_ms: percentile(refusedMs, 0.5),
    refused_p99_ms: percentile(refusedMs, 0.99),
    timed_out_504: answers.filter((a) => a.status === 504).length,
    other: answers.length - oks.length - refused.length - answers.filter((a) => a.status === 504).length,
    ...(phases ? { phases_ms: phases } : {}),
    ...(refused.length > 0 ? { refusal_reasons: countReasons(refused) } : {}),
    ...(loop.clientLagP99Ms !== undefined ? { client_lag_p99_ms: round(loop.clientLagP99Ms) } : {}),
  };
}
