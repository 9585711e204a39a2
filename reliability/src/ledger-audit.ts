// The ledger audit: every answer the load run saw, checked against the edge's D1 usage ledger and each
// key's meter. A 200 must be charged exactly its usage.credits once (a replay: nothing); a refusal or a
// failure nothing; an unanswered request charged or refunded, never both; meter totals = ledger totals.
import type { UsageResponse } from "@tinyscale/shared";
import type { Observed } from "./load-run.js";
import type { LedgerRow } from "./local-edge.js";

export interface AuditInput {
  issued: Map<string, { keyId: string; kind: string }>;
  observed: Map<string, Observed>;
  ledger: LedgerRow[];
  usage: Map<string, UsageResponse>;
}

export interface AuditReport {
  mismatches: string[];
  charged_requests: number;
  refunded_requests: number;
  replayed_requests: number;
  unanswered_requests: number;
  ledger_rows: number;
  credits_charged: number;
  /** Ledger rows counted by "outcome status code", e.g. "refunded 502 backend_error". */
  by_outcome: Record<string, number>;
  unanswered_examples: string[];
}

export function auditLedger(input: AuditInput): AuditReport {
  const mismatches: string[] = [];
  const rows = new Map(input.ledger.map((row) => [row.request_id, row]));
  const generationKinds = new Set(["generate", "budget", "bytes", "idempotent"]);

  for (const [id, seen] of input.observed) {
    if (!generationKinds.has(seen.kind)) continue;
    const row = rows.get(id);
    if (seen.status === 200) {
      if (seen.replayed) {
        if (row && (row.outcome !== "replayed" || row.credits_charged !== 0))
          mismatches.push(`${id}: replay charged ${row.credits_charged} (${row.outcome})`);
        continue;
      }
      if (!row) mismatches.push(`${id}: 200 without a ledger row`);
      else if (row.outcome !== "charged" || row.credits_charged !== seen.credits) {
        mismatches.push(
          `${id}: 200 reporting ${seen.credits} credits, ledger ${row.outcome} ${row.credits_charged}`,
        );
      }
    } else if (row && row.credits_charged !== 0) {
      mismatches.push(`${id}: answered ${seen.status} but charged ${row.credits_charged} (${row.outcome})`);
    }
  }

  let unanswered = 0;
  const unansweredExamples: string[] = [];
  for (const row of input.ledger) {
    const sent = input.issued.get(row.request_id);
    if (!sent) mismatches.push(`${row.request_id}: ledger row for a request never sent`);
    else if (sent.keyId !== row.key_id)
      mismatches.push(`${row.request_id}: charged to ${row.key_id}, sent with ${sent.keyId}`);
    if (!input.observed.has(row.request_id)) {
      unanswered++;
      if (unansweredExamples.length < 10)
        unansweredExamples.push(`${row.request_id} ${sent?.kind} ${row.outcome} ${row.status} ${row.code}`);
      const ok = (row.outcome === "charged" && row.credits_charged > 0) || row.credits_charged === 0;
      if (!ok) mismatches.push(`${row.request_id}: unanswered, ledger ${row.outcome} ${row.credits_charged}`);
    }
    if (row.credits_charged > row.credits_reserved) {
      mismatches.push(`${row.request_id}: charged ${row.credits_charged} > reserved ${row.credits_reserved}`);
    }
  }

  for (const [keyId, usage] of input.usage) {
    const ledgerTotal = input.ledger
      .filter((r) => r.key_id === keyId)
      .reduce((sum, r) => sum + r.credits_charged, 0);
    if (usage.credits_used !== ledgerTotal)
      mismatches.push(`${keyId}: meter used ${usage.credits_used}, ledger ${ledgerTotal}`);
    if (usage.credits_used > usage.credits_quota)
      mismatches.push(`${keyId}: used ${usage.credits_used} > quota ${usage.credits_quota}`);
    if (usage.credits_reserved !== 0)
      mismatches.push(`${keyId}: ${usage.credits_reserved} credits still reserved`);
  }

  return {
    mismatches,
    charged_requests: input.ledger.filter((r) => r.outcome === "charged").length,
    refunded_requests: input.ledger.filter((r) => r.outcome === "refunded").length,
    replayed_requests: input.ledger.filter((r) => r.outcome === "replayed").length,
    unanswered_requests: unanswered,
    ledger_rows: input.ledger.length,
    credits_charged: input.ledger.reduce((sum, r) => sum + r.credits_charged, 0),
    by_outcome: countBy(input.ledger.map((r) => `${r.outcome} ${r.status} ${r.code ?? ""}`.trim())),
    unanswered_examples: unansweredExamples,
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
