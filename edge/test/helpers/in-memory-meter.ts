// An in-memory meter for unit tests of what uses one: the KeyMeter's credit rules (reservations held
// until settled or refunded, the quota counting both, a charge capped at the reservation) and its
// Idempotency-Key records (in flight, done with a stored response, a different body refused). Rate and
// concurrency limits are the Durable Object's own tests' business and are not modelled here.
import type { KeyLimits } from "../../src/keys/key-record.js";
import type { Meter } from "../../src/meter/meter.js";
import type {
  AdmitRequest,
  AdmitResult,
  MeterSnapshot,
  RefundResult,
  SettleRequest,
  SettleResult,
  StoredResponse,
  TakeResult,
} from "../../src/meter/meter-types.js";

interface Reservation {
  credits: number;
  idempotencyKey: string | null;
}

interface IdempotencyRecord {
  fingerprint: string;
  response: StoredResponse | null;
}

export class InMemoryMeter implements Meter {
  readonly reservations = new Map<string, Reservation>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  used = 0;
  requests = 0;

  async admit(_keyId: string, request: AdmitRequest): Promise<AdmitResult> {
    const { limits, idempotency } = request;
    if (idempotency) {
      const existing = this.idempotency.get(idempotency.key);
      if (existing && existing.fingerprint !== idempotency.fingerprint) {
        return this.deny(limits, "idempotency_mismatch", "another body");
      }
      if (existing?.response)
        return { kind: "replay", response: existing.response, snapshot: this.snapshot(limits) };
      if (existing) return this.deny(limits, "idempotency_in_flight", "still running", 1);
    }
    if (request.credits > this.remaining(limits))
      return this.deny(limits, "quota_exceeded", "quota exhausted");
    this.reservations.set(request.requestId, {
      credits: request.credits,
      idempotencyKey: idempotency?.key ?? null,
    });
    if (idempotency)
      this.idempotency.set(idempotency.key, { fingerprint: idempotency.fingerprint, response: null });
    return { kind: "admitted", snapshot: this.snapshot(limits) };
  }

  async settle(_keyId: string, request: SettleRequest): Promise<SettleResult> {
    const reservation = this.reservations.get(request.requestId);
    this.reservations.delete(request.requestId);
    const charged = reservation ? Math.max(0, Math.min(request.credits, reservation.credits)) : 0;
    if (reservation) {
      this.used += charged;
      this.requests += 1;
      const key = reservation.idempotencyKey;
      const record = key === null ? undefined : this.idempotency.get(key);
      if (key !== null && record) {
        if (request.response) record.response = request.response;
        else this.idempotency.delete(key);
      }
    }
    return { charged, reserved: reservation?.credits ?? 0, snapshot: this.snapshot(request.limits) };
  }

  async refund(_keyId: string, requestId: string, limits: KeyLimits): Promise<RefundResult> {
    const reservation = this.reservations.get(requestId);
    this.reservations.delete(requestId);
    if (reservation?.idempotencyKey) this.idempotency.delete(reservation.idempotencyKey);
    return { refunded: reservation?.credits ?? 0, snapshot: this.snapshot(limits) };
  }

  /** Rate limits are not modelled here (see above): every token is granted. */
  async take(_keyId: string, limits: KeyLimits): Promise<TakeResult> {
    return { kind: "taken", snapshot: this.snapshot(limits) };
  }

  async usage(_keyId: string, limits: KeyLimits): Promise<MeterSnapshot> {
    return this.snapshot(limits);
  }

  reserved(): number {
    return [...this.reservations.values()].reduce((sum, r) => sum + r.credits, 0);
  }

  private remaining(limits: KeyLimits): number {
    return Math.max(0, limits.creditsQuota - this.used - this.reserved());
  }

  private deny(
    limits: KeyLimits,
    code: Extract<AdmitResult, { kind: "denied" }>["code"],
    message: string,
    retryAfterSeconds?: number,
  ): AdmitResult {
    return {
      kind: "denied",
      code,
      message,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      snapshot: this.snapshot(limits),
    };
  }

  private snapshot(limits: KeyLimits): MeterSnapshot {
    return {
      rpm: limits.rpm,
      burst: limits.burst,
      tokens: limits.burst,
      secondsUntilToken: 0,
      secondsUntilNextToken: Math.max(1, Math.ceil(60 / limits.rpm)),
      maxConcurrent: limits.maxConcurrent,
      inFlight: this.reservations.size,
      creditsQuota: limits.creditsQuota,
      creditsUsed: this.used,
      creditsReserved: this.reserved(),
      creditsRemaining: this.remaining(limits),
      requests: this.requests,
      periodStartMs: 0,
      periodEndMs: 86_400_000,
      nowMs: 0,
    };
  }
}
