// The edge under a loaded backend: it ranks backends by their predicted wait, says what a budget buys now
// (/v1/plan n_now), and refuses at once, reserving nothing, a budget the reported wait already leaves no
// room for — before even looking the key up. Backends report their wait in GET /healthz
// (estimated_wait_ms), re-read at most every second: by /v1/plan before it answers, by /v1/generate in
// the background (it ranks on what is known), so the tests read the load through /v1/plan first.

import type { UsageResponse } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_SECRET, startTestEdge, type TestEdge } from "./helpers/edge-fixture.js";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.js";

let idle: FakeBackend;
let busy: FakeBackend;
let edge: TestEdge;

/** Longer than the edge's load TTL, so the next request reads /healthz again. */
const nextLoadRead = () => new Promise((resolve) => setTimeout(resolve, 1_100));

beforeAll(async () => {
  idle = await startFakeBackend(SIGNING_SECRET);
  busy = await startFakeBackend(SIGNING_SECRET);
  edge = await startTestEdge([busy.url, idle.url]);
});
afterAll(async () => {
  await edge?.close();
  await idle?.close();
  await busy?.close();
});

async function usageOf(key: string): Promise<UsageResponse> {
  return (await (await edge.fetch("/v1/usage", { key })).json()) as UsageResponse;
}

async function plan(key: string, budget: number): Promise<Record<string, number>> {
  const response = await edge.fetch("/v1/plan", {
    method: "POST",
    key,
    body: JSON.stringify({ budget_ms: budget }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, number>;
}

describe("a loaded backend", () => {
  it("sends requests to the backend with the earliest predicted start", async () => {
    busy.waitMs = 300;
    idle.waitMs = 5;
    idle.queueDepth = 3; // more requests, but a shorter wait: the wait decides
    const created = await edge.createKey();
    await nextLoadRead();
    await plan(created.key, 500); // reads the load now (a generate re-reads it in the background)
    const before = { busy: busy.received.length, idle: idle.received.length };
    for (let i = 0; i < 4; i++) {
      const response = await edge.generate(created.key, { prompt: "a fox", n: 1 });
      expect(response.status).toBe(200);
    }
    expect(busy.received.length).toBe(before.busy);
    expect(idle.received.length).toBe(before.idle + 4);
    idle.queueDepth = 0;
  });

  it("/v1/plan says what a budget buys now, after the queue's predicted wait", async () => {
    const created = await edge.createKey();
    busy.waitMs = 0;
    idle.waitMs = 0;
    await nextLoadRead();
    // FAKE_PROFILE: vhs = 2 + propose(n) + 40 + 2 ms, margin 20: 500 ms buys the profile's cap, 16.
    expect(await plan(created.key, 500)).toMatchObject({ n: 16, n_now: 16, queue_wait_ms: 0 });
    busy.waitMs = 400;
    idle.waitMs = 400;
    await nextLoadRead();
    const loaded = await plan(created.key, 500);
    // The reported wait drains from the moment it was read: a few ms of it may have passed.
    expect(loaded.n).toBe(16);
    expect(loaded.queue_wait_ms).toBeLessThanOrEqual(400);
    expect(loaded.queue_wait_ms).toBeGreaterThan(350);
    expect(loaded.n_now).toBeGreaterThanOrEqual(1);
    expect(loaded.n_now).toBeLessThan(16);
    busy.waitMs = 5_000;
    idle.waitMs = 5_000;
    await nextLoadRead();
    const swamped = await plan(created.key, 500);
    expect(swamped).toMatchObject({ n: 16, n_now: 0 });
    expect(swamped.queue_wait_ms).toBeGreaterThan(4_950);
  });

  it("refuses at once with 503 + Retry-After when the wait leaves no room, reserving and charging nothing", async () => {
    busy.waitMs = 2_500;
    idle.waitMs = 2_500;
    const created = await edge.createKey();
    await nextLoadRead();
    await plan(created.key, 500); // reads the load now
    const sent = { busy: busy.received.length, idle: idle.received.length };
    const response = await edge.generate(created.key, { prompt: "a fox", budget_ms: 500 });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("overloaded");
    expect({ busy: busy.received.length, idle: idle.received.length }).toEqual(sent);
    const usage = await usageOf(created.key);
    expect([usage.credits_used, usage.credits_reserved]).toEqual([0, 0]);
    // An explicit n is not refused here: the backend decides whether all n fit.
    expect((await edge.generate(created.key, { prompt: "a fox", n: 1 })).status).toBe(200);
    busy.waitMs = 0;
    idle.waitMs = 0;
  });

  it("sheds a budget it has no room for before looking the key up; other mistakes keep their answers", async () => {
    busy.waitMs = 2_500;
    idle.waitMs = 2_500;
    const created = await edge.createKey();
    await nextLoadRead();
    await plan(created.key, 500); // reads the load now
    const unknown = `ts_test_${"x".repeat(32)}`; // well-formed, but no such key
    const shed = await edge.generate(unknown, { prompt: "a fox", budget_ms: 500 });
    expect(shed.status).toBe(503);
    expect(((await shed.json()) as { error: { code: string } }).error.code).toBe("overloaded");
    // Nothing to shed by load: the key is checked as always.
    expect((await edge.generate(unknown, { prompt: "a fox", n: 1 })).status).toBe(401);
    expect((await edge.generate("not-a-key", { prompt: "a fox", budget_ms: 500 })).status).toBe(401);
    expect((await edge.generate(unknown, { prompt: "a fox", budget_ms: -1 })).status).toBe(401);
    // A valid key with a body that is not a request: 400, as on an idle backend.
    expect((await edge.generate(created.key, { prompt: "a fox", budget_ms: -1 })).status).toBe(400);
    busy.waitMs = 0;
    idle.waitMs = 0;
  });
});
