// Security cases inside workerd: every way an API key or the admin token can be wrong gets its own
// code, a revoke applies on the very next request, and admin routes refuse API keys.
import { ADMIN_TOKEN_SECURITY, API_KEY_SECURITY, EDGE_ROUTES } from "@tinyscale/shared";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, errorCode, type TestEdge } from "./helpers/edge-fixture.js";
import { startEdgeWithFakeBackend } from "./helpers/start-edge-with-fake-backend.js";

let edge: TestEdge;

startEdgeWithFakeBackend((started) => {
  ({ edge } = started);
});

/**
 * `[method, path, body]` of every route in the table behind `scheme`, path parameters filled in. The body
 * is `{}`, which no route accepts: the credential is checked first, so every answer here is about it.
 */
function callsBehind(scheme: string): [string, string, string | undefined][] {
  return EDGE_ROUTES.filter((route) => "security" in route && route.security.some((s) => scheme in s)).map(
    (route) => [
      route.method.toUpperCase(),
      route.path.replace(/\{[^}]+\}/g, "key_123"),
      "request" in route && "body" in route.request ? "{}" : undefined,
    ],
  );
}

const KEYED_ROUTES = callsBehind(API_KEY_SECURITY);

describe("API keys", () => {
  it.each(KEYED_ROUTES)("%s %s without a key → 401 missing_api_key", async (method, path, body) => {
    const response = await edge.fetch(path, { method, ...(body ? { body } : {}) });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await errorCode(response)).toBe("missing_api_key");
  });

  it.each(KEYED_ROUTES)("%s %s with a malformed key → 401 invalid_api_key", async (method, path, body) => {
    for (const bad of ["ts_live_short", "sk-123", "ts_prod_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]) {
      const response = await edge.fetch(path, { method, key: bad, ...(body ? { body } : {}) });
      expect(response.status).toBe(401);
      const json = (await response.json()) as {
        error: { code: string; message: string; request_id: string };
      };
      expect(json.error.code).toBe("invalid_api_key");
      expect(json.error.message).not.toContain(bad);
      expect(json.error.request_id).toBe(response.headers.get("x-request-id"));
    }
  });

  it("a non-Bearer Authorization header is malformed", async () => {
    const response = await edge.fetch("/v1/usage", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("invalid_api_key");
  });

  it("an unknown but well-formed key → 401 invalid_api_key", async () => {
    const response = await edge.fetch("/v1/usage", { key: `ts_live_${"A".repeat(32)}` });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("invalid_api_key");
  });

  it("a revoked key works until revoked, then 403 key_revoked on the next request", async () => {
    const created = await edge.createKey({ name: "to revoke" });
    expect((await edge.generate(created.key, { prompt: "a fox", n: 1 })).status).toBe(200);
    const revoke = await edge.fetch(`/admin/keys/${created.id}`, { method: "DELETE", key: ADMIN_TOKEN });
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();
    for (const [method, path, body] of KEYED_ROUTES) {
      const response = await edge.fetch(path, { method, key: created.key, ...(body ? { body } : {}) });
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe("key_revoked");
    }
  });

  it("an expired key → 401 key_expired", async () => {
    const expiresAt = Date.now() + 2500;
    const created = await edge.createKey({ name: "expires", expires_at: new Date(expiresAt).toISOString() });
    expect((await edge.fetch("/v1/usage", { key: created.key })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 100));
    const response = await edge.generate(created.key, { prompt: "a fox", n: 1 });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("key_expired");
    const past = await edge.createKey({ name: "born expired", expires_at: "2020-01-01T00:00:00Z" });
    expect(await errorCode(await edge.fetch("/v1/usage", { key: past.key }))).toBe("key_expired");
  });

  it("test-environment keys have the ts_test_ prefix and work", async () => {
    const created = await edge.createKey({ environment: "test" });
    expect(created.key).toMatch(/^ts_test_[A-Za-z0-9_-]{32}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect((await edge.fetch("/v1/usage", { key: created.key })).status).toBe(200);
  });
});

describe("admin token", () => {
  const ADMIN_CALLS = callsBehind(ADMIN_TOKEN_SECURITY);

  it("the route table puts every admin route behind the admin token", () => {
    expect(ADMIN_CALLS.map(([method, path]) => `${method} ${path}`).sort()).toEqual(
      EDGE_ROUTES.filter((route) => route.path.startsWith("/admin/"))
        .map((route) => `${route.method.toUpperCase()} ${route.path.replace(/\{[^}]+\}/g, "key_123")}`)
        .sort(),
    );
  });

  it.each(ADMIN_CALLS)("%s %s without a token → 401 missing_admin_token", async (method, path, body) => {
    const response = await edge.fetch(path, { method, ...(body ? { body } : {}) });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("missing_admin_token");
  });

  it.each(ADMIN_CALLS)("%s %s with a wrong token → 401 invalid_admin_token", async (method, path, body) => {
    const response = await edge.fetch(path, { method, key: `${ADMIN_TOKEN}x`, ...(body ? { body } : {}) });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe("invalid_admin_token");
  });

  it("admin routes refuse a valid API key with 403 forbidden", async () => {
    const created = await edge.createKey();
    const response = await edge.fetch("/admin/keys", { key: created.key });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("forbidden");
  });

  it("stores only the hash: the plaintext is never listed again", async () => {
    const created = await edge.createKey({ name: "listed" });
    const list = await edge.fetch("/admin/keys", { key: ADMIN_TOKEN });
    const text = await list.text();
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain('"hash"');
    const db = await edge.mf.getD1Database("DB");
    const row = await db
      .prepare("SELECT * FROM api_keys WHERE id = ?")
      .bind(created.id)
      .first<Record<string, unknown>>();
    expect(Object.values(row ?? {})).not.toContain(created.key);
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
