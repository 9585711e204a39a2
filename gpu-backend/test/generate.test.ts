// The pipeline through real HTTP on the tiny bundle: determinism, scores and winner, every verifier mode,
// graph run counts per mode (read from /metrics), budget planning, deadlines and the bytes response.

import { GenerateMetadataSchema, GenerateResponseSchema, METADATA_HEADER } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate, metricValue, startTestBackend, type TestBackend } from "./helpers.js";

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(async () => {
  await backend?.close();
});

async function generateOk(body: Record<string, unknown>, headers?: Record<string, string>) {
  const response = await generate(backend, { prompt: "a red fox in fresh snow", ...body }, headers);
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return GenerateResponseSchema.parse(json);
}

function argmax(scores: number[]): number {
  return scores.reduce((best, s, i) => (s > (scores[best] ?? -Infinity) ? i : best), 0);
}

describe("POST /v1/generate", () => {
  it("returns byte-identical images for the same seed and different images for different seeds", async () => {
    const a = await generateOk({ n: 3, seed: 1234 });
    const b = await generateOk({ n: 3, seed: 1234 });
    const c = await generateOk({ n: 3, seed: 98765 });
    expect(a.image.b64_json).toBeDefined();
    expect(b.image.b64_json).toBe(a.image.b64_json);
    expect(b.candidates).toEqual(a.candidates);
    expect(c.image.b64_json).not.toBe(a.image.b64_json);
    const png = Buffer.from(a.image.b64_json ?? "", "base64");
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  });

  it("picks the argmax, with scores in [-1, 1] agreeing with their verdicts and seeds s + i", async () => {
    const seed = 4_294_967_290; // wraps past 2^32 within the batch
    const result = await generateOk({ n: 9, seed });
    const scores = result.candidates.map((c) => c.score);
    expect(result.n).toBe(9);
    expect(result.n_requested).toBe(9);
    expect(result.candidates.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.candidates.map((c) => c.seed)).toEqual(
      Array.from({ length: 9 }, (_, i) => (seed + i) % 2 ** 32),
    );
    expect(result.chosen_index).toBe(argmax(scores));
    for (const c of result.candidates) {
      expect(c.score).toBeGreaterThanOrEqual(-1);
      expect(c.score).toBeLessThanOrEqual(1);
      expect(c.verdict).toBe(c.score > 0 ? "yes" : "no");
    }
    expect(result.usage.credits).toBe(10);
    expect(result.model).toBe(backend.state.manifest.bundle_id);
  });

  it("reproduces candidate i alone with n: 1, seed: s + i (vhs winner = that candidate's image)", async () => {
    const many = await generateOk({ n: 4, seed: 500 });
    const winner = many.chosen_index;
    const alone = await generateOk({ n: 1, seed: 500 + winner });
    expect(alone.candidates[0]?.score).toBeCloseTo(many.candidates[winner]?.score ?? Number.NaN, 4);
    expect(alone.image.b64_json).toBe(many.image.b64_json);
  });

  it("runs finish once per vhs request whatever N, and N times in clip mode", async () => {
    const maxBatch = backend.state.maxBatch;
    for (const n of [1, 4, maxBatch + 3]) {
      const runs = await metricValue(backend, "tinyscale_graph_runs_total", { graph: "finish" });
      const proposeRows = await metricValue(backend, "tinyscale_graph_rows_total", { graph: "propose" });
      const result = await generateOk({ n, seed: 7 });
      expect(result.n).toBe(n);
      expect(await metricValue(backend, "tinyscale_graph_runs_total", { graph: "finish" })).toBe(runs + 1);
      expect(await metricValue(backend, "tinyscale_graph_rows_total", { graph: "propose" })).toBe(
        proposeRows + n,
      );
    }
    const n = 5;
    const rows = await metricValue(backend, "tinyscale_graph_rows_total", { graph: "finish" });
    const clip = await generateOk({ n, seed: 7, verifier: "clip" });
    expect(clip.n).toBe(n);
    expect(await metricValue(backend, "tinyscale_graph_rows_total", { graph: "finish" })).toBe(rows + n);
    expect(clip.chosen_index).toBe(argmax(clip.candidates.map((c) => c.score)));
  });

  it("serves the ae and none modes (ae decodes only its winner)", async () => {
    const decodes = await metricValue(backend, "tinyscale_graph_rows_total", { graph: "vae_decode" });
    const ae = await generateOk({ n: 6, seed: 3, verifier: "ae" });
    expect(ae.n).toBe(6);
    expect(ae.chosen_index).toBe(argmax(ae.candidates.map((c) => c.score)));
    expect(await metricValue(backend, "tinyscale_graph_rows_total", { graph: "vae_decode" })).toBe(
      decodes + 1,
    );
    const none = await generateOk({ n: 1, seed: 3, verifier: "none" });
    expect(none.n).toBe(1);
    expect(none.candidates).toHaveLength(1);
    expect(none.usage.credits).toBe(2);
  });

  it("caches prompt embeddings: the text encoder runs once for a repeated prompt", async () => {
    const prompt = `a cached prompt ${Date.now()}`;
    const before = await metricValue(backend, "tinyscale_graph_runs_total", { graph: "text_encoder" });
    await generateOk({ prompt, n: 1, seed: 1 });
    await generateOk({ prompt, n: 2, seed: 2 });
    expect(await metricValue(backend, "tinyscale_graph_runs_total", { graph: "text_encoder" })).toBe(
      before + 1,
    );
  });

  it("plans n from budget_ms with its own profile", async () => {
    const result = await generateOk({ budget_ms: 60_000 });
    expect(result.planned_ms).not.toBeNull();
    expect(result.n).toBe(result.n_requested);
    expect(result.n).toBe(64);
    // Every millisecond value is for people: rounded to 0.1 ms.
    for (const ms of [result.planned_ms, ...Object.values(result.timings)]) {
      expect(String(ms)).toMatch(/^\d+(\.\d)?$/);
    }
  });

  it("refuses at once with 503 overloaded + Retry-After when the deadline cannot be met", async () => {
    const before = await metricValue(backend, "tinyscale_graph_runs_total", { graph: "propose" });
    const response = await generate(
      backend,
      { prompt: "too late", n: 4 },
      { authorization: "Bearer test-backend-token", "x-tinyscale-deadline": String(Date.now() - 1) },
    );
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await response.json()).error.code).toBe("overloaded");
    expect(await metricValue(backend, "tinyscale_graph_runs_total", { graph: "propose" })).toBe(before);
  });

  it("answers raw bytes plus X-Tinyscale-Metadata for response_format bytes", async () => {
    const json = await generateOk({ n: 2, seed: 77, output_format: "webp" });
    const response = await generate(backend, {
      prompt: "a red fox in fresh snow",
      n: 2,
      seed: 77,
      output_format: "webp",
      response_format: "bytes",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    const metadata = GenerateMetadataSchema.parse(JSON.parse(response.headers.get(METADATA_HEADER) ?? "{}"));
    expect(metadata.candidates).toEqual(json.candidates);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString("base64")).toBe(json.image.b64_json);
  });

  it("echoes X-Request-Id and logs it on every line, never the prompt text at info", async () => {
    const secretPrompt = "a very specific prompt that must not be logged at info";
    const response = await generate(
      backend,
      { prompt: secretPrompt, n: 1 },
      { authorization: "Bearer test-backend-token", "x-request-id": "req-from-edge-1" },
    );
    expect(response.headers.get("x-request-id")).toBe("req-from-edge-1");
    expect((await response.json()).id).toBe("req-from-edge-1");
    const lines = backend.logs.map((l) => JSON.parse(l)).filter((l) => l.request_id === "req-from-edge-1");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.filter((l) => l.level !== "debug")) {
      expect(JSON.stringify(line)).not.toContain("must not be logged");
    }
    expect(backend.logs.join("\n")).not.toContain("test-backend-token");
  });

  it("serves its profile, models, health and readiness", async () => {
    const profile = await (await fetch(`${backend.url}/v1/profile`)).json();
    expect(profile.bundle_id).toBe(backend.state.manifest.bundle_id);
    expect(Object.keys(profile.stages.propose)).toContain("1");
    expect(profile.stages.finish["1"]).toBeGreaterThan(0);
    const models = await (await fetch(`${backend.url}/v1/models`)).json();
    expect(models.data[0].verifiers).toEqual(expect.arrayContaining(["vhs", "clip", "ae", "none"]));
    expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${backend.url}/readyz`)).status).toBe(200);
  });
});
