// The load section's per-cell figures on fixed answers — fast, no benchmark run: shares inside the
// budget, fast refusals and why they were refused, and where the time went (the edge's Server-Timing
// phases, or a backend's own time, and the rest).

import { describe, expect, it } from "vitest";
import { cellStats } from "../src/load/cell-stats.js";
import { type Answer, refusalReason, serverTimingPhases } from "../src/load/closed-loop.js";

describe("serverTimingPhases", () => {
  it("reads each phase's dur and skips entries without one", () => {
    expect(
      serverTimingPhases("auth;dur=3, plan;dur=0, meter;dur=12.5, backend;dur=240, settle;dur=4"),
    ).toEqual({
      auth: 3,
      plan: 0,
      meter: 12.5,
      backend: 240,
      settle: 4,
    });
    expect(serverTimingPhases('cache;desc="hit", edge;dur=7')).toEqual({ edge: 7 });
    expect(serverTimingPhases(null)).toEqual({});
  });
});

describe("refusalReason", () => {
  const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer;

  it("keeps the message with its numbers taken out, so that one reason counts once", () => {
    expect(
      refusalReason(
        body({
          error: {
            code: "overloaded",
            message: "the backend's queue (~311 ms) leaves no room for one candidate in 400 ms",
            request_id: "req_1",
          },
        }),
      ),
    ).toBe("the backend's queue (~# ms) leaves no room for one candidate in # ms");
    expect(refusalReason(body({ error: { code: "overloaded" } }))).toBe("(no message)");
    expect(refusalReason(new TextEncoder().encode("<html>").buffer as ArrayBuffer)).toBe("(not JSON)");
  });
});

describe("cellStats", () => {
  const answers: Answer[] = [
    { status: 200, ms: 300, n: 4, phases: { auth: 10, backend: 250, settle: 10 } },
    { status: 200, ms: 500, n: 2, phases: { auth: 30, backend: 380, settle: 20 } },
    { status: 503, ms: 20, n: null, phases: {}, reason: "queue full" },
    { status: 503, ms: 400, n: null, phases: {}, reason: "queue full" },
  ];

  it("counts 200s inside the budget and fast 503s, and the candidates per second", () => {
    const stats = cellStats({ answers, elapsedS: 2, clientLagP99Ms: 4.5 }, 400);
    expect(stats).toMatchObject({
      requests: 4,
      ok: 2,
      ok_inside_share: 0.25,
      answered_inside_share: 0.5,
      refused_503: 2,
      candidates_per_s: 3,
      refusal_reasons: { "queue full": 2 },
      client_lag_p99_ms: 4.5,
    });
  });

  it("takes a backend's own time from its answers when there is no Server-Timing", () => {
    const direct: Answer[] = [
      { status: 200, ms: 330, n: 4, phases: { backend: 300 } },
      { status: 200, ms: 420, n: 2, phases: { backend: 400 } },
    ];
    expect(cellStats({ answers: direct, elapsedS: 1, clientLagP99Ms: 0 }, 400).phases_ms?.outside).toEqual({
      p50: 30,
      p99: 30,
    });
  });

  it("splits the edge's answers into its phases and the time outside them", () => {
    const phases = cellStats({ answers, elapsedS: 2, clientLagP99Ms: 4.5 }, 400).phases_ms;
    expect(phases?.backend).toEqual({ p50: 380, p99: 380 });
    // 300 − 270 and 500 − 430: the time the edge did not see (its queue, the response, the connection).
    expect(phases?.outside).toEqual({ p50: 70, p99: 70 });
    expect(
      cellStats({ answers: answers.slice(2), elapsedS: 1, clientLagP99Ms: 0 }, 400).phases_ms,
    ).toBeUndefined();
  });
});
