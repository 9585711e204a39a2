// Shared steps of the fault drills: wait until the backend is really running our request (so a kill or a
// freeze lands mid-request), read one request's ledger row, and check that a key was charged nothing.
import type { UsageResponse } from "@tinyscale/shared";
import { backendLoad } from "./backend-process.js";
import { type Edge, eventually, type LedgerRow } from "./local-edge.js";

/** Resolves once the backend reports a request in flight (or throws after `timeoutMs`). */
export async function untilRunning(backendUrl: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const load = await backendLoad(backendUrl).catch(() => ({ in_flight: 0, queue_depth: 0 }));
    if (load.in_flight > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no request started on ${backendUrl} within ${timeoutMs} ms`);
}

/** The ledger row of `requestId`, waiting for it (rows are written after the response). */
export async function ledgerRow(
  edge: Edge,
  keyId: string,
  requestId: string,
): Promise<LedgerRow | undefined> {
  const rows = await eventually(
    () => edge.ledger(keyId),
    (all) => all.some((row) => row.request_id === requestId),
  );
  return rows.find((row) => row.request_id === requestId);
}

/** Usage that shows a key was charged nothing beyond `before` and holds no reservation. */
export function unchanged(before: UsageResponse, after: UsageResponse): { used: number; reserved: number } {
  return { used: after.credits_used - before.credits_used, reserved: after.credits_reserved };
}

export const RETRYABLE = new Set([502, 503, 504]);
