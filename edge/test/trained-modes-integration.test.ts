// End to end: a backend serving a bundle that is not a test bundle, with only the VHS verifier trained,
// offers vhs and none; the edge's GET /v1/models says the same and a request for an untrained verifier
// comes back as a typed error through the edge.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCode, SIGNING_SECRET, startTestEdge, type TestEdge } from "./helpers/edge-fixture.js";
import {
  type RealBackend,
  realBackendMissing,
  startRealBackend,
  TINY_BUNDLE,
} from "./helpers/real-backend.js";

const optedOut = process.env.TINYSCALE_SKIP_BACKEND_INTEGRATION === "1";

describe.skipIf(optedOut)("edge → backend whose bundle has untrained verifiers", () => {
  let bundle: string;
  let backend: RealBackend;
  let edge: TestEdge;

  beforeAll(async () => {
    const missing = realBackendMissing();
    if (missing) throw new Error(`cannot start the real backend: ${missing}`);
    bundle = mkdtempSync(join(tmpdir(), "tinyscale-vhs-only-"));
    cpSync(TINY_BUNDLE, bundle, { recursive: true });
    const file = join(bundle, "manifest.json");
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    manifest.test_bundle = false;
    manifest.trained = {
      generator: true,
      text_encoder: true,
      vhs_verifier: true,
      clip_verifier: false,
      ae_verifier: false,
    };
    writeFileSync(file, JSON.stringify(manifest));
    backend = await startRealBackend(SIGNING_SECRET, 90_000, bundle);
    edge = await startTestEdge([backend.url]);
  }, 120_000);
  afterAll(async () => {
    await edge?.close();
    await backend?.close();
    if (bundle) rmSync(bundle, { recursive: true, force: true });
  });

  it("lists only the trained modes and refuses the others with a typed error", async () => {
    const created = await edge.createKey({ credits_quota: 100 });
    const models = (await (await edge.fetch("/v1/models", { key: created.key })).json()) as {
      data: { id: string; verifiers: string[] }[];
    };
    expect(models.data.map((m) => m.verifiers)).toEqual([["vhs", "none"]]);
    const refused = await edge.generate(created.key, { prompt: "a red fox", n: 1, verifier: "ae" });
    expect(refused.status).toBe(422);
    expect(await errorCode(refused)).toBe("unsupported_verifier");
  });
});
