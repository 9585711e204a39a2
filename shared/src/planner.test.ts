import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TinyscaleError } from "./errors.js";
import {
  finishChunk,
  minimumBudgetMs,
  parseProfile,
  planCandidates,
  predictMs,
  stageMs,
  validateProfile,
} from "./planner.js";
import type { Profile } from "./schemas/profile.js";

// contracts §3's example profile, with every stage every mode needs.
const cpuProfile: Profile = {
  bundle_id: "tiny",
  device: "cpu",
  measured_at: "2026-11-27T04:00:00Z",
  max_batch: 8,
  max_n: 64,
  stages: {
    text_encode: { "1": 3 },
    propose: { "1": 10, "2": 15, "4": 25, "8": 45 },
    finish: { "1": 12, "2": 22, "4": 41, "8": 80 },
    dit_head: { "1": 4, "2": 6, "4": 10, "8": 18 },
    dit_tail: { "1": 6, "2": 10, "4": 18, "8": 34 },
    vae_decode: { "1": 9 },
    clip_verify: { "1": 5, "8": 26 },
    ae_verify: { "1": 3, "8": 12 },
    image_encode: { "1": 2 },
  },
};

/**
 * The paper's VHS row (SANA-Sprint 1.6B + Qwen2.5-0.5B on an A100, candidates run one at a time):
 * Bo2 363, Bo4 565, Bo6 767 ms lie exactly on T(N) = 161 + 101·N, i.e. 101 ms per candidate and 161 ms
 * per request. (Bo1's 102 ms runs no verifier at all, so it is the `none` mode, not a point on this line.)
 * Tabulated as max_batch 1 — the released code's one-by-one loop — with the 161 ms split over the
 * per-request stages.
 */
const paperVhsProfile: Profile = {
  bundle_id: "sana-sprint-vhs",
  device: "a100",
  measured_at: "2026-03-24T00:00:00Z",
  max_batch: 1,
  max_n: 64,
  stages: {
    text_encode: { "1": 40 },
    propose: { "1": 101 },
    finish: { "1": 111 },
    image_encode: { "1": 10 },
  },
};

function expectTinyscaleError(run: () => unknown, code: string, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TinyscaleError);
    expect((error as TinyscaleError).code).toBe(code);
    expect((error as TinyscaleError).message).toMatch(message);
    return;
  }
  throw new Error(`expected a ${code} error`);
}

describe("the paper's VHS row", () => {
  it("reproduces Bo2, Bo4 and Bo6", () => {
    expect(predictMs(paperVhsProfile, "vhs", 2).total_ms).toBe(363);
    expect(predictMs(paperVhsProfile, "vhs", 4).total_ms).toBe(565);
    expect(predictMs(paperVhsProfile, "vhs", 6).total_ms).toBe(767);
  });

  // N = floor((budget − margin − 161) / 101), with the default 20 ms margin:
  // 550 ms → (550−20−161)/101 = 3.65 → N=3 (T(3)=464, T(4)=565 would overrun by 35 ms);
  // 1100 ms → 9.12 → N=9 (T(9)=1070) — the paper's own 1100 ms setting also ran N=9;
  // 1650 ms → 14.57 → N=14 (T(14)=1575; T(15)=1676 is over the budget even before the margin).
  it.each([
    [550, 3, 464],
    [1100, 9, 1070],
    [1650, 14, 1575],
  ])("plans N for %i ms", (budget, n, predicted) => {
    const plan = planCandidates(paperVhsProfile, { budget_ms: budget, network_margin_ms: 20 });
    expect(plan.n).toBe(n);
    expect(plan.predicted_ms).toBe(predicted);
    expect(plan.breakdown).toEqual({ text_encode: 40, propose: 101 * n, finish: 111, image_encode: 10 });
  });
});

describe("planCandidates", () => {
  it("accepts an exact fit and refuses one ms less", () => {
    // T(3) = 161 + 303 = 464; with a 20 ms margin the budget 484 is an exact fit.
    expect(planCandidates(paperVhsProfile, { budget_ms: 484, network_margin_ms: 20 }).n).toBe(3);
    expect(planCandidates(paperVhsProfile, { budget_ms: 483, network_margin_ms: 20 }).n).toBe(2);
  });

  it("states the minimum budget when even one candidate does not fit", () => {
    // T(1) = 262, + 20 margin = 282.
    expect(minimumBudgetMs(paperVhsProfile, "vhs", 20)).toBe(282);
    expect(planCandidates(paperVhsProfile, { budget_ms: 282, network_margin_ms: 20 }).n).toBe(1);
    expectTinyscaleError(
      () => planCandidates(paperVhsProfile, { budget_ms: 281, network_margin_ms: 20 }),
      "budget_too_small",
      /minimum budget of 282 ms/,
    );
  });

  it("rounds a fractional minimum up to the next whole ms", () => {
    const profile = {
      ...paperVhsProfile,
      stages: { ...paperVhsProfile.stages, image_encode: { "1": 10.4 } },
    };
    expect(minimumBudgetMs(profile, "vhs", 20)).toBe(283);
    expectTinyscaleError(
      () => planCandidates(profile, { budget_ms: 282, network_margin_ms: 20 }),
      "budget_too_small",
      /minimum budget of 283 ms/,
    );
  });

  it("caps N by the profile's max_n, the caller's max_n and the API's 64", () => {
    const huge = 60_000;
    expect(planCandidates({ ...paperVhsProfile, max_n: 5 }, { budget_ms: huge }).n).toBe(5);
    const capped = planCandidates(paperVhsProfile, { budget_ms: huge, max_n: 7 });
    expect(capped.n).toBe(7);
    expect(capped.max_n).toBe(7);
    expect(planCandidates({ ...cpuProfile, max_n: 1000 }, { budget_ms: huge }).n).toBe(64);
  });

  it("plans one candidate for verifier none whatever the budget", () => {
    const plan = planCandidates(cpuProfile, { budget_ms: 60_000, verifier: "none" });
    expect(plan.n).toBe(1);
    expect(plan.predicted_ms).toBe(3 + 4 + 12 + 2);
  });

  it("uses the default network margin when none is given", () => {
    const plan = planCandidates(paperVhsProfile, { budget_ms: 1100 });
    expect(plan.network_margin_ms).toBe(20);
    expect(plan.n).toBe(9);
  });

  it("rejects a negative or non-finite budget or margin", () => {
    expectTinyscaleError(
      () => planCandidates(cpuProfile, { budget_ms: Number.NaN }),
      "invalid_request",
      /budget_ms/,
    );
    expectTinyscaleError(
      () => planCandidates(cpuProfile, { budget_ms: 100, network_margin_ms: -1 }),
      "invalid_request",
      /network_margin_ms/,
    );
    expectTinyscaleError(
      () => planCandidates(cpuProfile, { budget_ms: 100, max_n: 0 }),
      "invalid_request",
      /max_n/,
    );
  });

  it("never plans a smaller N for a bigger budget (every mode, many budgets)", () => {
    for (const profile of [cpuProfile, paperVhsProfile]) {
      const modes = profile === cpuProfile ? (["vhs", "clip", "ae", "none"] as const) : (["vhs"] as const);
      for (const verifier of modes) {
        const minimum = minimumBudgetMs(profile, verifier);
        fc.assert(
          fc.property(
            fc.integer({ min: minimum, max: 20_000 }),
            fc.integer({ min: 0, max: 5_000 }),
            (budget, extra) => {
              const smaller = planCandidates(profile, { budget_ms: budget, verifier });
              const bigger = planCandidates(profile, { budget_ms: budget + extra, verifier });
              return bigger.n >= smaller.n && smaller.predicted_ms + smaller.network_margin_ms <= budget;
            },
          ),
          { numRuns: 500 },
        );
      }
    }
  });

  it("stays monotone on random valid profiles, including ones whose batches get cheaper", () => {
    const positive = fc.double({ min: 0.01, max: 500, noNaN: true });
    const timings = fc.dictionary(fc.integer({ min: 2, max: 16 }).map(String), positive, { maxKeys: 4 });
    const stage = fc.tuple(positive, timings).map(([one, rest]) => ({ ...rest, "1": one }));
    const profile = fc.record({
      bundle_id: fc.constant("random"),
      device: fc.constant("cpu"),
      measured_at: fc.constant("2026-11-27T00:00:00Z"),
      max_batch: fc.integer({ min: 1, max: 16 }),
      max_n: fc.integer({ min: 1, max: 64 }),
      stages: fc.record({ text_encode: stage, propose: stage, finish: stage, image_encode: stage }),
    });
    fc.assert(
      fc.property(
        profile,
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 1, max: 30_000 }),
        (p, a, d) => {
          const plan = (budget: number) => {
            try {
              return planCandidates(p, { budget_ms: budget }).n;
            } catch (error) {
              if (error instanceof TinyscaleError && error.code === "budget_too_small") return 0;
              throw error;
            }
          };
          return plan(a + d) >= plan(a);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("predictMs and batching", () => {
  it("splits candidates into batches of at most max_batch", () => {
    // 19 candidates at max_batch 8: two batches of 8 (45 each) and one of 3 (interpolated 20).
    expect(predictMs(cpuProfile, "vhs", 19).breakdown.propose).toBe(45 + 45 + 20);
    expect(predictMs(cpuProfile, "vhs", 19).total_ms).toBe(3 + 110 + 12 + 2);
  });

  it("sums each mode's stages", () => {
    expect(predictMs(cpuProfile, "clip", 4).breakdown).toEqual({
      text_encode: 3,
      dit_head: 10,
      finish: 41,
      clip_verify: 5 + (3 * 21) / 7,
      image_encode: 2,
    });
    expect(predictMs(cpuProfile, "ae", 8).total_ms).toBe(3 + 18 + 34 + 12 + 9 + 2);
  });

  it("interpolates between measured sizes and extrapolates from the largest two", () => {
    const timings = { "1": 10, "2": 15, "4": 25, "8": 45 };
    expect(stageMs(timings, 3)).toBe(20);
    expect(stageMs(timings, 6)).toBe(35);
    expect(stageMs(timings, 12)).toBe(65);
    expect(stageMs({ "1": 7 }, 4)).toBe(28);
  });

  it("finishes in the smallest batch whose per-row cost is within 10 % of the best", () => {
    // per row: 40 at 1, 30 at 2, 26.7 at 3, 25 at 4 (the best): 3 is within 10 %, 2 is not
    expect(finishChunk({ "1": 40, "4": 100 }, 4)).toBe(3);
    // rows that cost the same at any size: one at a time (no latency for nothing)
    expect(finishChunk({ "1": 7, "16": 112 }, 16)).toBe(1);
    // never beyond the largest batch, even where bigger would be cheaper per row
    expect(finishChunk({ "1": 40, "4": 100 }, 2)).toBe(2);
  });

  it("rejects a non-positive candidate count", () => {
    expectTinyscaleError(() => predictMs(cpuProfile, "vhs", 0), "invalid_request", /positive integer/);
  });
});

describe("validateProfile", () => {
  const withStage = (stage: string, timings: Record<string, number>): Profile => ({
    ...cpuProfile,
    stages: { ...cpuProfile.stages, [stage]: timings },
  });

  it.each([
    ["zero", withStage("propose", { "1": 10, "2": 0 }), /stage propose at batch 2 is 0 ms/],
    ["negative", withStage("finish", { "1": -3 }), /stage finish at batch 1 is -3 ms/],
    ["NaN", withStage("propose", { "1": Number.NaN }), /stage propose at batch 1 is NaN ms/],
    ["Infinity", withStage("propose", { "1": Number.POSITIVE_INFINITY }), /is Infinity ms/],
    ["a string", withStage("propose", { "1": "10" as unknown as number }), /is 10 ms; every entry/],
    ["no batch 1", withStage("propose", { "2": 15 }), /stage propose has no entry for batch size 1/],
    ["batch 0", withStage("propose", { "1": 10, "0": 1 }), /batch size "0"/],
    ["batch 1.5", withStage("propose", { "1": 10, "1.5": 12 }), /batch size "1.5"/],
    ["max_batch 0", { ...cpuProfile, max_batch: 0 }, /max_batch must be a positive integer, got 0/],
    ["max_n NaN", { ...cpuProfile, max_n: Number.NaN }, /max_n must be a positive integer, got NaN/],
  ])("rejects %s with a clear message", (_name, profile, message) => {
    expectTinyscaleError(() => validateProfile(profile), "misconfigured", message);
    expectTinyscaleError(() => planCandidates(profile, { budget_ms: 60_000 }), "misconfigured", message);
  });

  it("parses a profile from JSON, naming what is wrong", () => {
    expect(parseProfile(JSON.parse(JSON.stringify(cpuProfile)))).toEqual(cpuProfile);
    expectTinyscaleError(() => parseProfile({ ...cpuProfile, max_n: "64" }), "misconfigured", /max_n: /);
    expectTinyscaleError(() => parseProfile(null), "misconfigured", /invalid latency profile/);
    expectTinyscaleError(
      () => parseProfile(withStage("propose", { "1": 0 })),
      "misconfigured",
      /stage propose at batch 1 is 0 ms/,
    );
  });

  it("rejects a profile missing a stage the mode runs, naming it", () => {
    const { propose: _dropped, ...stages } = cpuProfile.stages;
    const profile = { ...cpuProfile, stages };
    expect(() => validateProfile(profile)).not.toThrow();
    expectTinyscaleError(
      () => planCandidates(profile, { budget_ms: 1000, verifier: "vhs" }),
      "misconfigured",
      /stage propose is missing, and verifier "vhs" runs it/,
    );
    expect(planCandidates(profile, { budget_ms: 1000, verifier: "clip" }).n).toBeGreaterThan(1);
  });
});
