// The batching scheduler's policy on its own: who gets the rows of the next shared batch, who finishes.

import { describe, expect, it } from "vitest";
import { CostModel } from "./cost-model.js";
import { allocateRows, RESERVE_SHARE, type RowDemand } from "./row-allocation.js";

// propose: 4 ms for 1 row, 8 ms for 16 (0.5 ms a row when full); finish 2 ms a row; encodes 1 ms each.
const STAGES = {
  text_encode: { "1": 1 },
  propose: { "1": 4, "16": 8 },
  finish: { "1": 2, "16": 32 },
  image_encode: { "1": 1 },
};
const cost = new CostModel(STAGES, 16);
const NOW = 1_000_000;

function demand(id: number, fields: Partial<RowDemand> = {}): RowDemand {
  return {
    id,
    have: 0,
    cap: 64,
    exact: false,
    deadlineMs: NOW + 400,
    arrivedMs: NOW,
    cancelled: false,
    needsText: false,
    ...fields,
  };
}

const rowsOf = (allocation: ReturnType<typeof allocateRows>) =>
  Object.fromEntries(allocation.rows.map((r) => [r.id, r.count]));

describe("allocateRows", () => {
  it("gives every request without a candidate one row first, earliest deadline first", () => {
    const many = Array.from({ length: 20 }, (_, i) => demand(i + 1, { deadlineMs: NOW + 1000 - i }));
    const allocation = allocateRows(many, cost, NOW);
    expect(allocation.rows.reduce((sum, r) => sum + r.count, 0)).toBe(16);
    // the 16 earliest deadlines (ids 20 down to 5) get one row each; ids 1..4 wait for the next batch
    expect(
      Object.keys(rowsOf(allocation))
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 16 }, (_, i) => i + 5));
    expect(allocation.finish).toEqual([]);
  });

  it("shares the rest round-robin, fewest candidates first, so a large N cannot starve a small one", () => {
    const big = demand(1, { have: 40, cap: 64, exact: true, deadlineMs: null });
    const small = demand(2, { have: 1, cap: 4 });
    const fresh = demand(3, { cap: 2 });
    const allocation = allocateRows([big, small, fresh], cost, NOW);
    expect(rowsOf(allocation)).toEqual({ 1: 11, 2: 3, 3: 2 });
  });

  it("fills a whole batch from one request when it is alone", () => {
    expect(rowsOf(allocateRows([demand(1, { have: 16 })], cost, NOW))).toEqual({ 1: 16 });
  });

  it("finishes a budget request once its cap is reached", () => {
    const allocation = allocateRows([demand(1, { have: 8, cap: 8 }), demand(2)], cost, NOW);
    expect(allocation.finish).toEqual([1]);
    expect(rowsOf(allocation)).toEqual({ 2: 16 });
  });

  it("stops a budget request taking rows when its deadline leaves room only to finish (N shrinks)", () => {
    // 12 ms left: one more batch (8 ms) plus its own finishing (2 + 1 + 1 ms) plus the slack does not fit
    const late = demand(1, { have: 3, deadlineMs: NOW + 12 });
    const allocation = allocateRows([late], cost, NOW);
    expect(allocation.finish).toEqual([1]);
    expect(allocation.rows).toEqual([]);
  });

  it("keeps the last RESERVE_SHARE of a request's time out of its N", () => {
    // given 400 ms (arrived 330 ms ago): the reserve is the last 80 ms, so with 70 left it takes no more
    const inReserve = demand(1, { have: 3, arrivedMs: NOW - 330, deadlineMs: NOW + 70 });
    expect(allocateRows([inReserve], cost, NOW).finish).toEqual([1]);
    // with 100 left, one more batch and its finishing (19 ms) still end before the reserve
    const beforeReserve = demand(1, { have: 3, arrivedMs: NOW - 300, deadlineMs: NOW + 100 });
    expect(allocateRows([beforeReserve], cost, NOW).finish).toEqual([]);
    expect(RESERVE_SHARE).toBeGreaterThan(0);
  });

  it("counts the work owed to requests due earlier, not to those due later (they are not delayed by it)", () => {
    const mine = demand(1, { have: 2, deadlineMs: NOW + 60 });
    expect(allocateRows([mine], cost, NOW).finish).toEqual([]);
    // 20 due earlier, each owed a candidate (0.5 ms) and its finishing (2 ms): 50 ms more, past the deadline
    const earlier = Array.from({ length: 20 }, (_, i) => demand(10 + i, { deadlineMs: NOW + 50 }));
    expect(allocateRows([mine, ...earlier], cost, NOW).finish).toEqual([1]);
    // the same due later: the batch runs for them anyway and this request's finishing is owed before theirs
    const behind = Array.from({ length: 20 }, (_, i) => demand(30 + i, { deadlineMs: NOW + 400 }));
    expect(allocateRows([mine, ...behind], cost, NOW).finish).toEqual([]);
  });

  it("counts the finishing of a request that must stop now against those that go on", () => {
    // alone, the request due at +30 may take a batch: 8 + 8 + 1 + 2 = 19 ms
    const early = demand(1, { have: 2, deadlineMs: NOW + 30 });
    expect(allocateRows([early], cost, NOW).finish).toEqual([]);
    // ten requests due later but too late for another batch of their own finish first (2 ms each),
    // which leaves the early one no room for one
    const stopping = Array.from({ length: 10 }, (_, i) =>
      demand(10 + i, { have: 3, cap: 3, deadlineMs: NOW + 500 }),
    );
    expect(allocateRows([early, ...stopping], cost, NOW).finish.sort((a, b) => a - b)).toEqual([
      1,
      ...stopping.map((d) => d.id),
    ]);
  });

  it("never cuts an explicit n, whatever its deadline", () => {
    const exact = demand(1, { have: 5, cap: 9, exact: true, deadlineMs: NOW - 100 });
    const allocation = allocateRows([exact], cost, NOW);
    expect(rowsOf(allocation)).toEqual({ 1: 4 });
    expect(allocation.finish).toEqual([]);
  });

  it("finishes a request whose caller went away with what it has, and gives it no rows", () => {
    const allocation = allocateRows([demand(1, { have: 3, cancelled: true })], cost, NOW);
    expect(allocation.finish).toEqual([1]);
    expect(allocation.rows).toEqual([]);
  });

  it("without a profile nothing is cut: requests run to their cap", () => {
    const unmeasured = new CostModel(undefined, 16);
    const allocation = allocateRows([demand(1, { have: 3, deadlineMs: NOW - 1 })], unmeasured, NOW);
    expect(rowsOf(allocation)).toEqual({ 1: 16 });
  });
});

describe("CostModel", () => {
  it("charges a request its share of full batches and scales with the measured slowdown", () => {
    expect(cost.proposeRowMs).toBe(0.5);
    expect(cost.finishRowMs).toBe(2);
    // one row, a finish share and the prompt's encoding; never the image encoding (off the graph thread)
    expect(cost.leastWorkMs(1, false)).toBe(0.5 + 2 + 1);
    expect(cost.leastWorkMs(3, true)).toBe(3 * 0.5 + 2);
    expect(cost.withSlowdown(2).leastWorkMs(1, false)).toBe(7);
    // finishing costs the same per row at every size here, so winners finish one per run
    expect(cost.finishChunk).toBe(1);
  });
});
