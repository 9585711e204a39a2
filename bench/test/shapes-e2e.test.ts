// The served default bundle end to end: the real gpu-backend on the trained `shapes` bundle behind the
// real edge (workerd), a key from the admin API, then the SDK asking for prompts of the shapes world.
// It checks the answer's shape and format and that the verifier's winner is candidate chosen_index as
// fetched alone; whether images obey their prompts is the evaluation's job (npm run eval:shapes).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalEdge, startLocalEdge } from "@tinyscale/edge";
import { type RunningBackend, startBackend } from "@tinyscale/gpu-backend";
import sharp from "sharp";
import { Tinyscale, TinyscaleAdmin } from "tinyscale";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judge } from "../src/shapes/shapeeval.js";
import { WORLD } from "../src/shapes/world.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BUNDLE = process.env.TINYSCALE_SHAPES_BUNDLE ?? join(REPO, "gpu-backend", "models", "shapes");
const present = existsSync(join(BUNDLE, "manifest.json"));
const SIGNING_SECRET = "shapes-e2e-signing-secret-0123456789";
const ADMIN_TOKEN = "shapes-e2e-admin-token-0123456789";

let backend: RunningBackend;
let edge: LocalEdge;
let client: Tinyscale;

async function pixels(png: Uint8Array) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

// The shapes bundle is exported by `npm run train:shapes`; a checkout without it has nothing to serve.
describe.skipIf(!present)(`the shapes bundle served through edge and SDK (${BUNDLE})`, () => {
  beforeAll(async () => {
    backend = await startBackend({
      port: 0,
      host: "127.0.0.1",
      bundle: BUNDLE,
      signingSecret: SIGNING_SECRET,
      profileRuns: 1,
      intraOpThreads: 1,
      workers: 1,
      logLevel: "error",
    });
    edge = await startLocalEdge({
      backends: [backend.url],
      signingSecret: SIGNING_SECRET,
      adminToken: ADMIN_TOKEN,
    });
    const admin = new TinyscaleAdmin({ adminToken: ADMIN_TOKEN, baseURL: edge.url });
    const created = await admin.createKey({ name: "shapes e2e", environment: "test" });
    client = new Tinyscale({ apiKey: created.key, baseURL: edge.url });
  });

  afterAll(async () => {
    await edge?.close();
    await backend?.close();
  });

  it("lists the bundle with the world's image size and every verifier", async () => {
    const manifest = JSON.parse(readFileSync(join(BUNDLE, "manifest.json"), "utf8"));
    const models = await client.models();
    const size = `${WORLD.imageSize}x${WORLD.imageSize}`;
    expect(models.data).toHaveLength(1);
    expect(models.data[0]).toMatchObject({ id: manifest.bundle_id, default_size: size });
    expect(models.data[0]?.verifiers).toEqual(expect.arrayContaining(["vhs", "clip", "ae", "none"]));
  });

  it("answers a world prompt with a 64×64 PNG, scored candidates and the winner it names", async () => {
    const prompt = WORLD.demoPrompts[5] as string;
    const result = await client.generate({ prompt, n: 4, seed: 1234 });
    expect(result.mimeType).toBe("image/png");
    const { width, height } = await sharp(result.image).metadata();
    expect({ width, height }).toEqual({ width: WORLD.imageSize, height: WORLD.imageSize });
    expect(result.candidates.map((c) => c.seed)).toEqual([1234, 1235, 1236, 1237]);
    for (const c of result.candidates) {
      expect(Math.abs(c.score)).toBeLessThanOrEqual(1);
      expect(c.verdict).toBe(c.score > 0 ? "yes" : "no");
    }
    const best = Math.max(...result.candidates.map((c) => c.score));
    expect(result.candidates[result.chosenIndex]?.score).toBe(best);
    expect(result).toMatchObject({ n: 4, nRequested: 4, model: expect.any(String), usage: { credits: 5 } });

    // The winner is the chosen candidate: fetched alone by its seed without a verifier, it judges the same
    // and differs by at most a level or so (batch-size rounding inside the graphs).
    const chosen = result.candidates[result.chosenIndex];
    const alone = await client.generate({ prompt, n: 1, seed: chosen?.seed ?? 0, verifier: "none" });
    const [a, b] = [await pixels(result.image), await pixels(alone.image)];
    const diff = a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - (b.data[i] as number))), 0);
    expect(diff).toBeLessThanOrEqual(2);
    expect(judge(a, prompt).correct).toBe(judge(b, prompt).correct);
  });

  it("plans N from a budget for every verifier and draws different images for different seeds", async () => {
    for (const verifier of ["vhs", "clip", "ae"] as const) {
      const r = await client.generate({
        prompt: WORLD.demoPrompts[0] as string,
        budget_ms: 5_000,
        seed: 5,
        verifier,
      });
      expect(r.nRequested).toBeGreaterThanOrEqual(1);
      expect(r.candidates).toHaveLength(r.n);
      expect(r.plannedMs).toBeGreaterThan(0);
    }
    const [x, y] = [
      await client.generate({ prompt: WORLD.demoPrompts[2] as string, n: 1, seed: 1, verifier: "none" }),
      await client.generate({ prompt: WORLD.demoPrompts[2] as string, n: 1, seed: 2, verifier: "none" }),
    ];
    expect(x.image).not.toEqual(y.image);
  });
});
