// The SQLite tables inside one key's meter Durable Object and the small synchronous reads/writes on
// them. Every call runs inside the object's single thread, so read-then-write here cannot interleave.

/** Replays are kept this long; after that the key may be reused for a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// DO SQLite rows are capped at 2 MB; images are stored in chunks well under that.
const CHUNK_BYTES = 512 * 1024;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), tokens REAL NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS period (id INTEGER PRIMARY KEY CHECK (id = 1), start_ms INTEGER NOT NULL, used INTEGER NOT NULL, requests INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reservations (request_id TEXT PRIMARY KEY, credits INTEGER NOT NULL, expires_ms INTEGER NOT NULL, idem_key TEXT);
CREATE TABLE IF NOT EXISTS idempotency (idem_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, request_id TEXT NOT NULL, state TEXT NOT NULL, status INTEGER, headers TEXT, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_chunks (idem_key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (idem_key, seq));
CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (expires_ms);
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_ms);
`;

export interface Reservation {
  request_id: string;
  credits: number;
  idem_key: string | null;
}

export interface IdempotencyRow {
  idem_key: string;
  fingerprint: string;
  request_id: string;
  state: "in_flight" | "done";
  status: number | null;
  headers: string | null;
}

export class MeterStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  bucket(burst: number, nowMs: number): { tokens: number; updatedMs: number } {
    const row = this.sql
      .exec<{ tokens: number; updated_ms: number }>("SELECT tokens, updated_ms FROM bucket")
      .toArray()[0];
    // A new key starts with a full bucket.
    return row ? { tokens: row.tokens, updatedMs: row.updated_ms } : { tokens: burst, updatedMs: nowMs };
  }

  saveBucket(tokens: number, updatedMs: number): void {
    this.sql.exec(
      "INSERT OR REPLACE INTO bucket (id, tokens, updated_ms) VALUES (1, ?, ?)",
      tokens,
      updatedMs,
    );
  }

  /** The current period's counters, reset when the period (or the key's period kind) moved on. */
  period(startMs: number): { used: number; requests: number } {
    const row = this.sql
      .exec<{ start_ms: number; used: number; requests: number }>(
        "SELECT start_ms, used, requests FROM period",
      )
      .toArray()[0];
    if (row && row.start_ms === startMs) return { used: row.used, requests: row.requests };
    this.sql.exec(
      "INSERT OR REPLACE INTO period (id, start_ms, used, requests) VALUES (1, ?, 0, 0)",
      startMs,
    );
    return { used: 0, requests: 0 };
  }

  addUsage(startMs: number, credits: number): void {
    this.period(startMs);
    this.sql.exec("UPDATE period SET used = used + ?, requests = requests + 1 WHERE id = 1", credits);
  }

  /** Frees reservations whose Worker never came back (crash, eviction) so they stop holding credits. */
  expireLeases(nowMs: number): void {
    const stale = this.sql
      .exec<{ idem_key: string | null }>("SELECT idem_key FROM reservations WHERE expires_ms <= ?", nowMs)
      .toArray();
    for (const { idem_key } of stale) if (idem_key) this.deleteIdempotency(idem_key);
    this.sql.exec("DELETE FROM reservations WHERE expires_ms <= ?", nowMs);
    const expired = this.sql
      .exec<{ idem_key: string }>("SELECT idem_key FROM idempotency WHERE expires_ms <= ?", nowMs)
      .toArray();
    for (const { idem_key } of expired) this.deleteIdempotency(idem_key);
  }

  reservedTotals(): { count: number; credits: number } {
    const row = this.sql
      .exec<{ count: number; credits: number | null }>(
        "SELECT COUNT(*) AS count, SUM(credits) AS credits FROM reservations",
      )
      .toArray()[0];
    return { count: row?.count ?? 0, credits: row?.credits ?? 0 };
  }

  reserve(requestId: string, credits: number, expiresMs: number, idemKey: string | null): void {
    this.sql.exec(
      "INSERT INTO reservations (request_id, credits, expires_ms, idem_key) VALUES (?, ?, ?, ?)",
      requestId,
      credits,
      expiresMs,
      idemKey,
    );
  }

  takeReservation(requestId: string): Reservation | null {
    const row = this.sql
      .exec<{ request_id: string; credits: number; idem_key: string | null }>(
        "SELECT request_id, credits, idem_key FROM reservations WHERE request_id = ?",
        requestId,
      )
      .toArray()[0];
    if (!row) return null;
    this.sql.exec("DELETE FROM reservations WHERE request_id = ?", requestId);
    return { ...row };
  }

  idempotency(idemKey: string): IdempotencyRow | null {
    const row = this.sql
      .exec<{
        idem_key: string;
        fingerprint: string;
        request_id: string;
        state: string;
        status: number | null;
        headers: string | null;
      }>(
        "SELECT idem_key, fingerprint, request_id, state, status, headers FROM idempotency WHERE idem_key = ?",
        idemKey,
      )
      .toArray()[0];
    if (!row) return null;
    return { ...row, state: row.state === "done" ? "done" : "in_flight" };
  }

  claimIdempotency(idemKey: string, fingerprint: string, requestId: string, nowMs: number): void {
    this.sql.exec(
      "INSERT INTO idempotency (idem_key, fingerprint, request_id, state, expires_ms) VALUES (?, ?, ?, 'in_flight', ?)",
      idemKey,
      fingerprint,
      requestId,
      nowMs + IDEMPOTENCY_TTL_MS,
    );
  }

  completeIdempotency(idemKey: string, status: number, headers: [string, string][], body: ArrayBuffer): void {
    this.sql.exec(
      "UPDATE idempotency SET state = 'done', status = ?, headers = ? WHERE idem_key = ?",
      status,
      JSON.stringify(headers),
      idemKey,
    );
    this.sql.exec("DELETE FROM idempotency_chunks WHERE idem_key = ?", idemKey);
    for (let offset = 0, seq = 0; offset < body.byteLength || seq === 0; offset += CHUNK_BYTES, seq++) {
      this.sql.exec(
        "INSERT INTO idempotency_chunks (idem_key, seq, data) VALUES (?, ?, ?)",
        idemKey,
        seq,
        body.slice(offset, offset + CHUNK_BYTES),
      );
    }
  }

  storedBody(idemKey: string): ArrayBuffer {
    const chunks = this.sql
      .exec<{ data: ArrayBuffer }>(
        "SELECT data FROM idempotency_chunks WHERE idem_key = ? ORDER BY seq",
        idemKey,
      )
      .toArray();
    const total = chunks.reduce((sum, chunk) => sum + chunk.data.byteLength, 0);
    const body = new Uint8Array(total);
    let offset = 0;
    for (const { data } of chunks) {
      body.set(new Uint8Array(data), offset);
      offset += data.byteLength;
    }
    return body.buffer;
  }

  deleteIdempotency(idemKey: string): void {
    this.sql.exec("DELETE FROM idempotency WHERE idem_key = ?", idemKey);
    this.sql.exec("DELETE FROM idempotency_chunks WHERE idem_key = ?", idemKey);
  }
}
