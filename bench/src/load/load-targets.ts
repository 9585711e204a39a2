// The load section's targets, as PASS/MISS lines like the others (each a "measured ≤ limit" check):
// - 32 concurrent at 400 ms: ≥ 95 % answered 200 inside the budget (share missing ≤ 5 %);
// - 64 concurrent at 400 ms: every request answered inside its budget (a 200 in time or a fast 503),
//   and no 504;
// - candidates/s at 32 concurrent ≥ 0.9 × the legacy scheduler's best (legacy best / new ≤ 1.11);
// - the same request alone and under load: same winner, pixels within one level on < 1 %.

import type { Target } from "../report/targets.js";
import type { LoadCell, LoadResult } from "./bench-load.js";

function cell(
  r: LoadResult,
  path: LoadCell["path"],
  concurrency: number,
  budget = 400,
): LoadCell | undefined {
  return r.cells.find(
    (c) =>
      c.scheduler === "batched" && c.path === path && c.concurrency === concurrency && c.budget_ms === budget,
  );
}

export function loadTargets(r: LoadResult): Target[] {
  const targets: Target[] = [];
  for (const path of ["edge", "direct"] as const) {
    const c32 = cell(r, path, 32);
    targets.push({
      id: `load_32_inside_${path}`,
      description: `load: 32 concurrent at 400 ms (${path}), share NOT answered 200 inside the budget`,
      measured: c32 ? 1 - c32.ok_inside_share : null,
      limit: 0.05,
      comparison: "le",
      unit: "share",
      note: c32
        ? `${c32.ok} of ${c32.requests} were 200; 503: ${c32.refused_503}; p99 ${c32.p99_ms} ms`
        : "not run",
    });
    const c64 = cell(r, path, 64);
    targets.push({
      id: `load_64_answered_${path}`,
      description: `load: 64 concurrent at 400 ms (${path}), share NOT answered inside the budget (200 or 503 ≤ 50 ms)`,
      measured: c64 ? 1 - c64.answered_inside_share : null,
      limit: 0,
      comparison: "le",
      unit: "share",
      note: c64 ? `503 p99 ${c64.refused_p99_ms} ms; 200 p99 ${c64.p99_ms} ms` : "not run",
    });
    targets.push({
      id: `load_64_504_${path}`,
      description: `load: 64 concurrent at 400 ms (${path}), 504 answers`,
      measured: c64 ? c64.timed_out_504 : null,
      limit: 0,
      comparison: "le",
      unit: "requests",
    });
  }
  const legacyBest = Math.max(
    0,
    ...r.cells.filter((c) => c.scheduler === "legacy").map((c) => c.candidates_per_s),
  );
  const new32 = Math.max(
    0,
    ...r.cells
      .filter((c) => c.scheduler === "batched" && c.concurrency === 32)
      .map((c) => c.candidates_per_s),
  );
  targets.push({
    id: "load_throughput_32",
    description: "load: legacy best candidates/s ÷ batched candidates/s at 32 concurrent",
    measured: new32 > 0 ? legacyBest / new32 : null,
    limit: 1 / 0.9,
    comparison: "le",
    unit: "×",
    note: `legacy best ${legacyBest} cand/s, batched at 32: ${new32} cand/s`,
  });
  const same = r.same_request;
  targets.push({
    id: "load_same_winner",
    description: "load: same request alone vs under load, winner or seeds differ (1) or not (0)",
    measured: same ? (same.same_winner && same.same_seeds ? 0 : 1) : null,
    limit: 0,
    comparison: "le",
    unit: "",
    note: same
      ? `max score difference ${same.max_score_diff.toExponential(2)}; PNG byte-identical: ${same.byte_identical_png}`
      : "not run",
  });
  targets.push({
    id: "load_same_image",
    description: "load: same request alone vs under load, share of pixel values differing (max 1 level)",
    measured: same ? (same.max_pixel_diff <= 1 ? same.pixels_differing_share : 1) : null,
    limit: 0.01,
    comparison: "le",
    unit: "share",
    note: same ? `largest difference ${same.max_pixel_diff} levels` : "not run",
  });
  return targets;
}
