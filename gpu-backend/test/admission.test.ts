// Load: 20 concurrent requests all complete; with the queue bounded at 2 the excess gets 503 overloaded
// with Retry-After (and /healthz says how many it holds) and everything else keeps working. SIGTERM-style
// drain finishes queued work first.

import { GenerateResponseSchema, HealthSchema } from "@tinyscale/shared";
import { afterAll, describe, expect, it } from "vitest";
import { generate, metricValue, startTestBackend, type TestBackend } from "./helpers.js";

const started: TestBackend[] = [];
afterAll(async () => {
  await Promise.all(started.map((b) => b.close()));
});

let sharedBackend: Promise<TestBackend> | undefined;
/** One backend (queue bound 32) for the tests that leave it as they found it. */
function shared(): Promise<TestBackend> {
  sharedBackend ??= start({ maxQueue: 32 });
  return sharedBackend;
}

async function start(options: Parameters<typeof startTestBackend>[0]) {
  const backend = await startTestBackend(options);
  started.push(backend);
  return backend;
}

describe("admission", () => {
  it("completes 20 concurrent requests", async () => {
    const backend = await shared();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => generate(backend, { prompt: `fox number ${i}`, n: 4, seed: i })),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const body of bodies) expect(GenerateResponseSchema.parse(body).n).toBe(4);
    expect(await metricValue(backend, "tinyscale_queue_depth")).toBe(0);
    expect(await metricValue(backend, "tinyscale_in_flight")).toBe(0);
  });

  it("with the queue bounded at 2, refuses the excess with 503 + Retry-After and keeps serving", async () => {
    // Batches of one and the clip verifier make each request slow enough that the crowd really queues.
    const backend = await start({ maxQueue: 2, maxBatch: 1 });
    // What it holds at most, for an edge to refuse the excess itself: the queue bound + one batch per worker.
    const health = HealthSchema.parse(await (await fetch(`${backend.url}/healthz`)).json());
    expect(health.max_in_flight).toBe(2 + 1);
    // Idle: its costs as profiled, and a lead of at least one batch step for the edge to count.
    expect(health.slowdown).toBe(1);
    expect(health.admission_lead_ms).toBeGreaterThan(0);
    const crowd = Array.from({ length: 20 }, (_, i) =>
      generate(backend, { prompt: `crowded fox ${i}`, n: 16, seed: i, verifier: "clip" }),
    );
    // While it holds more than one: each request counted once, the one batch running as in flight.
    let held = health;
    for (let i = 0; i < 400 && held.queue_depth === 0; i++) {
      held = HealthSchema.parse(await (await fetch(`${backend.url}/healthz`)).json());
    }
    expect(held.queue_depth).toBeGreaterThanOrEqual(1);
    expect(held.in_flight).toBe(1);
    expect(held.queue_depth + held.in_flight).toBeLessThanOrEqual(health.max_in_flight);
    const responses = await Promise.all(crowd);
    const statuses = responses.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    const refused = responses.filter((r) => r.status === 503);
    expect(ok + refused.length).toBe(20);
    // One running + two queued are served; the rest are refused (more may be served if some finish early).
    expect(ok).toBeGreaterThanOrEqual(3);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const response of refused) {
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await response.json()).error.code).toBe("overloaded");
    }
    for (const response of responses.filter((r) => r.status === 200)) await response.arrayBuffer();
    expect(await metricValue(backend, "tinyscale_errors_total", { code: "overloaded" })).toBe(refused.length);
    // Nothing else broke: the next request is served and the backend is still ready.
    expect((await generate(backend, { prompt: "after the crowd", n: 2 })).status).toBe(200);
    expect((await fetch(`${backend.url}/readyz`)).status).toBe(200);
  });

  it("drains: readiness turns false, queued and in-flight requests finish, then it stops", async () => {
    const backend = await start({ maxQueue: 8 });
    const pending = Array.from({ length: 4 }, (_, i) =>
      generate(backend, { prompt: `draining fox ${i}`, n: 8, seed: i, verifier: "clip" }),
    );
    // Drain once all four are admitted (queued or running).
    while (backend.logs.filter((l) => l.includes('"generate admitted"')).length < 4) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const drained = backend.drain();
    expect(backend.state.phase).toBe("draining");
    const readyz = await fetch(`${backend.url}/readyz`).catch(() => undefined);
    if (readyz) expect(readyz.status).toBe(503);
    const statuses = await Promise.all(pending.map(async (p) => (await p).status));
    expect(statuses).toEqual([200, 200, 200, 200]);
    await drained;
    expect(backend.state.phase).toBe("stopped");
    await expect(fetch(`${backend.url}/healthz`)).rejects.toThrow();
  });
});

describe("callers that go away", () => {
  it("drops a queued job whose client disconnected; it never runs", async () => {
    const backend = await shared();
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const encodes = () => metricValue(backend, "tinyscale_graph_runs_total", { graph: "text_encoder" });
    const before = await encodes();
    const busy = generate(backend, { prompt: "keeps the worker busy", n: 32, seed: 1, verifier: "clip" });
    while ((await metricValue(backend, "tinyscale_in_flight")) < 1) await pause();
    const controller = new AbortController();
    const abandoned = fetch(`${backend.url}/v1/generate`, {
      method: "POST",
      headers: { authorization: "Bearer test-backend-token" },
      body: JSON.stringify({ prompt: "nobody waits for this one", n: 4 }),
      signal: controller.signal,
    }).catch((error: Error) => error);
    // The worker is busy with the clip request (run whole); the abandoned one waits beside it.
    while ((await metricValue(backend, "tinyscale_in_flight")) < 2) await pause();
    controller.abort();
    expect(await abandoned).toBeInstanceOf(Error);
    while ((await metricValue(backend, "tinyscale_in_flight")) > 1) await pause();
    expect((await busy).status).toBe(200);
    // Only the busy request's prompt was encoded: the abandoned one never reached the worker.
    expect(await encodes()).toBe(before + 1);
  });
});

describe("a caller that goes away mid-generation", () => {
  it("stops the job from starting further candidate batches", async () => {
    const backend = await shared();
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const rows = () => metricValue(backend, "tinyscale_graph_rows_total", { graph: "clip_verify" });
    const before = await rows();
    const controller = new AbortController();
    const gone = fetch(`${backend.url}/v1/generate`, {
      method: "POST",
      headers: { authorization: "Bearer test-backend-token" },
      body: JSON.stringify({ prompt: "walks away", n: 64, verifier: "clip", seed: 4 }),
      signal: controller.signal,
    }).catch((error: Error) => error);
    while ((await metricValue(backend, "tinyscale_in_flight")) < 1) await pause();
    controller.abort();
    expect(await gone).toBeInstanceOf(Error);
    while ((await metricValue(backend, "tinyscale_in_flight")) > 0) await pause();
    // The run is recorded when it returns; wait for its rows, then check it stopped early.
    let scored = 0;
    for (let i = 0; i < 400 && scored === 0; i++) {
      scored = (await rows()) - before;
      if (scored === 0) await pause();
    }
    expect(scored).toBeGreaterThan(0);
    expect(scored).toBeLessThan(64);
  });
});
