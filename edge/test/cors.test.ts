// CORS inside workerd: preflights on /v1/* answered without a key and without spending anything, the
// origin and exposed headers on every /v1 answer (errors too), none on /admin/*, CORS_ALLOW_ORIGIN lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  errorCode,
  eventually,
  SIGNING_SECRET,
  startTestEdge,
  type TestEdge,
} from "./helpers/edge-fixture.js";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.js";

const ORIGIN = "https://app.example.com";
const EXPOSED =
  "x-tinyscale-metadata,x-request-id,retry-after,ratelimit,ratelimit-policy,idempotent-replayed";

let backend: FakeBackend;
let edge: TestEdge;
let listed: TestEdge;
let broken: TestEdge;

beforeAll(async () => {
  backend = await startFakeBackend(SIGNING_SECRET);
  [edge, listed, broken] = await Promise.all([
    startTestEdge([backend.url]),
    startTestEdge([backend.url], { CORS_ALLOW_ORIGIN: `${ORIGIN}, http://localhost:5173` }),
    startTestEdge([backend.url], { CORS_ALLOW_ORIGIN: "https://app.example.com/" }),
  ]);
});
afterAll(async () => {
  await Promise.all([edge?.close(), listed?.close(), broken?.close()]);
  await backend?.close();
});

function preflight(target: TestEdge, path: string, method: string, key?: string): Promise<Response> {
  return target.fetch(path, {
    method: "OPTIONS",
    headers: {
      origin: ORIGIN,
      "access-control-request-method": method,
      "access-control-request-headers": "authorization,content-type,idempotency-key",
    },
    ...(key !== undefined ? { key } : {}),
  });
}

describe("CORS on /v1/*", () => {
  it("answers preflights on every /v1 route with 204 and the CORS fields, without an API key", async () => {
    const routes: [string, string][] = [
      ["/v1/generate", "POST"],
      ["/v1/plan", "POST"],
      ["/v1/usage", "GET"],
      ["/v1/models", "GET"],
    ];
    for (const [path, method] of routes) {
      const response = await preflight(edge, path, method);
      expect(response.status, path).toBe(204);
      expect(await response.text()).toBe("");
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-methods")).toBe("GET,POST,OPTIONS");
      expect(response.headers.get("access-control-allow-headers")).toBe(
        "authorization,content-type,idempotency-key,x-request-id",
      );
      expect(response.headers.get("access-control-max-age")).toBe("7200");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("spends no rate-limit token and no credit on preflights, and never reaches a backend", async () => {
    const created = await edge.createKey({ burst: 2, rpm: 1, credits_quota: 5 });
    const calls = backend.received.length;
    for (let i = 0; i < 6; i++) {
      // Browsers send no Authorization on a preflight; one with a key must not be metered either.
      const response = await preflight(edge, "/v1/generate", "POST", i % 2 === 0 ? created.key : undefined);
      expect(response.status).toBe(204);
    }
    const usage = await edge.fetch("/v1/usage", { key: created.key });
    expect(await usage.json()).toMatchObject({ credits_used: 0, credits_reserved: 0, requests: 0 });
    // Of the 2 tokens only the usage read itself spent one.
    expect(usage.headers.get("ratelimit")).toMatch(/^"rpm";r=1;t=\d+, "credits";r=5;/);
    expect(backend.received.length).toBe(calls);
    expect(await edge.ledger(created.id)).toEqual([]);
  });

  it("puts the origin and exactly the exposed headers the edge sends on answers, errors included", async () => {
    const created = await edge.createKey({ burst: 2, rpm: 1 });
    const headers = { origin: ORIGIN, "idempotency-key": "cors-1" };
    const body = { prompt: "a fox", n: 1, response_format: "bytes" };
    const responses = [
      await edge.generate(created.key, body, headers),
      await edge.generate(created.key, body, headers), // replayed: no token spent
      await edge.generate(created.key, { prompt: "a fox", n: 1 }, { origin: ORIGIN }),
      await edge.generate(created.key, { prompt: "a fox", n: 1 }, { origin: ORIGIN }), // 429
      await edge.fetch("/v1/usage", { headers: { origin: ORIGIN } }), // 401
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 429, 401]);
    const seen = new Set<string>();
    for (const response of responses) {
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-expose-headers")).toBe(EXPOSED);
      for (const name of response.headers.keys()) seen.add(name);
    }
    // Every exposed name is one the edge really sends (a typo would never show up here).
    for (const name of EXPOSED.split(",")) expect(seen, name).toContain(name);
    expect(responses[1]?.headers.get("idempotent-replayed")).toBe("true");
    expect(await errorCode(responses[4] as Response)).toBe("missing_api_key");
    await eventually(
      () => edge.ledger(created.id),
      (rows) => rows.length === 4,
    );
  });

  it("gives /admin/* no CORS at all", async () => {
    const denied = await edge.fetch("/admin/keys", {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(await errorCode(denied)).toBe("missing_admin_token");
    const listing = await edge.fetch("/admin/keys", { key: ADMIN_TOKEN, headers: { origin: ORIGIN } });
    expect(listing.status).toBe(200);
    for (const response of [denied, listing]) {
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-expose-headers")).toBeNull();
    }
  });
});

describe("CORS_ALLOW_ORIGIN", () => {
  it("echoes a listed origin with Vary: Origin and gives others no Allow-Origin", async () => {
    const created = await listed.createKey();
    for (const origin of [ORIGIN, "http://localhost:5173"]) {
      const response = await listed.fetch("/v1/usage", { key: created.key, headers: { origin } });
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe(origin);
      expect(response.headers.get("vary")).toContain("Origin");
    }
    const stranger = await listed.fetch("/v1/usage", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses an origin with a path as misconfigured, naming the binding", async () => {
    const response = await broken.fetch("/v1/usage", { method: "OPTIONS", headers: { origin: ORIGIN } });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("misconfigured");
    expect(body.error.message).toContain("CORS_ALLOW_ORIGIN");
  });
});
