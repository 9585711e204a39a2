// End to end on this machine: the edge inside workerd forwards to the real gpu-backend (tiny bundle,
// real ONNX on CPU) and gets an image; the backend refuses a request whose signature was tampered with.
import {
  DEADLINE_HEADER,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
  signRequest,
  TIMESTAMP_HEADER,
} from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, SIGNING_SECRET, startTestEdge, type TestEdge } from "./helpers/edge-fixture.js";
import { type RealBackend, realBackendMissing, startRealBackend } from "./helpers/real-backend.js";

// Real or nothing: a missing backend build or bundle fails this file (run `npm run build` first), unless
// the run opts out explicitly with TINYSCALE_SKIP_BACKEND_INTEGRATION=1.
const optedOut = process.env.TINYSCALE_SKIP_BACKEND_INTEGRATION === "1";
if (optedOut) console.warn("edge integration test skipped: TINYSCALE_SKIP_BACKEND_INTEGRATION=1");

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

describe.skipIf(optedOut)("edge → real gpu-backend (tiny bundle)", () => {
  let backend: RealBackend;
  let edge: TestEdge;
  let wrongSecretEdge: TestEdge;

  beforeAll(async () => {
    const missing = realBackendMissing();
    if (missing) throw new Error(`cannot start the real backend: ${missing}`);
    backend = await startRealBackend(SIGNING_SECRET);
    edge = await startTestEdge([backend.url]);
    wrongSecretEdge = await startTestEdge([backend.url], {
      SIGNING_SECRET: "not-the-backends-secret-0123456789",
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([edge?.close(), wrongSecretEdge?.close()]);
    await backend?.close();
  });

  it("generates an image through the edge and charges what the backend reports", async () => {
    const created = await edge.createKey({ credits_quota: 1000 });
    const response = await edge.generate(
      created.key,
      { prompt: "a red fox in snow", n: 3, seed: 42 },
      {
        "x-request-id": "integration-1",
      },
    );
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("integration-1");
    expect(response.headers.get("ratelimit")).toMatch(/"credits";r=996;/);
    const body = (await response.json()) as {
      id: string;
      n: number;
      candidates: { seed: number }[];
      image: { b64_json: string; mime_type: string; width: number; height: number };
      usage: { credits: number };
    };
    expect(body.id).toBe("integration-1");
    expect(body.n).toBe(3);
    expect(body.candidates.map((candidate) => candidate.seed)).toEqual([42, 43, 44]);
    expect(body.image.mime_type).toBe("image/png");
    expect([...Buffer.from(body.image.b64_json, "base64").subarray(0, 4)]).toEqual(PNG_MAGIC);
    expect(body.usage.credits).toBe(4);
    const usage = (await (await edge.fetch("/v1/usage", { key: created.key })).json()) as {
      credits_used: number;
    };
    expect(usage.credits_used).toBe(4);
  });

  it("plans a budget with the backend's measured profile", async () => {
    const created = await edge.createKey();
    const plan = (await (
      await edge.fetch("/v1/plan", { method: "POST", key: created.key, body: '{"budget_ms":5000}' })
    ).json()) as { n: number; predicted_ms: number };
    expect(plan.n).toBeGreaterThanOrEqual(1);
    expect(plan.predicted_ms).toBeGreaterThan(0);
    const response = await edge.generate(created.key, { prompt: "a blue bird", budget_ms: 5000 });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { n_requested: number; usage: { credits: number } };
    expect(body.n_requested).toBeLessThanOrEqual(plan.n);
    const models = (await (await edge.fetch("/v1/models", { key: created.key })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((model) => model.id)).toEqual(["tiny"]);
  });

  it("the backend refuses a tampered signature with 401 invalid_signature", async () => {
    const body = JSON.stringify({ prompt: "a red fox", n: 1 });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = await signRequest(SIGNING_SECRET, {
      method: "POST",
      path: "/v1/generate",
      timestamp,
      body,
    });
    const headers = (sig: string) => ({
      "content-type": "application/json",
      [REQUEST_ID_HEADER]: "tampered-1",
      [DEADLINE_HEADER]: String(Date.now() + 30_000),
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: sig,
    });
    const flipped = signature.slice(0, -1) + (signature.endsWith("0") ? "1" : "0");
    const tampered = await fetch(`${backend.url}/v1/generate`, {
      method: "POST",
      headers: headers(flipped),
      body,
    });
    expect(tampered.status).toBe(401);
    expect(await errorCode(tampered)).toBe("invalid_signature");
    // A valid signature over another body is a tampered request too.
    const otherBody = await fetch(`${backend.url}/v1/generate`, {
      method: "POST",
      headers: headers(signature),
      body: JSON.stringify({ prompt: "a red fox", n: 64 }),
    });
    expect(otherBody.status).toBe(401);
    const unsigned = await fetch(`${backend.url}/v1/generate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
  });

  it("an edge signing with the wrong secret gets 502 backend_error and refunds the key", async () => {
    const created = await wrongSecretEdge.createKey({ credits_quota: 10 });
    const response = await wrongSecretEdge.generate(created.key, { prompt: "a red fox", n: 1 });
    expect(response.status).toBe(502);
    expect(await errorCode(response)).toBe("backend_error");
    const usage = (await (await wrongSecretEdge.fetch("/v1/usage", { key: created.key })).json()) as {
      credits_used: number;
      credits_reserved: number;
    };
    expect(usage).toMatchObject({ credits_used: 0, credits_reserved: 0 });
  });
});
