// Every bad input gets its code from shared's closed set in shared's error shape; unsigned, wrongly signed,
// stale and replayed requests get 401; the bearer token is checked in constant time.

import {
  allowedMethods,
  BACKEND_ROUTES,
  ErrorBodySchema,
  HealthSchema,
  INVALID_JSON_MESSAGE,
  ReadinessSchema,
  routeKey,
} from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate, SECRET, signed, startTestBackend, type TestBackend, TOKEN } from "./helpers.js";

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend({ bodyLimitBytes: 4096 });
});
afterAll(async () => {
  await backend?.close();
});

async function expectError(response: Response, status: number, code: string) {
  const body = ErrorBodySchema.parse(await response.json());
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  expect(body.error.request_id).toBe(response.headers.get("x-request-id"));
  expect(body.error.message.length).toBeGreaterThan(0);
  return body;
}

describe("bad input", () => {
  const cases: [string, unknown, string][] = [
    ["malformed JSON", "{ not json", "invalid_json"],
    ["non-UTF-8 body", Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1"), "invalid_json"],
    ["missing prompt", { n: 1 }, "invalid_request"],
    ["blank prompt", { prompt: "   ", n: 1 }, "invalid_request"],
    ["prompt over 2000 chars", { prompt: "x".repeat(2001), n: 1 }, "invalid_request"],
    ["neither n nor budget_ms", { prompt: "fox" }, "invalid_request"],
    ["both n and budget_ms", { prompt: "fox", n: 2, budget_ms: 500 }, "invalid_request"],
    ["n = 0", { prompt: "fox", n: 0 }, "invalid_request"],
    ["n = 65", { prompt: "fox", n: 65 }, "invalid_request"],
    ["budget_ms below 50", { prompt: "fox", budget_ms: 10 }, "invalid_request"],
    ["negative seed", { prompt: "fox", n: 1, seed: -1 }, "invalid_request"],
    ["seed above 2^32-1", { prompt: "fox", n: 1, seed: 2 ** 32 }, "invalid_request"],
    ["unknown verifier", { prompt: "fox", n: 1, verifier: "dino" }, "invalid_request"],
    ["verifier none with n 2", { prompt: "fox", n: 2, verifier: "none" }, "invalid_request"],
    ["unknown output_format", { prompt: "fox", n: 1, output_format: "gif" }, "invalid_request"],
    ["unknown field", { prompt: "fox", n: 1, steps: 4 }, "invalid_request"],
    ["size not offered", { prompt: "fox", n: 1, size: "4096x4096" }, "unsupported_size"],
  ];
  for (const [name, body, code] of cases) {
    it(`${name} → ${code}`, async () => {
      const response = await generate(backend, typeof body === "string" ? body : JSON.stringify(body));
      // A size the model does not offer is valid by the document: 422, not 400.
      const answer = await expectError(response, code === "unsupported_size" ? 422 : 400, code);
      // The edge answers invalid JSON with the same words (shared validation.ts).
      if (code === "invalid_json") expect(answer.error.message).toBe(INVALID_JSON_MESSAGE);
    });
  }

  it("a body over the limit → 413 payload_too_large", async () => {
    await expectError(await generate(backend, { prompt: "x".repeat(5000), n: 1 }), 413, "payload_too_large");
  });

  it("a 1 MB body, declared or streamed without a length, still gets its 413 answer (no reset)", async () => {
    const big = new TextEncoder().encode(JSON.stringify({ prompt: "a".repeat(1024 * 1024), n: 1 }));
    await expectError(await generate(backend, Buffer.from(big).toString()), 413, "payload_too_large");
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < big.length; at += 64 * 1024) controller.enqueue(big.slice(at, at + 64 * 1024));
        controller.close();
      },
    });
    const response = await fetch(`${backend.url}/v1/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: streamed,
      duplex: "half",
    } as RequestInit);
    await expectError(response, 413, "payload_too_large");
  });

  it("a malformed X-Tinyscale-Deadline → invalid_request", async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, "x-tinyscale-deadline": "tomorrow" };
    await expectError(await generate(backend, { prompt: "fox", n: 1 }, headers), 400, "invalid_request");
  });

  it("unknown routes → 404 not_found, wrong method → 405 method_not_allowed", async () => {
    await expectError(await fetch(`${backend.url}/v1/nothing`), 404, "not_found");
    const wrong = await fetch(`${backend.url}/v1/generate`);
    expect(wrong.headers.get("allow")).toBe("POST");
    await expectError(wrong, 405, "method_not_allowed");
  });

  it("serves exactly the route table: every route listed has a handler, no handler is unlisted", () => {
    expect(backend.servedRoutes().sort()).toEqual(BACKEND_ROUTES.map(routeKey).sort());
  });

  it("answers its probes in the shapes the route table declares", async () => {
    expect(HealthSchema.parse(await (await fetch(`${backend.url}/healthz`)).json()).status).toBe("ok");
    expect(ReadinessSchema.parse(await (await fetch(`${backend.url}/readyz`)).json()).ready).toBe(true);
  });

  it("any method a path does not serve → 405 with Allow listing the route table's methods", async () => {
    for (const path of new Set(BACKEND_ROUTES.map((route) => route.path))) {
      const response = await fetch(`${backend.url}${path}`, { method: "PUT", body: "{}" });
      expect(response.headers.get("allow"), path).toBe(allowedMethods(BACKEND_ROUTES, path).join(", "));
      await expectError(response, 405, "method_not_allowed");
    }
    expect(allowedMethods(BACKEND_ROUTES, "/metrics")).toEqual(["GET", "HEAD"]);
  });

  it("the native size is accepted explicitly", async () => {
    const { image_width, image_height } = backend.state.manifest.generator;
    const response = await generate(backend, { prompt: "fox", n: 1, size: `${image_width}x${image_height}` });
    expect(response.status).toBe(200);
  });
});

describe("who may call", () => {
  const body = JSON.stringify({ prompt: "a signed fox", n: 1, seed: 5 });

  it("accepts a request signed like the edge signs it", async () => {
    const response = await generate(backend, body, await signed(body));
    expect(response.status).toBe(200);
  });

  it("rejects an unsigned request with 401 invalid_signature", async () => {
    await expectError(await generate(backend, body, {}), 401, "invalid_signature");
  });

  it("rejects a wrong signature, a signature over another body, and a wrong secret", async () => {
    const headers = await signed(body);
    const forged = { ...headers, "x-tinyscale-signature": `v1=${"0".repeat(64)}` };
    await expectError(await generate(backend, body, forged), 401, "invalid_signature");
    const otherBody = JSON.stringify({ prompt: "another fox", n: 1 });
    await expectError(await generate(backend, otherBody, headers), 401, "invalid_signature");
    const { signatureHeaders } = await import("@tinyscale/shared");
    const wrongSecret = await signatureHeaders(`${SECRET}-not`, {
      method: "POST",
      path: "/v1/generate",
      body,
    });
    await expectError(await generate(backend, body, wrongSecret), 401, "invalid_signature");
  });

  it("rejects a stale timestamp (> 60 s) and a replayed signature", async () => {
    const stale = await signed(body, Date.now() - 120_000);
    const staleBody = await expectError(await generate(backend, body, stale), 401, "invalid_signature");
    expect(staleBody.error.message).toContain("60 s");
    const headers = await signed(JSON.stringify({ prompt: "replayed fox", n: 1 }));
    const once = JSON.stringify({ prompt: "replayed fox", n: 1 });
    expect((await generate(backend, once, headers)).status).toBe(200);
    const replay = await expectError(await generate(backend, once, headers), 401, "invalid_signature");
    expect(replay.error.message).toContain("replay");
  });

  it("refuses a replay even with another X-Request-Id; a signed nonce tells identical requests apart", async () => {
    const { signatureHeaders } = await import("@tinyscale/shared");
    const same = JSON.stringify({ prompt: "a popular fox", n: 1 });
    const nowMs = Date.now();
    const sign = (path: string) => signatureHeaders(SECRET, { method: "POST", path, body: same, nowMs });
    const post = (path: string, headers: Record<string, string>) =>
      fetch(`${backend.url}${path}`, { method: "POST", headers, body: same });
    const a = await sign("/v1/generate?nonce=a");
    const b = await sign("/v1/generate?nonce=b");
    expect((await post("/v1/generate?nonce=a", { ...a, "x-request-id": "edge-req-a" })).status).toBe(200);
    expect((await post("/v1/generate?nonce=b", { ...b, "x-request-id": "edge-req-b" })).status).toBe(200);
    const replay = await post("/v1/generate?nonce=a", { ...a, "x-request-id": "edge-req-c" });
    await expectError(replay, 401, "invalid_signature");
  });

  it("verifies the path as sent, query string included", async () => {
    const { signatureHeaders } = await import("@tinyscale/shared");
    const headers = await signatureHeaders(SECRET, { method: "POST", path: "/v1/generate?nonce=1", body });
    const ok = await fetch(`${backend.url}/v1/generate?nonce=1`, { method: "POST", headers, body });
    expect(ok.status).toBe(200);
    const moved = await fetch(`${backend.url}/v1/generate?nonce=2`, { method: "POST", headers, body });
    await expectError(moved, 401, "invalid_signature");
  });

  it("accepts the bearer token and rejects a wrong one", async () => {
    expect((await generate(backend, body, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    await expectError(
      await generate(backend, body, { authorization: "Bearer nope" }),
      401,
      "invalid_api_key",
    );
    await expectError(
      await generate(backend, body, { authorization: `Bearer ${TOKEN}x` }),
      401,
      "invalid_api_key",
    );
  });

  it("checks auth before it parses the body (an unsigned bad body is still 401)", async () => {
    await expectError(await generate(backend, "{ not json", {}), 401, "invalid_signature");
  });
});

describe("budget planning errors", () => {
  it("budget_ms below what one candidate needs → budget_too_small naming the minimum", async () => {
    const { planJob } = await import("../src/routes/generate-plan.js");
    const profile = backend.profile();
    if (!profile) throw new Error("backend has no profile");
    // The same backend on hardware 1000× slower: its measured stages scaled up.
    const slow = structuredClone(profile);
    for (const timings of Object.values(slow.stages)) {
      for (const batch of Object.keys(timings)) timings[batch] = (timings[batch] ?? 1) * 1000 + 100;
    }
    const state = { ...backend.state, profile: slow };
    const request = {
      prompt: "fox",
      budget_ms: 50,
      verifier: "vhs" as const,
      output_format: "png" as const,
      response_format: "b64_json" as const,
    };
    expect(() => planJob(request, state, "req-1", Date.now(), undefined)).toThrow(/minimum budget of \d+ ms/);
    try {
      planJob(request, state, "req-1", Date.now(), undefined);
    } catch (error) {
      expect((error as { code: string }).code).toBe("budget_too_small");
    }
  });
});
