// Every keyed route spends a rate-limit token, the cheap ones (plan, usage, models) included, and the
// RateLimit field's `t` keeps one meaning — the seconds within which no more than `r` requests can be
// made — whether tokens remain or not; at r=0 it equals Retry-After.
import { expect, it } from "vitest";
import { errorCode, type TestEdge } from "./helpers/edge-fixture.js";
import { startEdgeWithFakeBackend } from "./helpers/start-edge-with-fake-backend.js";

let edge: TestEdge;

startEdgeWithFakeBackend((started) => {
  ({ edge } = started);
});

function rpmItem(response: Response): { r: number; t: number } {
  const match = /^"rpm";r=(\d+);t=(\d+),/.exec(response.headers.get("ratelimit") ?? "");
  if (!match) throw new Error(`no rpm item in RateLimit: ${response.headers.get("ratelimit")}`);
  return { r: Number(match[1]), t: Number(match[2]) };
}

it("a key with rpm 5 gets 429 on the 6th cheap call within a minute, with t the same before and after", async () => {
  // 5 per minute, burst 5: a token every 12 s, so nothing refills during the calls.
  const { key } = await edge.createKey({ rpm: 5, burst: 5 });
  const cheap = [
    () => edge.fetch("/v1/plan", { method: "POST", key, body: '{"budget_ms":1000}' }),
    () => edge.fetch("/v1/usage", { key }),
    () => edge.fetch("/v1/models", { key }),
  ];
  const seen: { r: number; t: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const response = await (cheap[i % cheap.length] as () => Promise<Response>)();
    expect(response.status, await response.clone().text()).toBe(200);
    seen.push(rpmItem(response));
  }
  expect(seen.map((item) => item.r)).toEqual([4, 3, 2, 1, 0]);
  for (const { t } of seen) {
    expect(t).toBeGreaterThanOrEqual(11);
    expect(t).toBeLessThanOrEqual(12);
  }

  for (const call of cheap) {
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(await errorCode(limited)).toBe("rate_limited");
    const { r, t } = rpmItem(limited);
    expect(r).toBe(0);
    expect(t).toBeGreaterThanOrEqual(11);
    expect(t).toBeLessThanOrEqual(12);
    expect(Number(limited.headers.get("retry-after"))).toBe(t);
  }
});

it("a generation and a cheap call draw on the same bucket", async () => {
  const { key } = await edge.createKey({ rpm: 5, burst: 2 });
  expect((await edge.generate(key, { prompt: "a fox", n: 1 })).status).toBe(200);
  expect((await edge.fetch("/v1/usage", { key })).status).toBe(200);
  const limited = await edge.generate(key, { prompt: "a fox", n: 1 });
  expect(limited.status).toBe(429);
  expect(await errorCode(limited)).toBe("rate_limited");
});
