// The least work a request adds to a backend's queue, from its profile, as the batching scheduler counts
// it: a vhs candidate's share of a full propose batch plus the request's share of a finish run (finishChunk) and
// its prompt's encoding when not cached (never its image encoding, which is not graph work); other modes whole.
import { predictMs } from "@tinyscale/shared";
import { describe, expect, it } from "vitest";
import { FAKE_PROFILE } from "../../test/helpers/fake-backend.js";
import { backendWork } from "./backend-work.js";

describe("backendWork", () => {
  // FAKE_PROFILE: max_batch 4, propose(4) = 30, finish(1) = 40 (so 160 for 4, 40 each), encodings 2 + 2.
  it("counts a vhs request's shares of full batches and its prompt's encoding unless cached", () => {
    expect(backendWork(FAKE_PROFILE, "vhs", 1)).toEqual({ leastWorkMs: 7.5 + 40 + 2, stepMs: 30 });
    expect(backendWork(FAKE_PROFILE, "vhs", 3).leastWorkMs).toBeCloseTo(3 * 7.5 + 42, 10);
    expect(backendWork(FAKE_PROFILE, "vhs", 1, true).leastWorkMs).toBeCloseTo(7.5 + 40, 10);
  });

  it("counts finishing per row of the finish run the backend uses, not of a full batch", () => {
    // finish 40 ms for one, 100 for four: the backend finishes three at a time (26.7 ms each)
    const profile = { ...FAKE_PROFILE, stages: { ...FAKE_PROFILE.stages, finish: { "1": 40, "4": 100 } } };
    expect(backendWork(profile, "vhs", 1, true).leastWorkMs).toBeCloseTo(7.5 + 80 / 3, 10);
  });

  it("counts other modes as whole runs, with no shared step to wait for", () => {
    expect(backendWork(FAKE_PROFILE, "none", 1)).toEqual({
      leastWorkMs: predictMs(FAKE_PROFILE, "none", 1).total_ms,
      stepMs: 0,
    });
  });
});
