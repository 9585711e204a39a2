// The batching policy against closed-loop clients, in virtual time with the profile's costs exact: every
// client sends its next request (budget 400 ms) as soon as the last is answered, the worker runs steps as
// continuous-batcher.ts does (finish those that stop, earliest deadline first, in chunks of finishChunk
// winners, then one shared batch). All clients start at once, with the same deadline.
// With no noise in the costs nothing may end after its deadline, and N must grow to use the budget
// rather than finish early and leave the time unused.

import { describe, expect, it } from "vitest";
import { CostModel } from "./cost-model.js";
import { allocateRows, RESERVE_SHARE, type RowDemand } from "./row-allocation.js";

// Shaped like the tiny bundle on a quiet 2-core machine: a full propose batch of 16 is 0.4 ms a candidate,
// finishing a winner 3.2 ms, encoding its image 1.4 ms (beside the graphs).
const STAGES = {
  text_encode: { "1": 1 },
  propose: { "1": 1.4, "2": 1.6, "4": 2.2, "8": 3.6, "16": 6.4 },
  finish: { "1": 3.2, "2": 6, "4": 11.6, "8": 23, "16": 46 },
  image_encode: { "1": 1.4 },
};
const cost = new CostModel(STAGES, 16);
const BUDGET_MS = 400;

interface Outcome {
  answers: number;
  late: number;
  meanN: number;
  candidatesPerS: number;
  p50Ms: number;
}

function closedLoop(clients: number, seconds: number): Outcome {
  let now = 0;
  let nextId = 1;
  const active: RowDemand[] = [];
  const arrive = () =>
    active.push({
      id: nextId++,
      have: 0,
      cap: 64,
      exact: false,
      deadlineMs: now + BUDGET_MS,
      arrivedMs: now,
      cancelled: false,
      needsText: false,
    });
  for (let c = 0; c < clients; c++) arrive();
  const done: { late: boolean; n: number; ms: number }[] = [];
  while (now < seconds * 1000) {
    const plan = allocateRows(active, cost, now);
    const stopping = active
      .filter((d) => plan.finish.includes(d.id))
      .sort((a, b) => (a.deadlineMs ?? 0) - (b.deadlineMs ?? 0));
    // finished in chunks of finishChunk winners, each chunk answered when its graph run ends
    for (let at = 0; at < stopping.length; at += cost.finishChunk) {
      const chunk = stopping.slice(at, at + cost.finishChunk);
      now += cost.finishMs(chunk.length);
      for (const demand of chunk) {
        const answeredAt = now + cost.encodeMs;
        done.push({
          late: answeredAt > (demand.deadlineMs ?? 0),
          n: demand.have,
          ms: answeredAt - demand.arrivedMs,
        });
        active.splice(active.indexOf(demand), 1);
        arrive();
      }
    }
    const rows = plan.rows.reduce((sum, r) => sum + r.count, 0);
    if (rows > 0) now += cost.proposeMs(rows);
    for (const r of plan.rows) {
      const demand = active.find((d) => d.id === r.id);
      if (demand) demand.have += r.count;
    }
  }
  const candidates = done.reduce((sum, d) => sum + d.n, 0);
  const latencies = done.map((d) => d.ms).sort((a, b) => a - b);
  return {
    answers: done.length,
    late: done.filter((d) => d.late).length,
    meanN: candidates / done.length,
    candidatesPerS: candidates / (now / 1000),
    p50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
  };
}

describe("closed-loop clients on one worker, costs exact", () => {
  it.each([1, 4, 16, 32, 64])("%i clients: nothing ends after its deadline", (clients) => {
    const outcome = closedLoop(clients, 5);
    expect(outcome.answers).toBeGreaterThan(0);
    expect(outcome.late).toBe(0);
  });

  it("32 clients: N grows to use the budget instead of finishing early", () => {
    const outcome = closedLoop(32, 5);
    console.info(
      `32 clients: mean N ${outcome.meanN.toFixed(1)}, ${outcome.candidatesPerS.toFixed(0)} candidates/s, p50 ${outcome.p50Ms.toFixed(0)} ms`,
    );
    // Most of the budget goes to candidates: answers land just before the reserve kept at its end
    // (RESERVE_SHARE of it), with N well above 1.
    const reserveStart = (1 - RESERVE_SHARE) * BUDGET_MS;
    expect(outcome.p50Ms).toBeGreaterThan(reserveStart - 0.1 * BUDGET_MS);
    expect(outcome.p50Ms).toBeLessThanOrEqual(reserveStart + 10);
    expect(outcome.meanN).toBeGreaterThan(12);
  });
});
