import { describe, expect, it } from "vitest";
import { creditsFor, reserveCreditsFor } from "./credits.js";

describe("credits", () => {
  it("charges one per candidate plus one per request", () => {
    expect(creditsFor(1)).toBe(2);
    expect(creditsFor(9)).toBe(10);
    expect(creditsFor(0)).toBe(1);
  });

  it("reserves what the planned n would cost, so a finished request never needs more", () => {
    for (let n = 1; n <= 64; n++) {
      expect(reserveCreditsFor(n)).toBe(creditsFor(n));
      for (const ran of [0, Math.floor(n / 2), n])
        expect(creditsFor(ran)).toBeLessThanOrEqual(reserveCreditsFor(n));
    }
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s", (count) => {
    expect(() => creditsFor(count)).toThrow(RangeError);
    expect(() => reserveCreditsFor(count)).toThrow(RangeError);
  });
});
