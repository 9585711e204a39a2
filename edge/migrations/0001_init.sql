-- Keys (only SHA-256 hashes + a display prefix) and the per-request usage ledger.
-- Applied with `wrangler d1 migrations apply` in production and by startLocalEdge locally.
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  name TEXT NOT NULL,
  environment TEXT NOT NULL CHECK (environment IN ('live', 'test')),
  rpm INTEGER NOT NULL,
  burst INTEGER NOT NULL,
  max_concurrent INTEGER NOT NULL,
  credits_quota INTEGER NOT NULL,
  period TEXT NOT NULL CHECK (period IN ('day', 'month')),
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);

CREATE TABLE IF NOT EXISTS usage_ledger (
  request_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  idempotency_key TEXT,
  outcome TEXT NOT NULL,
  status INTEGER NOT NULL,
  code TEXT,
  credits_reserved INTEGER NOT NULL,
  credits_charged INTEGER NOT NULL,
  n_requested INTEGER,
  n_run INTEGER,
  backend TEXT,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  backend_ms INTEGER
);

CREATE INDEX IF NOT EXISTS usage_ledger_key_time ON usage_ledger (key_id, started_at);
