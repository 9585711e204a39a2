// What the Worker and the per-key meter Durable Object exchange over RPC: admission requests and
// results, settlements, and the key's live counters that feed /v1/usage and the RateLimit headers.
import type { KeyLimits } from "../keys/key-record.js";

export interface IdempotencyClaim {
  key: string;
  /** SHA-256 of method, path and raw body: the same key with another body is a 422. */
  fingerprint: string;
}

export interface AdmitRequest {
  requestId: string;
  limits: KeyLimits;
  credits: number;
  /** How long the reservation may stay open before the meter assumes the Worker died and frees it. */
  leaseMs: number;
  idempotency?: IdempotencyClaim;
}

export interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

export interface MeterSnapshot {
  rpm: number;
  burst: number;
  tokens: number;
  /** 0 when a token is there now, else the wait for one (Retry-After of a 429). */
  secondsUntilToken: number;
  /** The RateLimit field's `t`: seconds within which no more than `tokens` requests can be made. */
  secondsUntilNextToken: number;
  maxConcurrent: number;
  inFlight: number;
  creditsQuota: number;
  creditsUsed: number;
  creditsReserved: number;
  creditsRemaining: number;
  requests: number;
  periodStartMs: number;
  periodEndMs: number;
  nowMs: number;
}

export type AdmitResult =
  | { kind: "admitted"; snapshot: MeterSnapshot }
  | { kind: "replay"; response: StoredResponse; snapshot: MeterSnapshot }
  | {
      kind: "denied";
      code:
        | "rate_limited"
        | "concurrency_limited"
        | "quota_exceeded"
        | "idempotency_in_flight"
        | "idempotency_mismatch";
      message: string;
      retryAfterSeconds?: number;
      snapshot: MeterSnapshot;
    };

/** A keyed route that spends no credits (plan, models, usage) still spends one rate-limit token. */
export type TakeResult =
  | { kind: "taken"; snapshot: MeterSnapshot }
  | { kind: "denied"; retryAfterSeconds: number; snapshot: MeterSnapshot };

export interface SettleRequest {
  requestId: string;
  limits: KeyLimits;
  /** Credits the backend reports it used; capped at the reservation so the quota can never be overspent. */
  credits: number;
  /** Kept for Idempotency-Key replays when the request carried one. */
  response?: StoredResponse;
}

export interface SettleResult {
  charged: number;
  reserved: number;
  snapshot: MeterSnapshot;
}

export interface RefundResult {
  refunded: number;
  snapshot: MeterSnapshot;
}
