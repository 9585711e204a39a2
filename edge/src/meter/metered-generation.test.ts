// The metering of a generation without workerd: the real MeteredGeneration against an in-memory meter
// and ledger, with a backend that answers, under-runs, fails or throws on cue.
import { TinyscaleError } from "@tinyscale/shared";
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryLedger } from "../../test/helpers/in-memory-ledger.js";
import { InMemoryMeter } from "../../test/helpers/in-memory-meter.js";
import type { KeyLimits } from "../keys/key-record.js";
import { type BackendAnswer, MeteredGeneration, type MeteredRequest } from "./metered-generation.js";

const LIMITS: KeyLimits = { rpm: 60, burst: 10, maxConcurrent: 4, creditsQuota: 10, period: "day" };

let meter: InMemoryMeter;
let ledger: InMemoryLedger;
let background: Promise<unknown>[];
let logged: string[];
let metered: MeteredGeneration;

beforeEach(() => {
  meter = new InMemoryMeter();
  ledger = new InMemoryLedger();
  background = [];
  logged = [];
  metered = new MeteredGeneration({
    meter,
    ledger,
    keepAlive: (work) => background.push(work),
    logError: (message) => logged.push(message),
    now: () => 1_250,
  });
});

/** Every background write has landed: what the Worker's waitUntil would wait for. */
const settled = () => Promise.all(background);

function request(overrides: Partial<MeteredRequest> = {}): MeteredRequest {
  return {
    keyId: "key_1",
    limits: LIMITS,
    accountingId: "req_1",
    receivedAtMs: 1_000,
    idempotency: undefined,
    n: 2,
    leaseMs: 30_000,
    ...overrides,
  };
}

function answer(creditsUsed: number | null, nRun: number | null = 2): BackendAnswer {
  return {
    response: {
      status: 200,
      headers: [["content-type", "application/json"]],
      body: new Uint8Array([123, 125]).buffer, // "{}"
    },
    creditsUsed,
    nRun,
    backend: "http://backend-a",
    backendMs: 40,
  };
}

describe("a metered generation", () => {
  it("reserves n + 1 credits, charges what the backend used and writes one charged row", async () => {
    let reservedWhileRunning = -1;
    const outcome = await metered.run(request(), async () => {
      reservedWhileRunning = meter.reserved();
      return answer(3);
    });
    await settled();
    expect(reservedWhileRunning).toBe(3);
    expect(outcome.kind).toBe("served");
    expect(outcome.snapshot).toMatchObject({ creditsUsed: 3, creditsReserved: 0, creditsRemaining: 7 });
    expect(ledger.rows).toEqual([
      {
        requestId: "req_1",
        keyId: "key_1",
        idempotencyKey: null,
        startedAt: new Date(1_000).toISOString(),
        durationMs: 250,
        outcome: "charged",
        status: 200,
        code: null,
        creditsReserved: 3,
        creditsCharged: 3,
        nRequested: 2,
        nRun: 2,
        backend: "http://backend-a",
        backendMs: 40,
      },
    ]);
  });

  it("charges less when the backend ran fewer candidates, and the reservation when it does not say", async () => {
    await metered.run(request({ accountingId: "req_fewer" }), async () => answer(2, 1));
    await metered.run(request({ accountingId: "req_silent" }), async () => answer(null, null));
    await settled();
    expect(ledger.rows.map((row) => [row.requestId, row.creditsCharged])).toEqual([
      ["req_fewer", 2],
      ["req_silent", 3],
    ]);
    expect(meter.used).toBe(5);
  });

  it("never charges more than it reserved", async () => {
    const outcome = await metered.run(request(), async () => answer(99));
    expect(outcome.snapshot.creditsUsed).toBe(3);
  });

  it("refunds everything when the backend fails, and says which of our errors it was", async () => {
    const failure = new TinyscaleError("backend_error", "the backend failed");
    const outcome = await metered.run(request(), async () => {
      throw failure;
    });
    await settled();
    expect(outcome).toMatchObject({ kind: "failed", error: failure, cause: failure });
    expect(outcome.snapshot).toMatchObject({ creditsUsed: 0, creditsReserved: 0, creditsRemaining: 10 });
    expect(
      ledger.rows.map((row) => [row.outcome, row.code, row.creditsReserved, row.creditsCharged]),
    ).toEqual([["refunded", "backend_error", 3, 0]]);
  });

  it("turns an unexpected exception into internal_error, keeping the original as the cause", async () => {
    const bug = new TypeError("undefined is not a function");
    const outcome = await metered.run(request(), async () => {
      throw bug;
    });
    expect(outcome.kind).toBe("failed");
    if (outcome.kind !== "failed") return;
    expect(outcome.error.code).toBe("internal_error");
    expect(outcome.cause).toBe(bug);
    expect(meter.reserved()).toBe(0);
  });

  it("denies over the quota without calling the backend, and records the denial", async () => {
    let calls = 0;
    const send = async () => {
      calls += 1;
      return answer(3);
    };
    const big = await metered.run(request({ n: 12 }), send);
    await settled();
    expect(calls).toBe(0);
    expect(big.kind).toBe("denied");
    if (big.kind !== "denied") return;
    expect([big.error.code, big.error.status]).toEqual(["quota_exceeded", 402]);
    expect(ledger.rows.map((row) => [row.outcome, row.code, row.creditsReserved])).toEqual([
      ["denied", "quota_exceeded", 0],
    ]);
  });

  it("replays an Idempotency-Key's stored answer without a second call or charge", async () => {
    const idempotency = { key: "order-1", fingerprint: "f1" };
    let calls = 0;
    const send = async () => {
      calls += 1;
      return answer(3);
    };
    const first = await metered.run(request({ idempotency }), send);
    const again = await metered.run(request({ idempotency, accountingId: "req_2" }), send);
    await settled();
    expect(calls).toBe(1);
    expect(again).toMatchObject({
      kind: "replayed",
      response: first.kind === "served" ? first.response : null,
    });
    expect(meter.used).toBe(3);
    expect(ledger.rows.map((row) => [row.requestId, row.outcome, row.idempotencyKey])).toEqual([
      ["req_1", "charged", "order-1"],
      ["req_2", "replayed", "order-1"],
    ]);
  });

  it("frees the Idempotency-Key when the first try failed, so the retry runs", async () => {
    const idempotency = { key: "order-2", fingerprint: "f2" };
    await metered.run(request({ idempotency }), async () => {
      throw new TinyscaleError("deadline_exceeded", "too slow");
    });
    const retry = await metered.run(request({ idempotency, accountingId: "req_2" }), async () => answer(3));
    expect(retry.kind).toBe("served");
  });

  it("keeps the settlement running in the background and marks each phase", async () => {
    const phases: string[] = [];
    await metered.run(request({ phases: { mark: (phase) => phases.push(phase) } }), async () => answer(3));
    expect(phases).toEqual(["meter", "backend", "settle"]);
    // The forward-and-settle work and the ledger write were both handed to keepAlive.
    expect(background).toHaveLength(2);
  });

  it("answers even when the ledger cannot be written, and reports the failed write", async () => {
    ledger.failing = true;
    const outcome = await metered.run(request(), async () => answer(3));
    await settled();
    expect(outcome.kind).toBe("served");
    expect(logged).toEqual(["ledger write failed: Error: the ledger database is unreachable"]);
  });
});
