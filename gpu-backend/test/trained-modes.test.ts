// A bundle that is not a test bundle offers only the modes whose verifier carries trained weights: GET
// /v1/models leaves the others out and a request for one gets a typed error. The committed tiny bundle is
// a test bundle (random weights, marked so) and keeps every mode.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyTinyBundle, generate, startTestBackend, type TestBackend, TINY_BUNDLE } from "./helpers.js";

const copies: string[] = [];

function bundleWith(edit: (manifest: Record<string, unknown>) => void): string {
  const dir = copyTinyBundle();
  copies.push(dir);
  const file = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

const realVhsOnly = {
  generator: true,
  text_encoder: true,
  vhs_verifier: true,
  clip_verifier: false,
  ae_verifier: false,
};

describe("trained weights decide the modes of a non-test bundle", () => {
  let backend: TestBackend;
  beforeAll(async () => {
    const bundle = bundleWith((m) => {
      m.test_bundle = false;
      m.trained = realVhsOnly;
    });
    backend = await startTestBackend({ bundle });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it("the committed tiny bundle is marked a test bundle with nothing trained", () => {
    const manifest = JSON.parse(readFileSync(join(TINY_BUNDLE, "manifest.json"), "utf8"));
    expect(manifest.test_bundle).toBe(true);
    expect(Object.values(manifest.trained)).toEqual([false, false, false, false, false]);
  });

  it("GET /v1/models lists only the modes with a trained verifier (and none)", async () => {
    const models = await (await fetch(`${backend.url}/v1/models`)).json();
    expect(models.data[0].verifiers).toEqual(["vhs", "none"]);
  });

  it("a request for an untrained verifier gets a typed error", async () => {
    for (const verifier of ["clip", "ae"]) {
      const response = await generate(backend, { prompt: "a red cat", verifier, n: 1 });
      expect(response.status).toBe(422);
      const body = await response.json();
      expect(body.error.code).toBe("unsupported_verifier");
      expect(body.error.message).toContain(`verifier "${verifier}"`);
      expect(body.error.message).toContain("no trained weights");
    }
  });

  it("a non-test bundle with a random generator is refused at start-up", async () => {
    const bundle = bundleWith((m) => {
      m.test_bundle = false;
      m.trained = { ...realVhsOnly, generator: false };
    });
    await expect(startTestBackend({ bundle })).rejects.toThrow(/trained\.generator is false/);
  });

  it("a manifest that does not say whether it is a test bundle is refused", async () => {
    const bundle = bundleWith((m) => {
      delete m.test_bundle;
    });
    await expect(startTestBackend({ bundle })).rejects.toThrow(/test_bundle/);
  });
});
