// The estimates the batching scheduler keeps of how the machine behaves now: the lateness margin rises at
// once when deadline-cut answers land late, comes down slowly when they land early, and is never negative.

import { describe, expect, it } from "vitest";
import { Lateness, Slowdown } from "./slowdown.js";

describe("Lateness", () => {
  it("starts at 0 and takes a late answer at half weight at once", () => {
    const lateness = new Lateness();
    expect(lateness.ms).toBe(0);
    lateness.observe(40, 0);
    expect(lateness.ms).toBeCloseTo(20, 0);
  });

  it("counts what was kept back: an answer on time with a margin still shows the error the margin hid", () => {
    const lateness = new Lateness();
    lateness.observe(40, 0);
    const margin = lateness.ms;
    // planned 20 ms early, landed right at the deadline: the plan was 20 ms late, so the margin holds
    lateness.observe(0, margin);
    expect(lateness.ms).toBeCloseTo(margin, 0);
  });

  it("comes down slowly when answers land early, and never below 0", () => {
    const lateness = new Lateness();
    lateness.observe(100, 0);
    const high = lateness.ms;
    lateness.observe(-50, high);
    expect(lateness.ms).toBeLessThan(high);
    expect(lateness.ms).toBeGreaterThan(high * 0.9);
    for (let i = 0; i < 200; i++) lateness.observe(-50, lateness.ms);
    expect(lateness.ms).toBe(0);
  });
});

describe("Slowdown", () => {
  it("moves toward measured / predicted and ignores runs the profile cannot price", () => {
    const slowdown = new Slowdown();
    slowdown.observe(20, 10);
    expect(slowdown.factor).toBeCloseTo(1.2, 2);
    slowdown.observe(5, 0);
    expect(slowdown.factor).toBeCloseTo(1.2, 2);
  });
});
