// The load section's table for SUMMARY.md / LOAD.md: one row per cell, old and new scheduling side by side.

import { markdownTable } from "../report/markdown.js";
import type { LoadResult } from "./bench-load.js";

export function loadTable(r: LoadResult): string {
  const rows = [...r.cells]
    .sort(
      (a, b) =>
        a.budget_ms - b.budget_ms ||
        a.path.localeCompare(b.path) ||
        a.concurrency - b.concurrency ||
        a.scheduler.localeCompare(b.scheduler),
    )
    .map((c) => [
      c.budget_ms,
      c.path,
      c.concurrency,
      c.scheduler,
      `${(c.ok_inside_share * 100).toFixed(1)} %`,
      c.p50_ms,
      c.p99_ms,
      c.mean_n,
      c.candidates_per_s,
      c.refused_503,
      c.refused_p99_ms,
      c.timed_out_504,
      c.requests,
    ]);
  return markdownTable(
    [
      "budget ms",
      "path",
      "clients",
      "scheduler",
      "200 in budget",
      "p50 ms",
      "p99 ms",
      "mean N",
      "cand/s",
      "503",
      "503 p99 ms",
      "504",
      "requests",
    ],
    rows,
    1,
  );
}

const PHASES = ["auth", "plan", "meter", "backend", "settle", "outside"] as const;

/**
 * Where the time went in each cell: through the edge, p50 / p99 ms per Server-Timing phase and the rest;
 * straight to a backend, its own time (`backend`) and the rest (`outside`).
 */
export function phaseTable(r: LoadResult): string | null {
  const cells = r.cells.filter((c) => c.phases_ms);
  if (cells.length === 0) return null;
  const rows = cells.map((c) => [
    c.budget_ms,
    c.path,
    c.concurrency,
    c.scheduler,
    ...PHASES.map((phase) => {
      const p = c.phases_ms?.[phase];
      return p ? `${p.p50 ?? "–"} / ${p.p99 ?? "–"}` : "–";
    }),
  ]);
  return markdownTable(
    ["budget ms", "path", "clients", "scheduler", ...PHASES.map((p) => `${p} ms`)],
    rows,
    1,
  );
}

export const LOAD_START = "<!-- load section: written by the load bench -->";
export const LOAD_END = "<!-- end of load section -->";

/** The `## Load` section of SUMMARY.md, between markers so a load-only run can replace it in place. */
export function loadSection(r: LoadResult, targetLines: readonly string[], generatedAt: string): string[] {
  const phases = phaseTable(r);
  return [
    LOAD_START,
    "## Load: closed-loop clients, legacy vs batching scheduler",
    "",
    `Measured ${generatedAt}; tiny bundle, one backend process per scheduler (` +
      `${r.workers ?? 1} graph worker${(r.workers ?? 1) > 1 ? "s" : ""}, 1 intra-op thread each), ` +
      `${r.cell_seconds} s per cell. Budgets: ${r.budgets_ms.join(" ms and ")} ms (400 ms, and twice the ` +
      "single-candidate time as a caller sees it: 2 × (one candidate's predicted time + the 20 ms network " +
      `margin); one candidate is predicted at ${r.single_candidate_ms.legacy.toFixed(1)} ms (legacy backend's ` +
      `profile) and ${r.single_candidate_ms.batched.toFixed(1)} ms (batched backend's profile)). "200 in budget" counts 200s within the budget + 20 ms ` +
      "over all requests; a 503 is a refusal with Retry-After (the client waits it out); latencies are of the 200s.",
    "",
    "```",
    ...targetLines,
    "```",
    "",
    loadTable(r),
    "",
    ...(phases
      ? [
          "Where a request's time went (p50 / p99 ms). Through the edge: the Server-Timing phases of the answers that reached " +
            "the meter; `outside` is the client's time less the phases (workerd's queue before the handler, the response, the " +
            "connection). Straight to a backend: `backend` is its time from reading the request to the answer (200s), " +
            "`outside` the client's time beyond it (the backend's event loop before it reads the request, the response on its way):",
          "",
          phases,
          "",
        ]
      : []),
    r.same_request
      ? `Same request (n=8, fixed seed) alone and beside ${r.same_request.concurrent_clients} clients: ` +
        `winner ${r.same_request.same_winner ? "the same" : "DIFFERENT"}, largest score difference ` +
        `${r.same_request.max_score_diff.toExponential(2)}, ${(r.same_request.pixels_differing_share * 100).toFixed(2)} % ` +
        `of pixel values differ (at most ${r.same_request.max_pixel_diff} levels), PNG byte-identical: ` +
        `${r.same_request.byte_identical_png ? "yes" : "no"}.`
      : "Same-request check did not run.",
    LOAD_END,
  ];
}

/** `summary` with its load section replaced by `section` (appended when it has none yet). */
export function replaceLoadSection(summary: string, section: readonly string[]): string {
  const start = summary.indexOf(LOAD_START);
  const end = summary.indexOf(LOAD_END);
  const block = section.join("\n");
  if (start >= 0 && end > start)
    return summary.slice(0, start) + block + summary.slice(end + LOAD_END.length);
  return `${summary.trimEnd()}\n\n${block}\n`;
}
