// KeyMeter: one SQLite-backed Durable Object per API key, the serial owner of its rate-limit bucket,
// concurrency slots, credit reservations and Idempotency-Key records. Each RPC method runs to the end
// without awaiting, inside one storage transaction, so concurrent requests cannot interleave.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../config/env.js";
import type { KeyLimits } from "../keys/key-record.js";
import { MeterStore } from "./meter-store.js";
import type {
  AdmitRequest,
  AdmitResult,
  MeterSnapshot,
  RefundResult,
  SettleRequest,
  SettleResult,
  TakeResult,
} from "./meter-types.js";
import { periodBounds } from "./quota-period.js";
import { refill, secondsUntilNextToken, secondsUntilToken } from "./token-bucket.js";

export class KeyMeter extends DurableObject<Env> {
  private readonly store: MeterStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new MeterStore(ctx.storage.sql);
  }

  admit(request: AdmitRequest): AdmitResult {
    return this.ctx.storage.transactionSync(() => this.admitNow(request, Date.now()));
  }

  take(limits: KeyLimits): TakeResult {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      this.store.expireLeases(now);
      const bucket = refill(this.store.bucket(limits.burst, now), limits.rpm, limits.burst, now);
      if (bucket.tokens < 1) {
        this.store.saveBucket(bucket.tokens, bucket.updatedMs);
        const retryAfterSeconds = secondsUntilToken(bucket.tokens, limits.rpm);
        return { kind: "denied", retryAfterSeconds, snapshot: this.snapshot(limits, now) };
      }
      this.store.saveBucket(bucket.tokens - 1, now);
      return { kind: "taken", snapshot: this.snapshot(limits, now) };
    });
  }

  settle(request: SettleRequest): SettleResult {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const reservation = this.store.takeReservation(request.requestId);
      // No reservation means its lease expired and the credits were already freed: charging now could
      // push the key past its quota, so nothing is charged (the ledger row records this).
      const charged = reservation ? Math.max(0, Math.min(request.credits, reservation.credits)) : 0;
      if (reservation) {
        this.store.addUsage(periodBounds(request.limits.period, now).startMs, charged);
        if (reservation.idem_key) {
          if (request.response) {
            const { status, headers, body } = request.response;
            this.store.completeIdempotency(reservation.idem_key, status, headers, body);
          } else {
            this.store.deleteIdempotency(reservation.idem_key);
          }
        }
      }
      return { charged, reserved: reservation?.credits ?? 0, snapshot: this.snapshot(request.limits, now) };
    });
  }

  refund(requestId: string, limits: KeyLimits): RefundResult {
    return this.ctx.storage.transactionSync(() => {
      const reservation = this.store.takeReservation(requestId);
      // A failed request leaves its Idempotency-Key free, so the client's retry runs it again.
      if (reservation?.idem_key) this.store.deleteIdempotency(reservation.idem_key);
      return { refunded: reservation?.credits ?? 0, snapshot: this.snapshot(limits, Date.now()) };
    });
  }

  usage(limits: KeyLimits): MeterSnapshot {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      this.store.expireLeases(now);
      return this.snapshot(limits, now);
    });
  }

  private admitNow(request: AdmitRequest, now: number): AdmitResult {
    const { limits, idempotency } = request;
    this.store.expireLeases(now);

    // Idempotency first: a replay or a conflict costs neither a token nor credits.
    if (idempotency) {
      const existing = this.store.idempotency(idempotency.key);
      if (existing && existing.fingerprint !== idempotency.fingerprint) {
        return this.deny(
          limits,
          now,
          "idempotency_mismatch",
          "this Idempotency-Key was used with a different request body",
        );
      }
      if (existing?.state === "in_flight") {
        return this.deny(
          limits,
          now,
          "idempotency_in_flight",
          "a request with this Idempotency-Key is still running",
          1,
        );
      }
      if (existing?.state === "done") {
        const response = {
          status: existing.status ?? 200,
          headers: JSON.parse(existing.headers ?? "[]") as [string, string][],
          body: this.store.storedBody(existing.idem_key),
        };
        return { kind: "replay", response, snapshot: this.snapshot(limits, now) };
      }
    }

    const bucket = refill(this.store.bucket(limits.burst, now), limits.rpm, limits.burst, now);
    this.store.saveBucket(bucket.tokens, bucket.updatedMs);
    if (bucket.tokens < 1) {
      const wait = secondsUntilToken(bucket.tokens, limits.rpm);
      return this.deny(
        limits,
        now,
        "rate_limited",
        `rate limit of ${limits.rpm} requests per minute exceeded`,
        wait,
      );
    }
    const reserved = this.store.reservedTotals();
    if (reserved.count >= limits.maxConcurrent) {
      return this.deny(
        limits,
        now,
        "concurrency_limited",
        `at most ${limits.maxConcurrent} requests may run at once for this key`,
        1,
      );
    }
    const bounds = periodBounds(limits.period, now);
    const { used } = this.store.period(bounds.startMs);
    const remaining = limits.creditsQuota - used - reserved.credits;
    if (request.credits > remaining) {
      return this.deny(
        limits,
        now,
        "quota_exceeded",
        `this request needs ${request.credits} credits but only ${Math.max(0, remaining)} of the period's ` +
          `${limits.creditsQuota} remain (refills ${new Date(bounds.endMs).toISOString()})`,
      );
    }

    this.store.saveBucket(bucket.tokens - 1, now);
    this.store.reserve(request.requestId, request.credits, now + request.leaseMs, idempotency?.key ?? null);
    if (idempotency)
      this.store.claimIdempotency(idempotency.key, idempotency.fingerprint, request.requestId, now);
    return { kind: "admitted", snapshot: this.snapshot(limits, now) };
  }

  private deny(
    limits: KeyLimits,
    now: number,
    code: Extract<AdmitResult, { kind: "denied" }>["code"],
    message: string,
    retryAfterSeconds?: number,
  ): AdmitResult {
    const denied: AdmitResult = { kind: "denied", code, message, snapshot: this.snapshot(limits, now) };
    if (retryAfterSeconds !== undefined) denied.retryAfterSeconds = retryAfterSeconds;
    return denied;
  }

  private snapshot(limits: KeyLimits, now: number): MeterSnapshot {
    const bucket = refill(this.store.bucket(limits.burst, now), limits.rpm, limits.burst, now);
    const bounds = periodBounds(limits.period, now);
    const { used, requests } = this.store.period(bounds.startMs);
    const reserved = this.store.reservedTotals();
    return {
      rpm: limits.rpm,
      burst: limits.burst,
      tokens: Math.floor(bucket.tokens),
      secondsUntilToken: secondsUntilToken(bucket.tokens, limits.rpm),
      secondsUntilNextToken: secondsUntilNextToken(bucket.tokens, limits.rpm, limits.burst),
      maxConcurrent: limits.maxConcurrent,
      inFlight: reserved.count,
      creditsQuota: limits.creditsQuota,
      creditsUsed: used,
      creditsReserved: reserved.credits,
      creditsRemaining: Math.max(0, limits.creditsQuota - used - reserved.credits),
      requests,
      periodStartMs: bounds.startMs,
      periodEndMs: bounds.endMs,
      nowMs: now,
    };
  }
}
