// Auth attacks against the running stack: wrong keys all look alike, a revoked key is refused on its very
// next request, admin routes refuse API keys, the backend refuses unsigned/tampered/replayed/stale
// requests — and no key or secret ever shows up in a response body or in either process's logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, postGenerate, signedHeaders } from "../src/backend-calls.js";
import { BACKEND_TOKEN, SIGNING_SECRET } from "../src/backend-process.js";
import { typedError } from "../src/error-shape.js";
import { type Exchange, jsonOf } from "../src/http-call.js";
import { ADMIN_TOKEN } from "../src/local-edge.js";
import { metricTotal } from "../src/metrics.js";
import { writeSection } from "../src/results.js";
import { type Stack, startStack } from "../src/stack.js";

let stack: Stack;
const bodies: string[] = [];
const secrets: string[] = [SIGNING_SECRET, BACKEND_TOKEN, ADMIN_TOKEN];
let attacks = 0;

function code(exchange: Exchange): string | null {
  bodies.push(exchange.text, [...exchange.headers].map(([k, v]) => `${k}: ${v}`).join("\n"));
  attacks++;
  return typedError(exchange).code;
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  writeSection("auth-attacks", {
    bad_inputs_tried: attacks,
    http_500s: stack?.tally.count((s) => s === 500) ?? 0,
    hangs: stack?.tally.hangs ?? 0,
    responses: stack?.tally.toJSON(),
  });
  await stack?.close();
});

describe("edge: API keys", () => {
  it("wrong keys — one character off, truncated, extended, random — get the same 401, naming no key", async () => {
    const created = await stack.edge.createKey({ name: "victim" });
    secrets.push(created.key);
    const key = created.key;
    const wrong = [
      `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`,
      `${key.slice(0, 8)}${"A".repeat(32)}`,
      key.slice(0, -1),
      `${key}A`,
      key.replace("ts_live_", "ts_test_"),
      key.toUpperCase(),
    ];
    const answers = new Set<string>();
    for (const guess of wrong) {
      secrets.push(guess);
      const exchange = await stack.edge.call("/v1/usage", { key: guess });
      expect(exchange.status).toBe(401);
      expect(code(exchange)).toBe("invalid_api_key");
      const { error } = jsonOf<{ error: { message: string } }>(exchange);
      answers.add(error.message.replace(/the API key is (malformed|not valid).*/, "the API key is …"));
      expect(exchange.text).not.toContain(guess);
    }
    // Malformed and unknown keys are told apart only as "malformed" vs "not valid", never by content.
    expect(answers.size).toBe(1);
  });

  it("a revoked key is refused on its next request, and that request costs nothing", async () => {
    const created = await stack.edge.createKey({ name: "to revoke" });
    secrets.push(created.key);
    expect((await stack.edge.call("/v1/usage", { key: created.key })).status).toBe(200);
    const ok = await stack.edge.generate(created.key, { prompt: "a fox before revocation", n: 1, seed: 1 });
    expect(ok.status).toBe(200);
    const used = (await stack.edge.usage(created.key)).credits_used;
    expect((await stack.edge.revoke(created.id)).status).toBe(200);
    const next = await stack.edge.generate(created.key, { prompt: "a fox after revocation", n: 1 });
    expect(next.status).toBe(403);
    expect(code(next)).toBe("key_revoked");
    const usage = await stack.edge.call("/v1/usage", { key: created.key });
    expect(code(usage)).toBe("key_revoked");
    const rows = await stack.edge.ledger(created.id);
    expect(rows.reduce((sum, r) => sum + r.credits_charged, 0)).toBe(used);
  });

  it("admin routes refuse API keys (403), and missing/wrong admin tokens (401)", async () => {
    const created = await stack.edge.createKey({ name: "not an admin" });
    secrets.push(created.key);
    const routes: [string, string, string?][] = [
      ["GET", "/admin/keys"],
      ["POST", "/admin/keys", JSON.stringify({ name: "escalation" })],
      ["PATCH", `/admin/keys/${created.id}`, JSON.stringify({ credits_quota: 1e9 })],
      ["DELETE", `/admin/keys/${created.id}`],
    ];
    for (const [method, path, body] of routes) {
      const init = { method, ...(body ? { body } : {}) };
      expect(code(await stack.edge.call(path, { ...init, key: created.key }))).toBe("forbidden");
      expect(code(await stack.edge.call(path, init))).toBe("missing_admin_token");
      expect(code(await stack.edge.call(path, { ...init, key: `${ADMIN_TOKEN}x` }))).toBe(
        "invalid_admin_token",
      );
    }
    // And the admin token is not an API key.
    expect(code(await stack.edge.call("/v1/usage", { key: ADMIN_TOKEN }))).toBe("invalid_api_key");
    // Nothing changed: the key still has its quota and is not revoked.
    expect((await stack.edge.usage(created.key)).credits_quota).toBe(1_000_000);
  });
});

describe("backend: only signed (or bearer) requests run", () => {
  const body = JSON.stringify({ prompt: "a signed fox", n: 1, seed: 3 });
  let ranBefore = 0;

  beforeAll(async () => {
    ranBefore = await metricTotal(stack.backend.url, "tinyscale_candidates_total");
  });

  it("unsigned, tampered, forged, stale and future-dated requests → 401 invalid_signature, nothing runs", async () => {
    const url = stack.backend.url;
    const good = await signedHeaders(body);
    const cases: [string, string, Record<string, string>][] = [
      ["unsigned", body, {}],
      ["body tampered after signing", body.replace("a signed fox", "a stolen fox"), good],
      ["signed for another path", body, await signedHeaders(body, { path: "/v1/other" })],
      [
        "signed with another secret",
        body,
        await signedHeaders(body, { secret: "not-the-secret-0123456789" }),
      ],
      [
        "timestamp changed",
        body,
        { ...good, "x-tinyscale-timestamp": String(Number(good["x-tinyscale-timestamp"]) + 1) },
      ],
      [
        "signature truncated",
        body,
        { ...good, "x-tinyscale-signature": (good["x-tinyscale-signature"] ?? "").slice(0, -2) },
      ],
      ["stale (90 s old)", body, await signedHeaders(body, { nowMs: Date.now() - 90_000 })],
      ["from the future (90 s ahead)", body, await signedHeaders(body, { nowMs: Date.now() + 90_000 })],
      ["signature without timestamp", body, { "x-tinyscale-signature": good["x-tinyscale-signature"] ?? "" }],
    ];
    for (const [name, sent, headers] of cases) {
      const exchange = await postGenerate(stack.tally, url, sent, headers);
      expect([name, exchange.status, code(exchange)]).toEqual([name, 401, "invalid_signature"]);
    }
    const wrongBearer = await postGenerate(stack.tally, url, body, {
      authorization: `Bearer ${BACKEND_TOKEN}x`,
    });
    expect(wrongBearer.status).toBe(401);
    code(wrongBearer);
    expect(await metricTotal(url, "tinyscale_candidates_total")).toBe(ranBefore);
  });

  it("a replayed signed request is refused; the original ran once", async () => {
    const headers = await signedHeaders(body);
    const first = await postGenerate(stack.tally, stack.backend.url, body, headers);
    expect(first.status).toBe(200);
    const replay = await postGenerate(stack.tally, stack.backend.url, body, headers);
    expect([replay.status, code(replay)]).toEqual([401, "invalid_signature"]);
    expect(await metricTotal(stack.backend.url, "tinyscale_candidates_total")).toBe(ranBefore + 1);
    // The same signed request with a different (unsigned) X-Request-Id is still the same request.
    const forged = await postGenerate(stack.tally, stack.backend.url, body, {
      ...headers,
      "x-request-id": "forged-id-1",
    });
    expect([forged.status, code(forged)]).toEqual([401, "invalid_signature"]);
    // The bearer path still works for direct callers.
    expect((await postGenerate(stack.tally, stack.backend.url, body, bearer)).status).toBe(200);
  });
});

describe("no key or secret in any response or log line", () => {
  it("greps every response, both processes' output and the D1 tables for each plaintext secret", async () => {
    // Paths that do log: a forward to a dead backend (503, logged), a quota refusal, a key in the prompt.
    const created = await stack.edge.createKey({ name: "logged", credits_quota: 2 });
    secrets.push(created.key);
    code(await stack.edge.generate(created.key, { prompt: `my key is ${created.key}`, n: 1 }));
    code(await stack.edge.generate(created.key, { prompt: "over quota", n: 4 }));
    code(await stack.edge.generate(created.key, { prompt: "bad", n: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const db = await stack.edge.mf.getD1Database("DB");
    const stored = await Promise.all(
      ["api_keys", "usage_ledger"].map(async (table) =>
        JSON.stringify((await db.prepare(`SELECT * FROM ${table}`).all()).results),
      ),
    );
    const haystacks = {
      d1_tables: stored.join("\n"),
      responses: bodies.join("\n"),
      backend_logs: stack.backend.output.join(""),
      workerd_logs: stack.edge.logs.join(""),
    };
    expect(haystacks.backend_logs.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(haystacks)) {
        const at = text.indexOf(secret);
        if (at >= 0)
          leaks.push(`${secret.slice(0, 10)}… in ${where}: …${text.slice(Math.max(0, at - 120), at + 60)}`);
      }
    }
    writeSection("auth-leaks", {
      secrets_checked: secrets.length,
      bytes_scanned: Object.values(haystacks).join("").length,
      leaks,
    });
    expect(leaks).toEqual([]);
  });
});

describe("a caller's X-Request-Id that is an API key", () => {
  // The id is echoed, put on every log line, forwarded to the backend and stored as the ledger's
  // request_id: a key pasted there (a client bug) must not be adopted, or it ends up in logs and D1.
  it("is replaced by a generated id, so it reaches no log line and no ledger row", async () => {
    const created = await stack.edge.createKey({ name: "pasted into x-request-id" });
    const exchange = await stack.edge.generate(
      created.key,
      { prompt: "a fox", n: 1, seed: 5 },
      { "x-request-id": created.key },
    );
    expect(exchange.status).toBe(200);
    const rows = await stack.edge.ledger(created.id);
    expect({
      echoed: exchange.headers.get("x-request-id") === created.key,
      in_ledger: rows.some((row) => row.request_id === created.key),
      in_backend_logs: stack.backend.output.join("").includes(created.key),
    }).toEqual({ echoed: false, in_ledger: false, in_backend_logs: false });
  });
});
