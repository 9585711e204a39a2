// The D1 usage ledger: one row per metered request (admitted, denied or replayed) with credits
// reserved and charged, the outcome and timings — the record billing and audits are built from.

export interface LedgerRow {
  requestId: string;
  keyId: string;
  idempotencyKey: string | null;
  /** charged | refunded | denied | replayed */
  outcome: "charged" | "refunded" | "denied" | "replayed";
  status: number;
  code: string | null;
  creditsReserved: number;
  creditsCharged: number;
  nRequested: number | null;
  nRun: number | null;
  backend: string | null;
  startedAt: string;
  durationMs: number;
  backendMs: number | null;
}

export interface UsageLedger {
  record(row: LedgerRow): Promise<void>;
}

export class D1UsageLedger implements UsageLedger {
  constructor(private readonly db: D1Database) {}

  async record(row: LedgerRow): Promise<void> {
    await this.db
      .prepare(
        `INSERT OR REPLACE INTO usage_ledger (request_id, key_id, idempotency_key, outcome, status, code,
          credits_reserved, credits_charged, n_requested, n_run, backend, started_at, duration_ms, backend_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        row.requestId,
        row.keyId,
        row.idempotencyKey,
        row.outcome,
        row.status,
        row.code,
        row.creditsReserved,
        row.creditsCharged,
        row.nRequested,
        row.nRun,
        row.backend,
        row.startedAt,
        Math.round(row.durationMs),
        row.backendMs === null ? null : Math.round(row.backendMs),
      )
      .run();
  }
}
