// One local edge per test file: the bundle built by global setup, a fake (or real) backend pool,
// and helpers to mint keys through the admin API and call routes with them.
import type { CreateKeyRequestInput, CreateKeyResponse } from "@tinyscale/shared";
import { EDGE_PATHS } from "../../src/local/paths.js";
import { type LocalEdge, startLocalEdge } from "../../src/local/start-local-edge.js";

export const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";
export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export interface TestEdge extends LocalEdge {
  fetch(path: string, init?: RequestInit & { key?: string }): Promise<Response>;
  createKey(request?: Partial<CreateKeyRequestInput>): Promise<CreateKeyResponse>;
  generate(key: string, body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  ledger(keyId: string): Promise<LedgerRecord[]>;
}

export interface LedgerRecord {
  request_id: string;
  outcome: string;
  status: number;
  code: string | null;
  credits_reserved: number;
  credits_charged: number;
}

export async function startTestEdge(
  backends: string[],
  vars: Record<string, string> = {},
): Promise<TestEdge> {
  const { SIGNING_SECRET: signingSecret = SIGNING_SECRET, ...rest } = vars;
  const edge = await startLocalEdge({
    backends,
    signingSecret,
    adminToken: ADMIN_TOKEN,
    scriptPath: EDGE_PATHS.bundle,
    vars: rest,
  });
  const call = async (path: string, init: RequestInit & { key?: string } = {}): Promise<Response> => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== undefined) headers.set("authorization", `Bearer ${key}`);
    if (rest.body !== undefined && !headers.has("content-type"))
      headers.set("content-type", "application/json");
    // Real HTTP to the edge on 127.0.0.1, as any client would reach it.
    return fetch(`${edge.url}${path}`, { ...rest, headers });
  };
  return {
    ...edge,
    fetch: call,
    async createKey(request = {}) {
      const response = await call("/admin/keys", {
        method: "POST",
        key: ADMIN_TOKEN,
        body: JSON.stringify({ name: "test key", ...request }),
      });
      if (response.status !== 201)
        throw new Error(`creating a key failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as CreateKeyResponse;
    },
    generate(key, body, headers = {}) {
      return call("/v1/generate", { method: "POST", key, headers, body: JSON.stringify(body) });
    },
    async ledger(keyId) {
      const db = await edge.mf.getD1Database("DB");
      const { results } = await db
        .prepare(
          "SELECT request_id, outcome, status, code, credits_reserved, credits_charged FROM usage_ledger WHERE key_id = ? ORDER BY started_at",
        )
        .bind(keyId)
        .all<LedgerRecord>();
      return results as LedgerRecord[];
    },
  };
}

/** Polls until `check` passes: ledger rows are written after the response (waitUntil). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string } };
  return body.error?.code ?? `(no error code, status ${response.status})`;
}
