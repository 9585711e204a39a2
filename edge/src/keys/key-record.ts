// A stored API key as the edge uses it (the row behind the admin API's KeyRecord), and the limits
// the per-key meter enforces, derived from it on every request so a PATCH applies at once.
import type { KeyRecord } from "@tinyscale/shared";

export type KeyEnvironment = "live" | "test";
export type QuotaPeriod = "day" | "month";

export interface StoredKey extends KeyRecord {
  hash: string;
}

/** What the meter needs to know about a key; sent with every meter call, never cached there. */
export interface KeyLimits {
  rpm: number;
  burst: number;
  maxConcurrent: number;
  creditsQuota: number;
  period: QuotaPeriod;
}

export function limitsOf(key: KeyRecord): KeyLimits {
  return {
    rpm: key.rpm,
    burst: key.burst,
    maxConcurrent: key.max_concurrent,
    creditsQuota: key.credits_quota,
    period: key.period,
  };
}

/** The public record: everything but the hash. */
export function publicRecord(key: StoredKey): KeyRecord {
  const { hash: _hash, ...record } = key;
  return record;
}
