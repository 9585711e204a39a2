// The meter's pure arithmetic: token-bucket refill and waits, UTC period bounds across month and year
// ends, and the exact RateLimit header strings.
import { describe, expect, it } from "vitest";
import type { MeterSnapshot } from "./meter-types.js";
import { periodBounds } from "./quota-period.js";
import { rateLimitHeaders } from "./rate-limit-headers.js";
import { refill, secondsUntilNextToken, secondsUntilToken } from "./token-bucket.js";

describe("token bucket", () => {
  it("refills at rpm per minute up to the burst", () => {
    expect(refill({ tokens: 0, updatedMs: 0 }, 60, 5, 2_500)).toEqual({ tokens: 2.5, updatedMs: 2_500 });
    expect(refill({ tokens: 4, updatedMs: 0 }, 60, 5, 60_000).tokens).toBe(5);
    // A clock that steps back never removes tokens.
    expect(refill({ tokens: 1, updatedMs: 1_000 }, 60, 5, 500).tokens).toBe(1);
  });

  it("says how long until the next token and until full, rounded up to whole seconds", () => {
    expect(secondsUntilToken(1, 60)).toBe(0);
    expect(secondsUntilToken(0.5, 60)).toBe(1);
    expect(secondsUntilToken(0, 20)).toBe(3);
    expect(secondsUntilToken(0.99, 6)).toBe(1);
  });

  it("says how long until the next whole token: one meaning whether tokens remain or not", () => {
    // rpm 5: a token every 12 s. Full, partly spent, or empty, the window is the next token's arrival.
    expect(secondsUntilNextToken(5, 5, 5)).toBe(12);
    expect(secondsUntilNextToken(4, 5, 5)).toBe(12);
    expect(secondsUntilNextToken(1, 5, 5)).toBe(12);
    expect(secondsUntilNextToken(0, 5, 5)).toBe(12);
    expect(secondsUntilNextToken(3.5, 5, 5)).toBe(6);
    expect(secondsUntilNextToken(0.5, 5, 5)).toBe(secondsUntilToken(0.5, 5));
    // Never 0: a window of 0 s would say "nothing is limited".
    expect(secondsUntilNextToken(0.9999, 6000, 10)).toBe(1);
  });
});

describe("quota periods", () => {
  it("days start at UTC midnight", () => {
    const bounds = periodBounds("day", Date.parse("2026-11-27T23:59:59.999Z"));
    expect(new Date(bounds.startMs).toISOString()).toBe("2026-11-27T00:00:00.000Z");
    expect(new Date(bounds.endMs).toISOString()).toBe("2026-11-28T00:00:00.000Z");
  });

  it("months start on the 1st and roll over the year end", () => {
    const december = periodBounds("month", Date.parse("2026-12-15T12:00:00Z"));
    expect(new Date(december.startMs).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(new Date(december.endMs).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    const february = periodBounds("month", Date.parse("2028-02-29T00:00:00Z"));
    expect((february.endMs - february.startMs) / 86_400_000).toBe(29);
  });
});

describe("RateLimit headers", () => {
  const snapshot: MeterSnapshot = {
    rpm: 60,
    burst: 10,
    tokens: 7,
    secondsUntilToken: 0,
    secondsUntilNextToken: 3,
    maxConcurrent: 4,
    inFlight: 1,
    creditsQuota: 1000,
    creditsUsed: 40,
    creditsReserved: 5,
    creditsRemaining: 955,
    requests: 20,
    periodStartMs: Date.parse("2026-11-27T00:00:00Z"),
    periodEndMs: Date.parse("2026-11-28T00:00:00Z"),
    nowMs: Date.parse("2026-11-27T23:00:00Z"),
  };

  it("writes both policies and their remaining amounts as structured-field lists", () => {
    expect(rateLimitHeaders(snapshot)).toEqual({
      "RateLimit-Policy": '"rpm";q=10;w=10, "credits";q=1000;w=86400;ts-unit="credits"',
      RateLimit: '"rpm";r=7;t=3, "credits";r=955;t=3600',
    });
  });

  it("an empty bucket reports the wait for the next token", () => {
    const empty = { ...snapshot, tokens: 0, secondsUntilToken: 1, secondsUntilNextToken: 1 };
    expect(rateLimitHeaders(empty).RateLimit).toBe('"rpm";r=0;t=1, "credits";r=955;t=3600');
  });
});
