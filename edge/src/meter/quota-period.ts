// Credit quota periods: a key's quota refills at the start of each UTC day or month, so the period a
// moment falls in is computed, never stored as a timer that could be missed.
import type { QuotaPeriod } from "../keys/key-record.js";

export interface PeriodBounds {
  startMs: number;
  endMs: number;
}

export function periodBounds(period: QuotaPeriod, nowMs: number): PeriodBounds {
  const now = new Date(nowMs);
  if (period === "day") {
    const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return { startMs, endMs: startMs + 86_400_000 };
  }
  const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const endMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return { startMs, endMs };
}
