// Forwarding inside workerd against real HTTP servers on 127.0.0.1: signed requests with the plan and
// deadline, and every backend failure (500, slow, overloaded, dropped, refused) → our error + refund.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  errorCode,
  eventually,
  SIGNING_SECRET,
  startTestEdge,
  type TestEdge,
} from "./helpers/edge-fixture.js";
import { type FakeBackend, refusedUrl, startFakeBackend } from "./helpers/fake-backend.js";

let backend: FakeBackend;
let edge: TestEdge;
let failover: TestEdge;
let dead: TestEdge;

beforeAll(async () => {
  backend = await startFakeBackend(SIGNING_SECRET);
  edge = await startTestEdge([backend.url], { TIMEOUT_MARGIN_MS: "200" });
  // A pool whose first backend refuses connections: traffic must fail over to the live one.
  failover = await startTestEdge([await refusedUrl(), backend.url]);
  dead = await startTestEdge([await refusedUrl()]);
});
afterAll(async () => {
  await Promise.all([edge?.close(), failover?.close(), dead?.close()]);
  await backend?.close();
});

interface Usage {
  credits_used: number;
  credits_reserved: number;
  credits_remaining: number;
}

async function usageOf(target: TestEdge, key: string): Promise<Usage> {
  return (await (await target.fetch("/v1/usage", { key })).json()) as Usage;
}

describe("signed forwarding", () => {
  it("plans n from the budget, signs the body, passes the request id and deadline, and charges usage.credits", async () => {
    const created = await edge.createKey();
    const before = Date.now();
    const response = await edge.generate(
      created.key,
      { prompt: "a fox", budget_ms: 100 },
      { "x-request-id": "client-id-1" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("client-id-1");
    expect(response.headers.get("server-timing")).toMatch(
      /^auth;dur=\d+, plan;dur=\d+, meter;dur=\d+, backend;dur=\d+, settle;dur=\d+$/,
    );
    const body = (await response.json()) as {
      n: number;
      usage: { credits: number };
      image: { b64_json: string };
    };
    const received = backend.received.at(-1);
    expect(received?.signatureOk).toBe(true);
    expect(received?.headers["x-request-id"]).toBe("client-id-1");
    const deadline = Number(received?.headers["x-tinyscale-deadline"]);
    expect(deadline).toBeGreaterThanOrEqual(before + 100);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 100);
    const forwarded = JSON.parse(received?.body ?? "{}") as Record<string, unknown>;
    // FAKE_PROFILE: vhs costs 2 + propose(n) + 40 + 2 ms; with a 20 ms margin 100 ms fits propose(4) = 30.
    // The budget travels on with that as its cap: the backend runs up to 4 as its load allows.
    expect(forwarded).toMatchObject({ prompt: "a fox", budget_ms: 100, max_n: 4, verifier: "vhs" });
    expect(forwarded).not.toHaveProperty("n");
    expect(body.n).toBe(4);
    // The edge writes in its own prediction: 2 + 30 + 40 + 2 ms.
    expect(body.planned_ms).toBe(74);
    expect(body.image.b64_json.length).toBeGreaterThan(0);
    expect((await usageOf(edge, created.key)).credits_used).toBe(body.usage.credits);
  });

  it("generates a request id when the caller's is missing or unsafe", async () => {
    const created = await edge.createKey();
    // A pasted API key must not become an id: ids are echoed, logged, forwarded and stored in the ledger.
    for (const unsafe of ["bad id\twith spaces", "x".repeat(200), created.key]) {
      const response = await edge.generate(
        created.key,
        { prompt: "a fox", n: 1 },
        { "x-request-id": unsafe },
      );
      const id = response.headers.get("x-request-id");
      expect(id).toMatch(/^req_[0-9a-f]{24}$/);
      expect(backend.received.at(-1)?.headers["x-request-id"]).toBe(id);
    }
  });

  it("budget too small for one candidate → 422 budget_too_small, nothing reserved", async () => {
    const created = await edge.createKey();
    const response = await edge.generate(created.key, { prompt: "a fox", budget_ms: 50 });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("budget_too_small");
    expect(body.error.message).toMatch(/minimum budget of \d+ ms/);
  });

  it("invalid bodies are refused before anything is reserved", async () => {
    const created = await edge.createKey();
    const notJson = await edge.fetch("/v1/generate", { method: "POST", key: created.key, body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(await errorCode(notJson)).toBe("invalid_json");
    const both = await edge.generate(created.key, { prompt: "a fox", n: 2, budget_ms: 500 });
    expect(both.status).toBe(400);
    expect(await errorCode(both)).toBe("invalid_request");
    const unknown = await edge.generate(created.key, { prompt: "a fox", n: 1, colour: "red" });
    expect(await errorCode(unknown)).toBe("invalid_request");
    const tooMany = await edge.generate(created.key, { prompt: "a fox", n: 17 });
    expect(tooMany.status).toBe(400);
    expect(await errorCode(tooMany)).toBe("invalid_request");
    const huge = await edge.generate(created.key, { prompt: "x".repeat(70_000), n: 1 });
    expect(huge.status).toBe(413);
    expect(await errorCode(huge)).toBe("payload_too_large");
    // Streamed without Content-Length: cut off at the limit too. The edge answers 413 and closes while
    // the client may still be writing, so the client can see ECONNRESET instead of the answer: try again.
    const sendChunked = () =>
      edge.fetch("/v1/generate", {
        method: "POST",
        key: created.key,
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`{"n":1,"prompt":"${"x".repeat(200_000)}"}`));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    let chunked: Response | undefined;
    for (let attempt = 0; attempt < 3 && !chunked; attempt++) {
      chunked = await sendChunked().catch(() => undefined);
    }
    if (!chunked) throw new Error("the streamed oversized body never got an answer");
    expect(chunked.status).toBe(413);
    expect(await usageOf(edge, created.key)).toMatchObject({ credits_used: 0, credits_reserved: 0 });
  });
});

describe("backend failures refund the reservation", () => {
  const cases: [string, number, string][] = [
    ["fail-500", 502, "backend_error"],
    ["drop", 502, "backend_error"],
    ["overloaded", 503, "overloaded"],
    ["bad-size", 422, "unsupported_size"],
  ];

  it.each(cases)("prompt %s → %i %s, balance unchanged", async (prompt, status, code) => {
    const created = await edge.createKey({ credits_quota: 100 });
    const before = await usageOf(edge, created.key);
    const response = await edge.generate(created.key, { prompt, n: 3 });
    expect(response.status).toBe(status);
    const { message } = ((await response.clone().json()) as { error: { message: string } }).error;
    expect(await errorCode(response)).toBe(code);
    if (status === 503) {
      expect(response.headers.get("retry-after")).toBe("2");
      expect(message).toBe("the backend is at capacity: queue full"); // the backend's reason kept
    }
    expect(response.headers.get("ratelimit")).toMatch(/"credits";r=100;/);
    expect(await usageOf(edge, created.key)).toEqual(before);
    const rows = await eventually(
      () => edge.ledger(created.id),
      (ledger) => ledger.length === 1,
    );
    expect(rows[0]).toMatchObject({ outcome: "refunded", code, credits_reserved: 4, credits_charged: 0 });
  });

  it("a backend slower than budget + margin → 504 deadline_exceeded and a refund", async () => {
    const created = await edge.createKey({ credits_quota: 100 });
    const started = Date.now();
    const response = await edge.generate(created.key, { prompt: "slow-5000", budget_ms: 300 });
    expect(response.status).toBe(504);
    expect(await errorCode(response)).toBe("deadline_exceeded");
    // budget 300 + TIMEOUT_MARGIN_MS 200: long before the backend would answer.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await usageOf(edge, created.key)).toMatchObject({
      credits_used: 0,
      credits_reserved: 0,
      credits_remaining: 100,
    });
  });

  it("fails over when the first backend refuses the connection", async () => {
    const created = await failover.createKey();
    for (let i = 0; i < 4; i++) {
      const response = await failover.generate(created.key, { prompt: "a fox", n: 1 });
      expect(response.status).toBe(200);
    }
    expect((await usageOf(failover, created.key)).credits_used).toBe(8);
  });

  it("fails over when the least-loaded backend dies between its health report and the request", async () => {
    const doomed = await startFakeBackend(SIGNING_SECRET);
    const pool = await startTestEdge([doomed.url, backend.url]);
    try {
      backend.queueDepth = 5;
      const created = await pool.createKey();
      // Warm the pool: both profiles and loads are read now and the doomed one ranks first.
      expect(
        (await pool.fetch("/v1/plan", { method: "POST", key: created.key, body: '{"budget_ms":500}' }))
          .status,
      ).toBe(200);
      await doomed.close();
      const before = backend.received.length;
      const response = await pool.generate(created.key, { prompt: "a fox", n: 1 });
      expect(response.status).toBe(200);
      expect(doomed.received).toHaveLength(0);
      expect(backend.received.length).toBe(before + 1);
      expect((await usageOf(pool, created.key)).credits_used).toBe(2);
    } finally {
      backend.queueDepth = 0;
      await pool.close();
    }
  });

  it("a client that disconnects mid-request still has its reservation settled (no leaked credits or slot)", async () => {
    // A rate limit far above the polling below: each usage read spends a token.
    const created = await edge.createKey({
      credits_quota: 100,
      max_concurrent: 1,
      rpm: 100_000,
      burst: 10_000,
    });
    const abort = new AbortController();
    const request = fetch(`${edge.url}/v1/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${created.key}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "slow-600", n: 1 }),
      signal: abort.signal,
    }).catch((error: unknown) => error);
    await eventually(
      () => usageOf(edge, created.key),
      (usage) => usage.credits_reserved > 0,
    );
    abort.abort();
    expect(await request).toBeInstanceOf(Error);
    const settled = await eventually(
      () => usageOf(edge, created.key),
      (usage) => usage.credits_reserved === 0,
      10_000,
    );
    expect(settled.credits_reserved).toBe(0);
    // Charged once if the backend's answer still arrived, refunded if the forward was cancelled.
    expect([0, 2]).toContain(settled.credits_used);
    const [row] = await eventually(
      () => edge.ledger(created.id),
      (ledger) => ledger.length === 1,
    );
    expect(row?.outcome).toBe(settled.credits_used === 2 ? "charged" : "refunded");
    expect((await edge.generate(created.key, { prompt: "a fox", n: 1 })).status).toBe(200);
  });

  it("all backends down → 503 no_backend with Retry-After, no internal addresses leaked", async () => {
    const created = await dead.createKey();
    const response = await dead.generate(created.key, { prompt: "a fox", n: 1 });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const text = await response.text();
    expect(text).toContain("no_backend");
    expect(text).not.toContain("127.0.0.1");
    expect(await usageOf(dead, created.key)).toMatchObject({ credits_used: 0, credits_reserved: 0 });
  });
});
