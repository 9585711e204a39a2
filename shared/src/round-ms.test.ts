import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundMs, roundMsValues } from "./round-ms.js";

describe("roundMs", () => {
  it("rounds to 0.1 ms", () => {
    expect(roundMs(50.394999999999996)).toBe(50.4);
    expect(roundMs(74)).toBe(74);
    expect(roundMs(0.04)).toBe(0);
    expect(roundMs(1234.56)).toBe(1234.6);
  });

  it("prints at most one decimal and moves a value by at most 0.05 ms", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (ms) => {
        const rounded = roundMs(ms);
        expect(String(rounded)).toMatch(/^\d+(\.\d)?$/);
        expect(Math.abs(rounded - ms)).toBeLessThanOrEqual(0.05 + 1e-9);
      }),
      { seed: 20261130 },
    );
  });

  it("rounds every value of a record", () => {
    expect(roundMsValues({ propose: 30.0000001, finish: 12.345 })).toEqual({ propose: 30, finish: 12.3 });
  });
});
