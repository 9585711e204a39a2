// The per-key meter inside workerd: token-bucket burst then 429 with Retry-After and recovery, the
// concurrency cap, and 50 concurrent requests against credits for 10 — exactly 10 served and charged.
import { describe, expect, it } from "vitest";
import { errorCode, eventually, type TestEdge } from "./helpers/edge-fixture.js";
import type { FakeBackend } from "./helpers/fake-backend.js";
import { startEdgeWithFakeBackend } from "./helpers/start-edge-with-fake-backend.js";

let backend: FakeBackend;
let edge: TestEdge;

startEdgeWithFakeBackend((started) => {
  ({ edge, backend } = started);
});

interface Usage {
  credits_used: number;
  credits_reserved: number;
  credits_remaining: number;
  requests: number;
}

async function usage(key: string): Promise<Usage> {
  return (await (await edge.fetch("/v1/usage", { key })).json()) as Usage;
}

/** Waits until the key holds a reservation, i.e. a request was admitted and is running. */
async function whileNothingReserved(key: string): Promise<void> {
  await eventually(
    () => usage(key),
    (current) => current.credits_reserved > 0,
  );
}

describe("rate limit", () => {
  it("allows the burst, then 429 rate_limited with Retry-After, and serves again after the wait", async () => {
    // 20 rpm = one token per 3 s: slow enough that a loaded machine cannot refill during the burst,
    // short enough to wait for.
    const { key, id } = await edge.createKey({ rpm: 20, burst: 3, max_concurrent: 10 });
    for (let i = 0; i < 3; i++) {
      const ok = await edge.generate(key, { prompt: "a fox", n: 1 });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("ratelimit-policy")).toMatch(
        /^"rpm";q=3;w=9, "credits";q=\d+;w=\d+;ts-unit="credits"$/,
      );
      expect(ok.headers.get("ratelimit")).toMatch(
        new RegExp(`^"rpm";r=${2 - i};t=\\d+, "credits";r=\\d+;t=\\d+$`),
      );
    }
    const limited = await edge.generate(key, { prompt: "a fox", n: 1 });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(limited.headers.get("ratelimit")).toMatch(/^"rpm";r=0;t=\d+/);
    expect(limited.headers.get("ratelimit-policy")).not.toBeNull();
    expect(await errorCode(limited)).toBe("rate_limited");

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 50));
    const resumed = await edge.generate(key, { prompt: "a fox", n: 1 });
    expect(resumed.status).toBe(200);
    // Nothing was charged for the refused request (read from the ledger: a usage read would spend a token).
    const rows = await eventually(
      () => edge.ledger(id),
      (ledger) => ledger.length === 5,
    );
    expect(rows.reduce((sum, row) => sum + row.credits_charged, 0)).toBe(4 * 2);
  });

  it("caps concurrent requests per key with 429 concurrency_limited", async () => {
    const { key } = await edge.createKey({ rpm: 600, burst: 10, max_concurrent: 1 });
    const slow = edge.generate(key, { prompt: "slow-1000", n: 1 });
    await whileNothingReserved(key);
    const second = await edge.generate(key, { prompt: "a fox", n: 1 });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("1");
    expect(await errorCode(second)).toBe("concurrency_limited");
    expect((await slow).status).toBe(200);
    expect((await edge.generate(key, { prompt: "a fox", n: 1 })).status).toBe(200);
  });

  it("applies a PATCHed limit to the next request", async () => {
    const created = await edge.createKey({ rpm: 600, burst: 10 });
    const patched = await edge.fetch(`/admin/keys/${created.id}`, {
      method: "PATCH",
      key: "test-admin-token-0123456789abcdef",
      body: JSON.stringify({ credits_quota: 2 }),
    });
    expect(patched.status).toBe(200);
    expect((await edge.generate(created.key, { prompt: "a fox", n: 1 })).status).toBe(200);
    const over = await edge.generate(created.key, { prompt: "a fox", n: 1 });
    expect(over.status).toBe(402);
    expect(await errorCode(over)).toBe("quota_exceeded");
  });
});

describe("credits quota under concurrency", () => {
  it("50 concurrent requests, credits for 10: exactly 10 served and charged, the ledger sums to the quota", async () => {
    // n = 1 reserves and charges 2 credits (candidates + 1), so 20 credits pay for 10 requests.
    const created = await edge.createKey({
      rpm: 100_000,
      burst: 1000,
      max_concurrent: 100,
      credits_quota: 20,
    });
    backend.delayMs = 50;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => edge.generate(created.key, { prompt: "a fox", n: 1 })),
    );
    backend.delayMs = 20;
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 402)).toHaveLength(40);
    const codes = await Promise.all(responses.filter((r) => r.status === 402).map(errorCode));
    expect(new Set(codes)).toEqual(new Set(["quota_exceeded"]));

    const rows = await eventually(
      () => edge.ledger(created.id),
      (ledger) => ledger.length === 50,
    );
    expect(rows).toHaveLength(50);
    const charged = rows.filter((row) => row.outcome === "charged");
    expect(charged).toHaveLength(10);
    expect(rows.reduce((sum, row) => sum + row.credits_charged, 0)).toBe(20);
    expect(rows.filter((row) => row.outcome === "denied" && row.code === "quota_exceeded")).toHaveLength(40);

    const after = await usage(created.key);
    expect(after).toMatchObject({
      credits_used: 20,
      credits_reserved: 0,
      credits_remaining: 0,
      requests: 10,
    });
  });
});
