import { describe, expect, it } from "vitest";
import { ReplayCache } from "./replay-cache.js";

describe("ReplayCache", () => {
  it("accepts a signature once until it expires", () => {
    const cache = new ReplayCache();
    expect(cache.remember("v1=aa", 2_000, 1_000)).toBe(true);
    expect(cache.remember("v1=aa", 2_000, 1_500)).toBe(false);
    expect(cache.remember("v1=aa", 3_000, 2_000)).toBe(true); // expired: its timestamp is stale by now anyway
  });

  it("stays bounded under a flood of fresh signatures", () => {
    const cache = new ReplayCache(100);
    for (let i = 0; i < 1_000; i++) cache.remember(`v1=${i}`, 10_000, 0);
    expect(cache.size).toBe(100);
  });
});
