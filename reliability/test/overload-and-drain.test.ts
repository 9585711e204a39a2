// Designed refusals and a rolling restart: a burst beyond the backend's queue is shed with 503 +
// Retry-After (refunded), and a SIGTERM mid-request drains — the running request completes and is
// charged once — before the process exits; the edge then answers 503 until a new one is up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackendProcess, startBackendProcess } from "../src/backend-process.js";
import { typedError } from "../src/error-shape.js";
import { ledgerRow, untilRunning } from "../src/faults.js";
import { jsonOf, Tally } from "../src/http-call.js";
import { ledgerAudit } from "../src/ledger-check.js";
import { type Edge, eventually, startEdge } from "../src/local-edge.js";
import { writeSection } from "../src/results.js";

const tally = new Tally();
const observed: Record<string, unknown> = {};
let faults = 0;
let backend: BackendProcess;
let edge: Edge;

beforeAll(async () => {
  // One worker, at most one waiting request: a burst of eight must be shed.
  backend = await startBackendProcess({ env: { TINYSCALE_MAX_QUEUE: "1", TINYSCALE_MAX_BATCH: "1" } });
  edge = await startEdge([backend.url], tally);
});

afterAll(async () => {
  writeSection("overload-and-drain", {
    faults_injected: faults,
    observed,
    http_500s: tally.count((s) => s === 500),
    hangs: tally.hangs,
    responses: tally.toJSON(),
  });
  await edge?.close();
  await backend?.stop();
});

describe("load shedding", () => {
  it("a burst beyond the queue → 503 overloaded with Retry-After, refunded; the rest served and charged", async () => {
    const key = await edge.createKey({ name: "burst" });
    faults++;
    const ids = Array.from({ length: 8 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(
      ids.map((id, i) =>
        edge.generate(
          key.key,
          { prompt: `burst fox ${i}`, n: 16, verifier: "clip", seed: i },
          { "x-request-id": id },
        ),
      ),
    );
    const statuses = answers.map((a) => a.status);
    observed.burst_statuses = statuses;
    expect(
      statuses.every((s) => s === 200 || s === 503),
      JSON.stringify(statuses),
    ).toBe(true);
    const shed = answers.filter((a) => a.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    for (const answer of shed) {
      expect(typedError(answer).code).toBe("overloaded");
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    const mismatches = await ledgerAudit(edge, key, ids, answers);
    expect(mismatches).toEqual([]);
  });
});

describe("rolling restart", () => {
  it("SIGTERM mid-request: the request completes and is charged once, then the edge answers 503 no_backend", async () => {
    const key = await edge.createKey({ name: "drained" });
    const pending = edge.generate(
      key.key,
      { prompt: "a fox during shutdown", n: 32, verifier: "clip" },
      { "x-request-id": "drain-1" },
    );
    await untilRunning(backend.url);
    faults++;
    backend.kill("SIGTERM");
    const answer = await pending;
    observed.drain_status = answer.status;
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    const credits = jsonOf<{ usage: { credits: number } }>(answer).usage.credits;
    const row = await ledgerRow(edge, key.id, "drain-1");
    expect([row?.outcome, row?.credits_charged]).toEqual(["charged", credits]);
    expect(await backend.exited).toBe(0);
    const after = await edge.generate(key.key, { prompt: "anyone left", n: 1 });
    observed.after_exit = [after.status, typedError(after).code];
    expect([after.status, typedError(after).code]).toEqual([503, "no_backend"]);
    const usage = await eventually(
      () => edge.usage(key.key),
      (u) => u.credits_reserved === 0,
    );
    expect(usage.credits_used).toBe(credits);
  });
});
