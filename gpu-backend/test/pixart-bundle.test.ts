// The PixArt-α-DMD family served unchanged: the committed pixart-tiny bundle (T5 Unigram tokenizer, patch-2
// DiT whose h_ℓ* has (h/2)·(w/2) tokens, SD-VAE decode, DDPM one-step sampler in-graph) through the real HTTP
// API in every verifier mode. The backend reads the family's shapes from the manifest, never its name.

import { resolve } from "node:path";
import { GenerateResponseSchema, type Verifier } from "@tinyscale/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../src/onnx/manifest.js";
import { generate, startTestBackend, type TestBackend, TINY_BUNDLE } from "./helpers.js";

const PIXART_BUNDLE = resolve(import.meta.dirname, "..", "models", "pixart-tiny");
let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend({ bundle: PIXART_BUNDLE });
});
afterAll(async () => {
  await backend?.close();
});

async function generateOk(body: Record<string, unknown>) {
  const response = await generate(backend, { prompt: "a photo of a red cat", ...body });
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return GenerateResponseSchema.parse(json);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(b64: string | undefined): [number, number] {
  const png = Buffer.from(b64 ?? "", "base64");
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

const argmax = (scores: number[]) =>
  scores.reduce((best, s, i) => (s > (scores[best] ?? -Infinity) ? i : best), 0);

describe("pixart-tiny bundle (PixArt-α-DMD family)", () => {
  it("declares its family and patch size; SANA bundles without the fields read as sana-sprint, patch 1", () => {
    const g = backend.state.manifest.generator;
    expect(g.family).toBe("pixart-dmd");
    expect(g.patch_size).toBe(2);
    expect(backend.state.manifest.verifier.image_tokens).toBe(
      (g.latent_height / g.patch_size) * (g.latent_width / g.patch_size),
    );
    const sana = readManifest(TINY_BUNDLE).generator;
    expect(sana.family).toBe("sana-sprint");
    expect(sana.patch_size).toBe(1);
  });

  it("lists every mode in /v1/models at its native size", async () => {
    const models = await (await fetch(`${backend.url}/v1/models`)).json();
    expect(models.data[0].id).toBe("pixart-tiny");
    expect(models.data[0].default_size).toBe("32x32");
    expect(models.data[0].verifiers).toEqual(expect.arrayContaining(["vhs", "clip", "ae", "none"]));
  });

  it("serves vhs: deterministic per seed, the argmax wins, and candidate i alone reproduces it", async () => {
    const a = await generateOk({ n: 5, seed: 321 });
    const b = await generateOk({ n: 5, seed: 321 });
    expect(b.image.b64_json).toBe(a.image.b64_json);
    expect(b.candidates).toEqual(a.candidates);
    expect(pngSize(a.image.b64_json)).toEqual([32, 32]);
    const scores = a.candidates.map((c) => c.score);
    expect(a.chosen_index).toBe(argmax(scores));
    expect(new Set(scores).size).toBe(5);
    const alone = await generateOk({ n: 1, seed: 321 + a.chosen_index });
    expect(alone.candidates[0]?.score).toBeCloseTo(scores[a.chosen_index] ?? Number.NaN, 4);
    expect(alone.image.b64_json).toBe(a.image.b64_json);
    const other = await generateOk({ n: 5, seed: 9 });
    expect(other.image.b64_json).not.toBe(a.image.b64_json);
  });

  it.each(["clip", "ae", "none"] as Verifier[])("serves the %s mode", async (verifier) => {
    const n = verifier === "none" ? 1 : 4;
    const result = await generateOk({ n, seed: 11, verifier });
    expect(result.n).toBe(n);
    expect(result.candidates).toHaveLength(n);
    expect(result.chosen_index).toBe(argmax(result.candidates.map((c) => c.score)));
    expect(pngSize(result.image.b64_json)).toEqual([32, 32]);
    expect(result.model).toBe("pixart-tiny");
  });
});
