// Splits N candidates into batches of at most maxBatch and decides, before each batch after the first,
// whether it still fits the deadline (its predicted cost plus the winner's finishing) and the caller is
// still there. If not, the request stops proposing and finishes the best candidate so far.

import { MODE_STAGES, type Profile, stageMs } from "@tinyscale/shared";
import type { Verifier } from "./types.js";

export type ProfileStages = Profile["stages"];

export interface BatchSchedule {
  /** Batch sizes in order; their sum is n. */
  sizes: number[];
  /** True when a batch of `size` may start at `now` (the first batch always starts). */
  mayStart(now: number, size: number, isFirst: boolean): boolean;
}

function stagesCost(stages: ProfileStages | undefined, names: readonly string[], batch: number): number {
  if (!stages) return 0;
  let total = 0;
  for (const name of names) {
    const timings = stages[name];
    if (timings) total += stageMs(timings, batch);
  }
  return total;
}

export function batchSchedule(
  verifier: Verifier,
  n: number,
  maxBatch: number,
  deadlineMs: number | null,
  stages: ProfileStages | undefined,
  isCancelled: () => boolean = () => false,
): BatchSchedule {
  const sizes: number[] = [];
  for (let left = n; left > 0; left -= Math.min(left, maxBatch)) sizes.push(Math.min(left, maxBatch));
  const uses = MODE_STAGES[verifier];
  const perCandidate = uses.filter((u) => u.per === "candidate").map((u) => u.stage);
  const tail = uses.filter((u) => u.per === "request" && u.stage !== "text_encode").map((u) => u.stage);
  const tailMs = stagesCost(stages, tail, 1);
  return {
    sizes,
    mayStart(now, size, isFirst) {
      if (isFirst) return true;
      if (isCancelled()) return false;
      if (deadlineMs === null || !stages) return true;
      return now + stagesCost(stages, perCandidate, size) + tailMs <= deadlineMs;
    },
  };
}
