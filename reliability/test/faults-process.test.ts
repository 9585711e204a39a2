// Faults injected into a real backend process behind the edge: SIGKILL mid-request, SIGSTOP past the
// deadline, every backend down, the client hanging up. Each time the client gets a retryable error (or
// its result) and the key pays nothing beyond what actually ran.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendProcess, startBackendProcess, waitReady } from "../src/backend-process.js";
import { typedError } from "../src/error-shape.js";
import { ledgerRow, RETRYABLE, unchanged, untilRunning } from "../src/faults.js";
import { Tally } from "../src/http-call.js";
import { type Edge, eventually, startEdge } from "../src/local-edge.js";
import { writeSection } from "../src/results.js";

// Batches of one make a 64-candidate clip request seconds long: time to strike while it runs.
const SLOW_BACKEND = { env: { TINYSCALE_MAX_BATCH: "1" } };
const LONG = { prompt: "a long fox", n: 64, verifier: "clip" } as const;
const tally = new Tally();
const injected: Record<string, number> = {};
const inject = (fault: string) => {
  injected[fault] = (injected[fault] ?? 0) + 1;
};
/** What each drill observed, for the report. */
const observed: Record<string, unknown> = {};
let backend: BackendProcess;
let edge: Edge;
/** Same backend, but the edge gives up after 1.5 s + 0.5 s margin: the "slow past the deadline" case. */
let impatient: Edge;

beforeAll(async () => {
  backend = await startBackendProcess(SLOW_BACKEND);
  edge = await startEdge([backend.url], tally);
  impatient = await startEdge([backend.url], tally, { DEFAULT_TIMEOUT_MS: "1500", TIMEOUT_MARGIN_MS: "500" });
});

afterAll(async () => {
  writeSection("faults-process", {
    faults_injected: Object.values(injected).reduce((sum, n) => sum + n, 0),
    by_fault: injected,
    observed,
    // 5xx here are the designed, retryable answers to injected faults (502/503/504), never a 500.
    http_500s: tally.count((s) => s === 500),
    hangs: tally.hangs,
    responses: tally.toJSON(),
  });
  await Promise.all([edge?.close(), impatient?.close()]);
  await backend?.stop();
});

/** A backend on the same port as the killed one, so the edge's configured URL works again. */
async function restart(): Promise<void> {
  backend = await startBackendProcess({ ...SLOW_BACKEND, port: backend.port });
  // The edge skips a backend that refused a connection for 5 s; wait until it forwards again.
  const probe = await edge.createKey({ name: "probe" });
  const ok = await eventually(
    () => edge.generate(probe.key, { prompt: "are you back", n: 1 }),
    (exchange) => exchange.status === 200,
    20_000,
  );
  expect(ok.status).toBe(200);
}

describe("backend process faults", () => {
  it("SIGKILL mid-request → a retryable 502/503 with Retry-After when 503, and the key is refunded", async () => {
    const key = await edge.createKey({ name: "killed" });
    const before = await edge.usage(key.key);
    const pending = edge.generate(key.key, LONG, { "x-request-id": "fault-kill-1" });
    await untilRunning(backend.url);
    inject("backend_sigkill_mid_request");
    backend.kill("SIGKILL");
    const answer = await pending;
    observed.sigkill = { status: answer.status, code: typedError(answer).code, ms: Math.round(answer.ms) };
    expect(RETRYABLE.has(answer.status), `${answer.status} ${answer.text}`).toBe(true);
    expect(typedError(answer).ok).toBe(true);
    if (answer.status === 503) expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(unchanged(before, await edge.usage(key.key))).toEqual({ used: 0, reserved: 0 });
    const row = await ledgerRow(edge, key.id, "fault-kill-1");
    expect([row?.outcome, row?.credits_charged]).toEqual(["refunded", 0]);
  });

  it("every backend down → 503 no_backend with Retry-After, nothing charged", async () => {
    const key = await edge.createKey({ name: "down" });
    const before = await edge.usage(key.key);
    inject("all_backends_down");
    const answer = await edge.generate(key.key, { prompt: "anyone there", n: 2 });
    expect([answer.status, typedError(answer).code]).toEqual([503, "no_backend"]);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(unchanged(before, await edge.usage(key.key))).toEqual({ used: 0, reserved: 0 });
    await restart();
  });

  it("backend frozen (SIGSTOP) past the deadline → 504 deadline_exceeded and a refund; it recovers", async () => {
    const key = await impatient.createKey({ name: "frozen" });
    const before = await impatient.usage(key.key);
    const pending = impatient.generate(key.key, LONG, { "x-request-id": "fault-stop-1" });
    await untilRunning(backend.url);
    inject("backend_sigstop_past_deadline");
    backend.kill("SIGSTOP");
    let answer: Awaited<typeof pending>;
    try {
      answer = await pending;
    } finally {
      backend.kill("SIGCONT");
    }
    observed.sigstop = { status: answer.status, code: typedError(answer).code, ms: Math.round(answer.ms) };
    expect([answer.status, typedError(answer).code]).toEqual([504, "deadline_exceeded"]);
    expect(answer.ms).toBeLessThan(5_000);
    expect(unchanged(before, await impatient.usage(key.key))).toEqual({ used: 0, reserved: 0 });
    const row = await ledgerRow(impatient, key.id, "fault-stop-1");
    expect([row?.outcome, row?.credits_charged]).toEqual(["refunded", 0]);
    // Thawed, the backend finishes its (already refunded) work and serves again.
    await waitReady(backend.url);
    const later = await eventually(
      () => impatient.generate(key.key, { prompt: "thawed", n: 1 }),
      (exchange) => exchange.status === 200,
      20_000,
    );
    expect(later.status).toBe(200);
  });

  it("client disconnects mid-request → the work finishes or stops, charged at most what ran", async () => {
    const key = await edge.createKey({ name: "hung up" });
    const before = await edge.usage(key.key);
    const controller = new AbortController();
    const pending = edge.call("/v1/generate", {
      method: "POST",
      key: key.key,
      body: JSON.stringify(LONG),
      headers: { "x-request-id": "fault-abort-1" },
      signal: controller.signal,
    });
    await untilRunning(backend.url);
    inject("client_abort_mid_request");
    controller.abort();
    await expect(pending).rejects.toThrow();
    // The edge settles the reservation on its own (waitUntil): charged for what ran, or refunded.
    const row = await ledgerRow(edge, key.id, "fault-abort-1");
    expect(row, "the aborted request was settled in the ledger").toBeDefined();
    observed.client_abort = {
      outcome: row?.outcome,
      credits_charged: row?.credits_charged,
      n_run: row?.n_run,
      n_requested: row?.n_requested,
    };
    if (row?.outcome === "charged") expect(row.credits_charged).toBe((row.n_run ?? Number.NaN) + 1);
    else expect([row?.outcome, row?.credits_charged]).toEqual(["refunded", 0]);
    const after = await eventually(
      () => edge.usage(key.key),
      (u) => u.credits_reserved === 0,
    );
    expect(after.credits_used - before.credits_used).toBe(row?.credits_charged);
    await eventually(
      async () => (await fetch(`${backend.url}/healthz`)).json() as Promise<{ in_flight: number }>,
      (load) => load.in_flight === 0,
      20_000,
    );
  });

  it("no answer hung: every request above got a response within its timeout", () => {
    expect(tally.hangs).toBe(0);
    expect(tally.count((s) => s === 500)).toBe(0);
  });
});
