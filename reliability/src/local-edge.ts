// The edge Worker inside workerd (miniflare) with a local D1 and the KeyMeter Durable Object — the same
// options as edge's startLocalEdge — plus what this suite needs: workerd's stdout/stderr captured for
// the "no key in logs" checks, admin helpers, and direct reads of the D1 usage ledger for audits.
import type { Readable } from "node:stream";
import { applyMigrations, localMiniflareOptions } from "@tinyscale/edge";
import type { CreateKeyRequestInput, CreateKeyResponse, UsageResponse } from "@tinyscale/shared";
import { Miniflare } from "miniflare";
import { SIGNING_SECRET } from "./backend-process.js";
import { type Exchange, HangError, jsonOf, send, type Tally } from "./http-call.js";
import { EDGE_BUNDLE } from "./paths.js";

export const ADMIN_TOKEN = "reliability-admin-token-0123456789";

export interface LedgerRow {
  /** The request's X-Request-Id (the ledger's own id without any "~suffix" the edge adds for uniqueness). */
  request_id: string;
  /** The row's id as stored. */
  ledger_id: string;
  key_id: string;
  outcome: string;
  status: number;
  code: string | null;
  credits_reserved: number;
  credits_charged: number;
  n_requested: number | null;
  n_run: number | null;
  idempotency_key: string | null;
}

export interface Edge {
  url: string;
  mf: Miniflare;
  /** Everything workerd wrote to stdout/stderr (the Worker's console lines). */
  logs: string[];
  tally: Tally;
  call(path: string, init?: RequestInit & { key?: string }, timeoutMs?: number): Promise<Exchange>;
  createKey(request?: Partial<CreateKeyRequestInput>): Promise<CreateKeyResponse>;
  revoke(keyId: string): Promise<Exchange>;
  usage(key: string): Promise<UsageResponse>;
  generate(
    key: string,
    body: unknown,
    headers?: Record<string, string>,
    timeoutMs?: number,
  ): Promise<Exchange>;
  ledger(keyId?: string): Promise<LedgerRow[]>;
  close(): Promise<void>;
}

export async function startEdge(
  backends: string[],
  tally: Tally,
  vars: Record<string, string> = {},
): Promise<Edge> {
  const logs: string[] = [];
  const options = localMiniflareOptions(
    { backends, signingSecret: SIGNING_SECRET, adminToken: ADMIN_TOKEN, vars },
    EDGE_BUNDLE,
  );
  const mf = new Miniflare({
    ...options,
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
      stderr.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
    },
  });
  const url = (await mf.ready).origin;
  await applyMigrations(await mf.getD1Database("DB"));

  async function readLedger(keyId?: string): Promise<LedgerRow[]> {
    const db = await mf.getD1Database("DB");
    const columns =
      "request_id, key_id, outcome, status, code, credits_reserved, credits_charged, n_requested, n_run, idempotency_key";
    const statement = keyId
      ? db.prepare(`SELECT ${columns} FROM usage_ledger WHERE key_id = ?`).bind(keyId)
      : db.prepare(`SELECT ${columns} FROM usage_ledger`);
    const rows = (await statement.all<Omit<LedgerRow, "ledger_id">>()).results as Omit<
      LedgerRow,
      "ledger_id"
    >[];
    return rows.map(
      (row): LedgerRow => ({
        ...row,
        ledger_id: row.request_id,
        request_id: row.request_id.split("~")[0] ?? "",
      }),
    );
  }

  const call: Edge["call"] = (path, init = {}, timeoutMs) => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== undefined) headers.set("authorization", `Bearer ${key}`);
    if (rest.body !== undefined && !headers.has("content-type"))
      headers.set("content-type", "application/json");
    return send(tally, `${url}${path}`, { ...rest, headers }, timeoutMs);
  };
  return {
    url,
    mf,
    logs,
    tally,
    call,
    async createKey(request = {}) {
      const exchange = await call("/admin/keys", {
        method: "POST",
        key: ADMIN_TOKEN,
        body: JSON.stringify({
          name: "reliability",
          credits_quota: 1_000_000,
          rpm: 100_000,
          burst: 10_000,
          max_concurrent: 64,
          ...request,
        }),
      });
      if (exchange.status !== 201)
        throw new Error(`creating a key failed: ${exchange.status} ${exchange.text}`);
      return jsonOf<CreateKeyResponse>(exchange);
    },
    revoke: (keyId) => call(`/admin/keys/${keyId}`, { method: "DELETE", key: ADMIN_TOKEN }),
    async usage(key) {
      const exchange = await call("/v1/usage", { key });
      if (exchange.status !== 200)
        throw new Error(`GET /v1/usage failed: ${exchange.status} ${exchange.text}`);
      return jsonOf<UsageResponse>(exchange);
    },
    generate: (key, body, headers = {}, timeoutMs) =>
      call(
        "/v1/generate",
        { method: "POST", key, headers, body: typeof body === "string" ? body : JSON.stringify(body) },
        timeoutMs,
      ),
    ledger: (keyId) => withTimeout(readLedger(keyId), 20_000, "reading the D1 usage ledger"),
    close: () => mf.dispose(),
  };
}

/** Polls until `check` holds or the time is up (ledger rows are written after the response). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Rejects when `work` takes longer than `ms`: a stuck runtime must fail the test, not hang it. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HangError(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
