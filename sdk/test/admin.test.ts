// TinyscaleAdmin: each key operation hits its admin route with the admin token, and usage/plan/models
// on the API client hit theirs — the paths are the ones in shared/openapi.json.
import { describe, expect, it } from "vitest";
import { TinyscaleAdmin } from "../src/admin.js";
import { Tinyscale } from "../src/client.js";
import type { paths } from "../src/generated/openapi.js";
import { countingFetch, jsonResponse } from "./helpers/counting-fetch.js";

const RECORD = {
  id: "key_1",
  name: "demo",
  prefix: "ts_test_Ab3x",
  environment: "test",
  rpm: 60,
  burst: 10,
  max_concurrent: 4,
  credits_quota: 1000,
  period: "month",
  created_at: "2026-11-27T04:00:00Z",
  expires_at: null,
  revoked_at: null,
};

// Compile-time: these literals must be keys of the generated `paths`, so a renamed route breaks the build.
const ROUTES = [
  "/admin/keys",
  "/admin/keys/{id}",
  "/v1/usage",
  "/v1/models",
  "/v1/plan",
  "/v1/generate",
] as const satisfies readonly (keyof paths)[];

describe("TinyscaleAdmin", () => {
  it("creates, lists, updates and revokes keys with the admin token", async () => {
    const { fetch, calls } = countingFetch([
      jsonResponse(201, { ...RECORD, key: "ts_test_secret" }),
      jsonResponse(200, { data: [RECORD] }),
      jsonResponse(200, { ...RECORD, rpm: 120 }),
      jsonResponse(200, { ...RECORD, revoked_at: "2026-11-27T05:00:00Z" }),
    ]);
    const admin = new TinyscaleAdmin({ adminToken: "adm_secret", baseURL: "http://edge.test", fetch });
    expect((await admin.createKey({ name: "demo", environment: "test" })).key).toBe("ts_test_secret");
    expect((await admin.listKeys()).data).toHaveLength(1);
    expect((await admin.updateKey("key_1", { rpm: 120 })).rpm).toBe(120);
    expect((await admin.revokeKey("key/1")).revoked_at).not.toBeNull();
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      `POST ${ROUTES[0]}`,
      `GET ${ROUTES[0]}`,
      "PATCH /admin/keys/key_1",
      "DELETE /admin/keys/key%2F1",
    ]);
    expect(new Set(calls.map((c) => c.headers.get("authorization")))).toEqual(new Set(["Bearer adm_secret"]));
    expect(JSON.parse(calls[2]?.body ?? "")).toEqual({ rpm: 120 });
  });

  it("refuses to start without an admin token", () => {
    const saved = process.env.TINYSCALE_ADMIN_TOKEN;
    delete process.env.TINYSCALE_ADMIN_TOKEN;
    try {
      expect(() => new TinyscaleAdmin({ baseURL: "http://edge.test" })).toThrow(/TINYSCALE_ADMIN_TOKEN/);
    } finally {
      if (saved !== undefined) process.env.TINYSCALE_ADMIN_TOKEN = saved;
    }
  });
});

describe("API client routes", () => {
  it("usage, models and plan use their routes", async () => {
    const { fetch, calls } = countingFetch([
      jsonResponse(200, { key_id: "key_1" }),
      jsonResponse(200, { data: [] }),
      jsonResponse(200, { n: 3 }),
    ]);
    const client = new Tinyscale({ apiKey: "ts_test_k", baseURL: "http://edge.test/base", fetch });
    await client.usage();
    await client.models();
    await client.plan({ budget_ms: 300 });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET http://edge.test/base${ROUTES[2]}`,
      `GET http://edge.test/base${ROUTES[3]}`,
      `POST http://edge.test/base${ROUTES[4]}`,
    ]);
  });
});
