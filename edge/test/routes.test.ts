// The remaining routes inside workerd: plan, models, usage, the OpenAPI document and /docs page, the
// admin key lifecycle, 404/405 in the shared error shape, and a clear 500 when bindings are wrong.
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { allowedMethods, EDGE_ROUTES } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_PATHS } from "../src/local/paths.js";
import { startLocalEdge } from "../src/local/start-local-edge.js";
import {
  ADMIN_TOKEN,
  errorCode,
  SIGNING_SECRET,
  startTestEdge,
  type TestEdge,
} from "./helpers/edge-fixture.js";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.js";

let backend: FakeBackend;
let edge: TestEdge;

beforeAll(async () => {
  backend = await startFakeBackend(SIGNING_SECRET);
  edge = await startTestEdge([backend.url], {
    DEFAULT_KEY_LIMITS: '{"rpm":120,"burst":5,"credits_quota":50}',
  });
});
afterAll(async () => {
  await edge?.close();
  await backend?.close();
});

/** Every path the edge serves, path parameters filled in. */
function servedPaths(): string[] {
  return [...new Set(EDGE_ROUTES.map((route) => route.path.replace(/\{[^}]+\}/g, "key_x")))];
}

/** fetch refuses TRACE (a forbidden method): node:http sends it as any client could. */
function rawRequest(url: string, method: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    sent.on("error", reject);
    sent.end();
  });
}

describe("public routes", () => {
  it("POST /v1/plan returns n for a budget from the backend's profile, without charging", async () => {
    const created = await edge.createKey();
    const response = await edge.fetch("/v1/plan", {
      method: "POST",
      key: created.key,
      body: '{"budget_ms":100}',
    });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as Record<string, unknown>;
    expect(plan).toMatchObject({ n: 4, predicted_ms: 74, budget_ms: 100, network_margin_ms: 20, max_n: 16 });
    expect(plan.breakdown).toMatchObject({ text_encode: 2, propose: 30, finish: 40, image_encode: 2 });
    expect(response.headers.get("ratelimit-policy")).toMatch(/^"rpm";q=5;/);
    // The plan itself spent one of the 5 tokens; at 120 rpm the next comes within 1 s.
    expect(response.headers.get("ratelimit")).toMatch(/^"rpm";r=4;t=1, "credits";r=50;/);
    const usage = (await (await edge.fetch("/v1/usage", { key: created.key })).json()) as {
      credits_used: number;
    };
    expect(usage.credits_used).toBe(0);
    const tooSmall = await edge.fetch("/v1/plan", {
      method: "POST",
      key: created.key,
      body: '{"budget_ms":60}',
    });
    expect(await errorCode(tooSmall)).toBe("budget_too_small");
  });

  it("GET /v1/usage reports the key's period, limits and RateLimit headers", async () => {
    const created = await edge.createKey({ period: "day" });
    const response = await edge.fetch("/v1/usage", { key: created.key });
    expect(response.status).toBe(200);
    const usage = (await response.json()) as Record<string, unknown>;
    expect(usage).toMatchObject({
      key_id: created.id,
      credits_quota: 50,
      credits_used: 0,
      credits_reserved: 0,
      credits_remaining: 50,
      requests: 0,
      rate_limit: { rpm: 120, burst: 5 },
    });
    const start = Date.parse(String(usage.period_start));
    expect(Date.parse(String(usage.period_end)) - start).toBe(86_400_000);
    expect(response.headers.get("ratelimit-policy")).toBe(
      '"rpm";q=5;w=3, "credits";q=50;w=86400;ts-unit="credits"',
    );
  });

  it("GET /v1/models lists what the backends serve, to key holders", async () => {
    expect((await edge.fetch("/v1/models")).status).toBe(401);
    const created = await edge.createKey();
    const response = await edge.fetch("/v1/models", { key: created.key });
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit")).toMatch(/^"rpm";r=\d+;t=\d+, "credits";r=50;t=\d+$/);
    expect(await response.json()).toEqual({
      data: [
        {
          id: "fake",
          sizes: ["1x1"],
          default_size: "1x1",
          verifiers: ["vhs", "none"],
          max_n: 16,
          max_batch: 4,
        },
      ],
    });
  });

  it("GET /openapi.json serves shared/openapi.json", async () => {
    const response = await edge.fetch("/openapi.json");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(readFileSync(EDGE_PATHS.openApiDocument, "utf8")));
  });

  it("GET /docs is a self-contained page that loads /openapi.json", async () => {
    const response = await edge.fetch("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('fetch("/openapi.json")');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  });

  it("unknown paths → 404 not_found, wrong methods → 405 method_not_allowed", async () => {
    const missing = await edge.fetch("/v2/nothing");
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe("not_found");
    const wrong = await edge.fetch("/v1/generate");
    expect(wrong.status).toBe(405);
    expect(await errorCode(wrong)).toBe("method_not_allowed");
  });

  it.each(servedPaths())(
    "PUT %s → 405 with Allow naming the methods the route table serves",
    async (path) => {
      const response = await edge.fetch(path, { method: "PUT", key: ADMIN_TOKEN, body: "{}" });
      expect(response.status).toBe(405);
      expect(await errorCode(response)).toBe("method_not_allowed");
      const cors = path.startsWith("/v1/") ? ["OPTIONS"] : [];
      expect(response.headers.get("allow")).toBe(allowedMethods(EDGE_ROUTES, path, cors).join(", "));
    },
  );

  it("TRACE /v1/plan → 405 with Allow: OPTIONS, POST", async () => {
    const { status, headers } = await rawRequest(`${edge.url}/v1/plan`, "TRACE");
    expect(status).toBe(405);
    expect(headers.allow).toBe("OPTIONS, POST");
  });
});

describe("admin key lifecycle", () => {
  it("creates with defaults, lists, patches limits and expiry, revokes idempotently", async () => {
    const created = await edge.createKey({ name: "lifecycle" });
    expect(created).toMatchObject({
      name: "lifecycle",
      environment: "live",
      rpm: 120,
      burst: 5,
      credits_quota: 50,
    });
    expect(created.key).toMatch(/^ts_live_/);

    const patch = await edge.fetch(`/admin/keys/${created.id}`, {
      method: "PATCH",
      key: ADMIN_TOKEN,
      body: JSON.stringify({ rpm: 30, max_concurrent: 2, expires_at: "2030-01-01T00:00:00Z" }),
    });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toMatchObject({
      rpm: 30,
      max_concurrent: 2,
      expires_at: "2030-01-01T00:00:00.000Z",
    });
    const clear = await edge.fetch(`/admin/keys/${created.id}`, {
      method: "PATCH",
      key: ADMIN_TOKEN,
      body: JSON.stringify({ expires_at: null }),
    });
    expect(((await clear.json()) as { expires_at: string | null }).expires_at).toBeNull();

    const first = (await (
      await edge.fetch(`/admin/keys/${created.id}`, { method: "DELETE", key: ADMIN_TOKEN })
    ).json()) as {
      revoked_at: string;
    };
    const again = (await (
      await edge.fetch(`/admin/keys/${created.id}`, { method: "DELETE", key: ADMIN_TOKEN })
    ).json()) as {
      revoked_at: string;
    };
    expect(again.revoked_at).toBe(first.revoked_at);
    const list = (await (await edge.fetch("/admin/keys", { key: ADMIN_TOKEN })).json()) as {
      data: { id: string }[];
    };
    expect(list.data.map((key) => key.id)).toContain(created.id);
  });

  it("validates admin input and answers 404 for unknown ids", async () => {
    const bad = await edge.fetch("/admin/keys", {
      method: "POST",
      key: ADMIN_TOKEN,
      body: '{"name":"","rpm":-1}',
    });
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe("invalid_request");
    const empty = await edge.fetch("/admin/keys/key_missing", {
      method: "PATCH",
      key: ADMIN_TOKEN,
      body: "{}",
    });
    expect(await errorCode(empty)).toBe("invalid_request");
    const missing = await edge.fetch("/admin/keys/key_missing", {
      method: "PATCH",
      key: ADMIN_TOKEN,
      body: '{"rpm":5}',
    });
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe("not_found");
    const revokeMissing = await edge.fetch("/admin/keys/key_missing", { method: "DELETE", key: ADMIN_TOKEN });
    expect(revokeMissing.status).toBe(404);
  });
});

describe("bindings validated at the entry", () => {
  it("a misconfigured edge answers 500 misconfigured naming the binding, never its value", async () => {
    const broken = await startLocalEdge({
      backends: [],
      signingSecret: "short",
      adminToken: ADMIN_TOKEN,
      scriptPath: EDGE_PATHS.bundle,
    });
    try {
      for (const path of ["/v1/usage", "/admin/keys", "/docs"]) {
        const response = await fetch(`${broken.url}${path}`);
        expect(response.status).toBe(500);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("misconfigured");
        expect(body.error.message).toContain("BACKENDS");
        expect(body.error.message).toContain("SIGNING_SECRET");
        expect(body.error.message).not.toContain("short");
      }
    } finally {
      await broken.close();
    }
  });
});
