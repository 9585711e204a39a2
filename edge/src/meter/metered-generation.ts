// The metering of one generation: reserve its credits in the key's meter, send it to a backend, then
// charge what the backend used (or refund everything on any failure), and write the ledger row of each
// outcome. Its collaborators are interfaces, so it runs the same against the Durable Object meter and D1
// in the Worker and against in-memory ones in unit tests.
import { reserveCreditsFor, TinyscaleError } from "@tinyscale/shared";
import type { KeyLimits } from "../keys/key-record.js";
import type { Meter } from "./meter.js";
import type { IdempotencyClaim, MeterSnapshot, StoredResponse } from "./meter-types.js";
import type { LedgerRow, UsageLedger } from "./usage-ledger.js";

/** What a backend answered, ready to send on, keep for replays and charge for. */
export interface BackendAnswer {
  response: StoredResponse;
  /** Credits the backend reports it used; null when it did not say (the reservation is charged). */
  creditsUsed: number | null;
  nRun: number | null;
  backend: string;
  backendMs: number;
}

/** Sends the planned generation to a backend; a TinyscaleError is a failure the caller is told about. */
export type SendToBackend = () => Promise<BackendAnswer>;

export interface MeteredGenerationDeps {
  meter: Pick<Meter, "admit" | "settle" | "refund">;
  ledger: UsageLedger;
  /**
   * Keeps `work` running to the end even if the client disconnects (the Worker's waitUntil), so a
   * reservation is always settled and every ledger row written.
   */
  keepAlive(work: Promise<unknown>): void;
  /** Where a failed ledger write is reported; the request it describes has already been answered. */
  logError(message: string): void;
  now(): number;
}

export interface MeteredRequest {
  keyId: string;
  limits: KeyLimits;
  /** The id the meter and the ledger key this request by (unique even when the client reuses its id). */
  accountingId: string;
  receivedAtMs: number;
  idempotency: IdempotencyClaim | undefined;
  /** Candidates planned: the reservation is the most this request can cost. */
  n: number;
  /** How long the reservation may stay open before the meter assumes the Worker died and frees it. */
  leaseMs: number;
  /** Marks the end of each phase for Server-Timing: meter, backend, settle. */
  phases?: { mark(phase: string): void };
}

export type MeteredOutcome =
  | { kind: "served"; response: StoredResponse; snapshot: MeterSnapshot }
  | { kind: "replayed"; response: StoredResponse; snapshot: MeterSnapshot }
  | { kind: "denied"; error: TinyscaleError; snapshot: MeterSnapshot }
  | {
      kind: "failed";
      /** What the client is told; internal_error when the failure was not one of ours. */
      error: TinyscaleError;
      cause: unknown;
      snapshot: MeterSnapshot;
    };

type LedgerFields = Omit<LedgerRow, "requestId" | "keyId" | "idempotencyKey" | "startedAt" | "durationMs">;

/** The ledger fields of a request that never reached a backend, or whose backend answer was not kept. */
const unforwarded = (n: number) => ({
  creditsCharged: 0,
  nRequested: n,
  nRun: null,
  backend: null,
  backendMs: null,
});

export class MeteredGeneration {
  constructor(private readonly deps: MeteredGenerationDeps) {}

  async run(request: MeteredRequest, send: SendToBackend): Promise<MeteredOutcome> {
    const { meter } = this.deps;
    const credits = reserveCreditsFor(request.n);
    const admission = await meter.admit(request.keyId, {
      requestId: request.accountingId,
      limits: request.limits,
      credits,
      leaseMs: request.leaseMs,
      ...(request.idempotency ? { idempotency: request.idempotency } : {}),
    });
    request.phases?.mark("meter");
    if (admission.kind === "denied") {
      const error = new TinyscaleError(admission.code, admission.message, {
        ...(admission.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: admission.retryAfterSeconds }
          : {}),
      });
      this.record(request, {
        ...unforwarded(request.n),
        outcome: "denied",
        status: error.status,
        code: error.code,
        creditsReserved: 0,
      });
      return { kind: "denied", error, snapshot: admission.snapshot };
    }
    if (admission.kind === "replay") {
      this.record(request, {
        ...unforwarded(request.n),
        outcome: "replayed",
        status: admission.response.status,
        code: null,
        creditsReserved: 0,
      });
      return { kind: "replayed", response: admission.response, snapshot: admission.snapshot };
    }
    const settled = this.forwardAndSettle(request, credits, send);
    this.deps.keepAlive(settled);
    return settled;
  }

  private async forwardAndSettle(
    request: MeteredRequest,
    credits: number,
    send: SendToBackend,
  ): Promise<MeteredOutcome> {
    const { meter } = this.deps;
    try {
      const answer = await send();
      request.phases?.mark("backend");
      const settlement = await meter.settle(request.keyId, {
        requestId: request.accountingId,
        limits: request.limits,
        credits: answer.creditsUsed ?? credits,
        ...(request.idempotency ? { response: answer.response } : {}),
      });
      this.record(request, {
        outcome: "charged",
        status: answer.response.status,
        code: null,
        creditsReserved: credits,
        creditsCharged: settlement.charged,
        nRequested: request.n,
        nRun: answer.nRun,
        backend: answer.backend,
        backendMs: answer.backendMs,
      });
      request.phases?.mark("settle");
      return { kind: "served", response: answer.response, snapshot: settlement.snapshot };
    } catch (cause) {
      const refund = await meter.refund(request.keyId, request.accountingId, request.limits);
      const error =
        cause instanceof TinyscaleError
          ? cause
          : new TinyscaleError("internal_error", "forwarding failed unexpectedly");
      this.record(request, {
        ...unforwarded(request.n),
        outcome: "refunded",
        status: error.status,
        code: error.code,
        creditsReserved: credits,
      });
      return { kind: "failed", error, cause, snapshot: refund.snapshot };
    }
  }

  /**
   * Ledger rows are written in the background, never awaited: D1's primary may be far from this colo,
   * and the meter (not the ledger) is what enforces the quota.
   */
  private record(request: MeteredRequest, fields: LedgerFields): void {
    const { ledger, keepAlive, logError, now } = this.deps;
    const write = ledger
      .record({
        requestId: request.accountingId,
        keyId: request.keyId,
        idempotencyKey: request.idempotency?.key ?? null,
        startedAt: new Date(request.receivedAtMs).toISOString(),
        durationMs: now() - request.receivedAtMs,
        ...fields,
      })
      .catch((error: unknown) => logError(`ledger write failed: ${String(error)}`));
    keepAlive(write);
  }
}
