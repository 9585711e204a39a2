import { describe, expect, it } from "vitest";
import { batchSchedule } from "./batch-schedule.js";

const stages = {
  text_encode: { "1": 5 },
  propose: { "1": 10, "4": 30 },
  finish: { "1": 20, "4": 40 },
  image_encode: { "1": 5 },
  dit_head: { "1": 4, "4": 12 },
  clip_verify: { "1": 2, "4": 6 },
};

describe("batchSchedule", () => {
  it("splits n into batches of at most maxBatch", () => {
    expect(batchSchedule("vhs", 10, 4, null, stages).sizes).toEqual([4, 4, 2]);
    expect(batchSchedule("vhs", 1, 16, null, stages).sizes).toEqual([1]);
  });

  it("always starts the first batch and any batch without a deadline", () => {
    const late = batchSchedule("vhs", 8, 4, 0, stages);
    expect(late.mayStart(1_000, 4, true)).toBe(true);
    expect(batchSchedule("vhs", 8, 4, null, stages).mayStart(1_000, 4, false)).toBe(true);
  });

  it("starts a later batch only if it and the winner's finishing fit before the deadline", () => {
    // vhs: propose(4) = 30, then finish(1) + image_encode(1) = 25.
    const schedule = batchSchedule("vhs", 8, 4, 1_055, stages);
    expect(schedule.mayStart(1_000, 4, false)).toBe(true);
    expect(schedule.mayStart(1_001, 4, false)).toBe(false);
    // clip: the batch itself finishes (dit_head 12 + finish 40 + clip_verify 6); only encoding (5) remains.
    const clip = batchSchedule("clip", 8, 4, 1_000, stages);
    expect(clip.mayStart(900, 4, false)).toBe(true);
    expect(clip.mayStart(937, 4, false)).toBe(true);
    expect(clip.mayStart(938, 4, false)).toBe(false);
  });
});
