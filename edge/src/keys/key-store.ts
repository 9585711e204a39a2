// The key store interface and its D1 implementation: the source of truth for keys, read on every
// request (no isolate cache), so a revoke or a limit change applies to the very next request.
import type { KeyRecord, UpdateKeyRequest } from "@tinyscale/shared";
import type { KeyEnvironment, QuotaPeriod, StoredKey } from "./key-record.js";

export interface NewKey {
  id: string;
  hash: string;
  prefix: string;
  name: string;
  environment: KeyEnvironment;
  rpm: number;
  burst: number;
  max_concurrent: number;
  credits_quota: number;
  period: QuotaPeriod;
  created_at: string;
  expires_at: string | null;
}

export interface KeyStore {
  findByHash(hash: string): Promise<StoredKey | null>;
  get(id: string): Promise<StoredKey | null>;
  list(): Promise<StoredKey[]>;
  create(key: NewKey): Promise<StoredKey>;
  /**
   * Changes a live key. A revoked key is final: its row is left as it is and the outcome says so, which
   * the route answers with 409 revoked_key_immutable. `null` when no key has this id.
   */
  update(id: string, update: UpdateKeyRequest): Promise<KeyUpdateOutcome | null>;
  /** Sets revoked_at once; revoking again keeps the first time. */
  revoke(id: string, at: string): Promise<StoredKey | null>;
}

export type KeyUpdateOutcome = { kind: "updated"; key: StoredKey } | { kind: "revoked"; key: StoredKey };

interface KeyRow {
  id: string;
  hash: string;
  prefix: string;
  name: string;
  environment: string;
  rpm: number;
  burst: number;
  max_concurrent: number;
  credits_quota: number;
  period: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

function fromRow(row: KeyRow): StoredKey {
  return {
    id: row.id,
    hash: row.hash,
    prefix: row.prefix,
    name: row.name,
    environment: row.environment === "test" ? "test" : "live",
    rpm: row.rpm,
    burst: row.burst,
    max_concurrent: row.max_concurrent,
    credits_quota: row.credits_quota,
    period: row.period === "day" ? "day" : "month",
    created_at: row.created_at,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
  };
}

const COLUMNS =
  "id, hash, prefix, name, environment, rpm, burst, max_concurrent, credits_quota, period, created_at, expires_at, revoked_at";

// Fields an UpdateKeyRequest may change, mapped to their column (same names, kept explicit for safety).
const UPDATABLE = [
  "name",
  "rpm",
  "burst",
  "max_concurrent",
  "credits_quota",
  "period",
  "expires_at",
] as const;

export class D1KeyStore implements KeyStore {
  constructor(private readonly db: D1Database) {}

  async findByHash(hash: string): Promise<StoredKey | null> {
    const row = await this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE hash = ?`)
      .bind(hash)
      .first<KeyRow>();
    return row ? fromRow(row) : null;
  }

  async get(id: string): Promise<StoredKey | null> {
    const row = await this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`)
      .bind(id)
      .first<KeyRow>();
    return row ? fromRow(row) : null;
  }

  async list(): Promise<StoredKey[]> {
    const { results } = await this.db
      .prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`)
      .all<KeyRow>();
    return results.map(fromRow);
  }

  async create(key: NewKey): Promise<StoredKey> {
    await this.db
      .prepare(`INSERT INTO api_keys (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`)
      .bind(
        key.id,
        key.hash,
        key.prefix,
        key.name,
        key.environment,
        key.rpm,
        key.burst,
        key.max_concurrent,
        key.credits_quota,
        key.period,
        key.created_at,
        key.expires_at,
      )
      .run();
    return { ...key, revoked_at: null };
  }

  async update(id: string, update: UpdateKeyRequest): Promise<KeyUpdateOutcome | null> {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    for (const field of UPDATABLE) {
      const value = update[field];
      if (value === undefined) continue;
      sets.push(`${field} = ?`);
      values.push(value);
    }
    // One statement guarded by `revoked_at IS NULL`: a revoke that lands first leaves the row untouched.
    const changed =
      sets.length > 0
        ? await this.db
            .prepare(
              `UPDATE api_keys SET ${sets.join(", ")} WHERE id = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`,
            )
            .bind(...values, id)
            .first<KeyRow>()
        : null;
    if (changed) return { kind: "updated", key: fromRow(changed) };
    const current = await this.get(id);
    if (!current) return null;
    return current.revoked_at === null
      ? { kind: "updated", key: current }
      : { kind: "revoked", key: current };
  }

  async revoke(id: string, at: string): Promise<StoredKey | null> {
    await this.db
      .prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")
      .bind(at, id)
      .run();
    return this.get(id);
  }
}

export type { KeyRecord };
