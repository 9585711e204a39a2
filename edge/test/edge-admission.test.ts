// The edge's own admission under a burst: each budget request admitted for a backend adds its least work
// to that backend's predicted wait at once, so when more arrive together than the budget leaves room for,
// the edge refuses the rest itself — 503 overloaded + Retry-After, nothing forwarded, reserved or charged —
// instead of forwarding them for the backend to refuse. Once the admitted ones are answered, their work no
// longer counts and the next request is admitted. When the backend reports its own admission terms (a lead
// kept ahead of each new candidate, a slowdown of its costs), the edge counts them as the backend would and
// admits fewer. Likewise for the backend's capacity (max_in_flight on /healthz): requests beyond it are
// refused at the edge, whatever they ask for.

import type { UsageResponse } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOAD_TTL_MS } from "../src/backends/backend-pool.js";
import { backendWork } from "../src/backends/backend-work.js";
import { SIGNING_SECRET, startTestEdge, type TestEdge } from "./helpers/edge-fixture.js";
import { FAKE_PROFILE, type FakeBackend, startFakeBackend } from "./helpers/fake-backend.js";

let backend: FakeBackend;
let edge: TestEdge;

const BUDGET_MS = 400;
const NETWORK_MARGIN_MS = 20; // the edge's default

beforeAll(async () => {
  backend = await startFakeBackend(SIGNING_SECRET);
  backend.delayMs = 300; // each admitted request stays on the backend long enough for the burst to arrive
  edge = await startTestEdge([backend.url]);
});
afterAll(async () => {
  await edge?.close();
  await backend?.close();
});

/** Has the edge read the backend's /healthz now: after its refresh interval when the report changed since. */
async function readLoadNow(key: string, afterRefreshInterval: boolean): Promise<void> {
  if (afterRefreshInterval) await new Promise((resolve) => setTimeout(resolve, LOAD_TTL_MS + 50));
  const plan = await edge.fetch("/v1/plan", {
    method: "POST",
    key,
    body: JSON.stringify({ budget_ms: BUDGET_MS }),
  });
  expect(plan.status).toBe(200);
}

/** How many of a burst are admitted: each adds `leastMs` to the wait behind `leadMs` while the budget leaves room. */
function burstFit(leadMs: number, leastMs: number): number {
  return Math.floor((BUDGET_MS - NETWORK_MARGIN_MS - leadMs - leastMs) / leastMs) + 1;
}

describe("a burst larger than the budget leaves room for", () => {
  it("is admitted up to what fits and the rest refused at the edge, charging nothing for them", async () => {
    const created = await edge.createKey({ max_concurrent: 100, rpm: 10_000, burst: 1_000 });
    // Read the backend's load now (it reports no wait), so the whole burst is counted against this report.
    await readLoadNow(created.key, false);
    const { leastWorkMs, stepMs } = backendWork(FAKE_PROFILE, "vhs", 1);
    const fit = burstFit(stepMs, leastWorkMs);
    const burst = fit + 6;
    const sentBefore = backend.received.length;
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        edge.generate(created.key, { prompt: `a fox ${i}`, budget_ms: BUDGET_MS }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get("retry-after"),
          body: (await r.json()) as { error?: { code: string }; usage?: { credits: number } },
        })),
      ),
    );
    const served = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 503);
    expect(served.length + refused.length).toBe(burst);
    // The edge's own time before the check can only admit fewer, never more.
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(fit);
    for (const answer of refused) {
      expect(answer.body.error?.code).toBe("overloaded");
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Only the admitted ones reached the backend; the refused ones reserved and cost nothing.
    expect(backend.received.length - sentBefore).toBe(served.length);
    const charged = served.reduce((sum, a) => sum + (a.body.usage?.credits ?? 0), 0);
    const usage = (await (await edge.fetch("/v1/usage", { key: created.key })).json()) as UsageResponse;
    expect(usage.credits_reserved).toBe(0);
    expect(usage.credits_used).toBe(charged);

    // Answered requests no longer count: the next one is admitted.
    const next = await edge.generate(created.key, { prompt: "a fox after the burst", budget_ms: BUDGET_MS });
    expect(next.status).toBe(200);
  });
});

describe("a backend that reports its admission terms", () => {
  it("has a burst admitted only up to what fits as the backend counts it", async () => {
    const created = await edge.createKey({ max_concurrent: 100, rpm: 10_000, burst: 1_000 });
    const lead = 60;
    const slowdown = 2;
    backend.admission = { leadMs: lead, slowdown };
    try {
      await readLoadNow(created.key, true);
      const { leastWorkMs, stepMs } = backendWork(FAKE_PROFILE, "vhs", 1);
      // Each admitted request now adds its least work at the backend's speed, behind the backend's lead.
      const fit = burstFit(lead, leastWorkMs * slowdown);
      const fitAtProfiledSpeed = burstFit(stepMs, leastWorkMs);
      expect(fit).toBeLessThan(fitAtProfiledSpeed);
      const sentBefore = backend.received.length;
      const answers = await Promise.all(
        Array.from({ length: fitAtProfiledSpeed }, (_, i) =>
          edge.generate(created.key, { prompt: `a lark ${i}`, budget_ms: BUDGET_MS }).then((r) => r.status),
        ),
      );
      const served = answers.filter((status) => status === 200).length;
      expect(served + answers.filter((status) => status === 503).length).toBe(answers.length);
      expect(served).toBeGreaterThanOrEqual(1);
      expect(served).toBeLessThanOrEqual(fit);
      expect(backend.received.length - sentBefore).toBe(served);
    } finally {
      backend.admission = null;
    }
  });
});

describe("a burst larger than the backend's reported capacity", () => {
  it("is forwarded up to that capacity and the rest refused at the edge, charging nothing for them", async () => {
    const created = await edge.createKey({ max_concurrent: 100, rpm: 10_000, burst: 1_000 });
    backend.maxInFlight = 2;
    try {
      // The burst meets the new capacity: /v1/plan reads /healthz again past its refresh interval.
      await readLoadNow(created.key, true);
      const sentBefore = backend.received.length;
      // Explicit n, no budget: only the capacity can refuse these.
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          edge.generate(created.key, { prompt: `a hen ${i}`, n: 1 }).then(async (r) => ({
            status: r.status,
            retryAfter: r.headers.get("retry-after"),
            body: (await r.json()) as {
              error?: { code: string; message: string };
              usage?: { credits: number };
            },
          })),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
      const refused = answers.filter((a) => a.status === 503);
      expect(refused).toHaveLength(4);
      for (const answer of refused) {
        expect(answer.body.error?.code).toBe("overloaded");
        expect(answer.body.error?.message).toContain("as many requests as it takes (2)");
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      expect(backend.received.length - sentBefore).toBe(2);
      const usage = (await (await edge.fetch("/v1/usage", { key: created.key })).json()) as UsageResponse;
      expect(usage.credits_reserved).toBe(0);
      expect(usage.credits_used).toBe(2 * 2); // n = 1: one candidate + the finished image each

      // Once they are answered, there is room again.
      expect((await edge.generate(created.key, { prompt: "a hen after the burst", n: 1 })).status).toBe(200);
    } finally {
      backend.maxInFlight = null;
    }
  });
});
