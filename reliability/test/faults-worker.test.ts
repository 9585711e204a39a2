// An inference worker thread crashes mid-request (the backend's own drill: an uncaught error between
// graph runs): the client gets a retryable error and a refund, the thread is replaced, later requests
// succeed — through the edge and for a direct caller.
import { type RunningBackend, startBackend } from "@tinyscale/gpu-backend";
import { createLogger } from "@tinyscale/gpu-backend/internals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, postGenerate } from "../src/backend-calls.js";
import { BACKEND_TOKEN, SIGNING_SECRET } from "../src/backend-process.js";
import { typedError } from "../src/error-shape.js";
import { ledgerRow, unchanged, untilRunning } from "../src/faults.js";
import { Tally } from "../src/http-call.js";
import { type Edge, eventually, startEdge } from "../src/local-edge.js";
import { TINY_BUNDLE } from "../src/paths.js";
import { writeSection } from "../src/results.js";

const LONG = { prompt: "a doomed fox", n: 64, verifier: "clip" } as const;
const tally = new Tally();
const logs: string[] = [];
const observed: Record<string, unknown> = {};
let crashes = 0;
let backend: RunningBackend;
let edge: Edge;

beforeAll(async () => {
  backend = await startBackend({
    port: 0,
    bundle: TINY_BUNDLE,
    signingSecret: SIGNING_SECRET,
    backendToken: BACKEND_TOKEN,
    profileRuns: 1,
    intraOpThreads: 1,
    maxBatch: 1,
    logger: createLogger("info", {}, (line) => logs.push(line)),
  });
  edge = await startEdge([backend.url], tally);
});

afterAll(async () => {
  writeSection("faults-worker", {
    faults_injected: crashes,
    by_fault: { worker_thread_crash_mid_request: crashes },
    observed,
    http_500s_through_edge: observed.edge_status === 500 ? 1 : 0,
    hangs: tally.hangs,
    responses: tally.toJSON(),
  });
  await edge?.close();
  await backend?.close();
});

/** Retries until the replacement worker serves (it loads the bundle first). */
async function succeedsAgain(run: () => Promise<{ status: number }>): Promise<number> {
  const last = await eventually(run, (exchange) => exchange.status === 200, 30_000);
  return last.status;
}

describe("worker thread crash", () => {
  it("through the edge: 502 backend_error (retryable), refunded; replaced; the next request succeeds", async () => {
    const key = await edge.createKey({ name: "crash" });
    const before = await edge.usage(key.key);
    const threads = backend.workerThreadIds();
    const pending = edge.generate(key.key, LONG, { "x-request-id": "fault-crash-1" });
    await untilRunning(backend.url);
    crashes++;
    backend.crashWorker(0);
    const answer = await pending;
    observed.edge_status = answer.status;
    observed.edge_code = typedError(answer).code;
    expect([answer.status, typedError(answer).code]).toEqual([502, "backend_error"]);
    expect(unchanged(before, await edge.usage(key.key))).toEqual({ used: 0, reserved: 0 });
    const row = await ledgerRow(edge, key.id, "fault-crash-1");
    expect([row?.outcome, row?.credits_charged]).toEqual(["refunded", 0]);
    expect(await succeedsAgain(() => edge.generate(key.key, { prompt: "after the crash", n: 2 }))).toBe(200);
    expect(backend.workerThreadIds()).not.toEqual(threads);
    expect(logs.join("")).toContain("inference worker crashed; starting a replacement");
  });

  it("direct caller: a retryable error with Retry-After, then success on the replacement", async () => {
    const pending = postGenerate(tally, backend.url, JSON.stringify(LONG), bearer);
    await untilRunning(backend.url);
    crashes++;
    backend.crashWorker(0);
    const answer = await pending;
    // The backend answers internal_error (500) + Retry-After by design (gpu-backend worker-host.ts); the
    // edge turns it into 502 backend_error. Recorded so the report can show it.
    observed.direct_status = answer.status;
    observed.direct_code = typedError(answer).code;
    observed.direct_retry_after = answer.headers.get("retry-after");
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(typedError(answer).ok).toBe(true);
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(
      await succeedsAgain(() =>
        postGenerate(tally, backend.url, JSON.stringify({ prompt: "again", n: 1 }), bearer),
      ),
    ).toBe(200);
    expect(tally.hangs).toBe(0);
  });
});
