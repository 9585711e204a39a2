// End to end on loopback: the real gpu-backend (tiny bundle, CPU) behind the real edge (workerd), a key
// made through the admin API, then the SDK, the CLI, examples/generate.ts and examples/generate.sh.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LocalEdge } from "@tinyscale/edge";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TinyscaleAdmin } from "../src/admin.js";
import { Tinyscale } from "../src/client.js";
import {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
} from "../src/core/errors.js";
import { ADMIN_TOKEN, type LocalStack, startLocalStack } from "./helpers/local-stack.js";
import { readPngSize } from "./helpers/png.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

let stack: LocalStack;
let edge: LocalEdge;
let apiKey: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tinyscale-e2e-"));
  stack = await startLocalStack("sdk e2e");
  ({ edge, apiKey } = stack);
});

afterAll(async () => {
  await stack?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function run(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
      },
    );
  });
}

async function decodedSize(path: string): Promise<{ width: number; height: number }> {
  const { info } = await sharp(await readFile(path))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height };
}

describe("SDK against the real stack", () => {
  it("client.generate() returns a PNG that decodes to the reported size", async () => {
    const client = new Tinyscale({ apiKey, baseURL: edge.url });
    const result = await client.generate({ prompt: "a red fox in the snow", n: 3, seed: 42 });
    expect(result.mimeType).toBe("image/png");
    const { data, info } = await sharp(result.image).raw().toBuffer({ resolveWithObject: true });
    expect({ width: info.width, height: info.height }).toEqual({
      width: result.width,
      height: result.height,
    });
    expect(data.length).toBe(result.width * result.height * info.channels);
    expect(readPngSize(result.image)).toEqual({ width: result.width, height: result.height });
    expect(result.candidates.map((c) => c.seed)).toEqual([42, 43, 44]);
    const best = Math.max(...result.candidates.map((c) => c.score));
    expect(result.candidates[result.chosenIndex]?.score).toBe(best);
    expect(result).toMatchObject({ n: 3, nRequested: 3, plannedMs: null, usage: { credits: 4 } });
    expect(result.requestId).toMatch(/\S/);
  });

  it('imageTransport "b64_json" gets the same image as bytes for the same seed', async () => {
    const bytes = new Tinyscale({ apiKey, baseURL: edge.url });
    const b64 = new Tinyscale({ apiKey, baseURL: edge.url, imageTransport: "b64_json" });
    const params = { prompt: "a quiet harbour", n: 2, seed: 9 };
    const [first, second] = [await bytes.generate(params), await b64.generate(params)];
    expect(second.image).toEqual(first.image);
    expect(second.candidates).toEqual(first.candidates);
  });

  it("the same Idempotency-Key replays the stored result without a second charge", async () => {
    const client = new Tinyscale({ apiKey, baseURL: edge.url });
    const params = { prompt: "a paper crane", n: 2, seed: 3 };
    const usedBefore = (await client.usage()).credits_used;
    const first = await client.generate(params, { idempotencyKey: "e2e-replay-1" });
    const again = await client.generate(params, { idempotencyKey: "e2e-replay-1" });
    expect(first.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    expect(again.image).toEqual(first.image);
    // Charged once: n + 1 credits for the first call, nothing for the replay.
    expect((await client.usage()).credits_used - usedBefore).toBe(first.usage.credits);
    expect(first.usage.credits).toBe(3);
  });

  it("budgets, plan, usage and models answer from the edge", async () => {
    const client = new Tinyscale({ apiKey, baseURL: edge.url });
    const plan = await client.plan({ budget_ms: 5_000 });
    expect(plan.n).toBeGreaterThanOrEqual(1);
    const budgeted = await client.generate({ prompt: "a lighthouse at dusk", budget_ms: 5_000, seed: 1 });
    // The edge planned n from the budget and reports its prediction.
    expect(budgeted.plannedMs).toBeGreaterThan(0);
    expect(budgeted.nRequested).toBeGreaterThanOrEqual(1);
    expect(budgeted.n).toBeLessThanOrEqual(budgeted.nRequested);
    expect(budgeted.candidates).toHaveLength(budgeted.n);
    const usage = await client.usage();
    expect(usage.credits_used).toBeGreaterThanOrEqual(4 + budgeted.usage.credits);
    const models = await client.models();
    expect(models.data.map((m) => m.id)).toContain(budgeted.model);
  });

  it("typed errors: bad key, invalid request, revoked key", async () => {
    const wrong = new Tinyscale({ apiKey: "ts_test_not_a_real_key", baseURL: edge.url });
    const unauthorized = await wrong.usage().catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect((unauthorized as AuthenticationError).requestId).toMatch(/\S/);

    const client = new Tinyscale({ apiKey, baseURL: edge.url });
    const invalid = await client.generate({ prompt: "x", n: 0 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect(invalid).toMatchObject({ status: 400, code: "invalid_request" });

    const admin = new TinyscaleAdmin({ adminToken: ADMIN_TOKEN, baseURL: edge.url });
    const doomed = await admin.createKey({ name: "to revoke", environment: "test" });
    expect((await admin.listKeys()).data.map((k) => k.id)).toContain(doomed.id);
    expect(await admin.updateKey(doomed.id, { rpm: 7, name: "renamed" })).toMatchObject({
      rpm: 7,
      name: "renamed",
    });
    const doomedClient = new Tinyscale({ apiKey: doomed.key, baseURL: edge.url });
    expect((await doomedClient.usage()).rate_limit.rpm).toBe(7);
    const missing = await admin.revokeKey("key_does_not_exist").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    await admin.revokeKey(doomed.id);
    const revoked = await doomedClient.usage().catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(PermissionDeniedError);
    expect(revoked).toMatchObject({ code: "key_revoked" });
  });
});

describe("the CLI and the examples against the real stack", () => {
  const env = () => ({ TINYSCALE_API_KEY: apiKey, TINYSCALE_BASE_URL: edge.url, BUDGET_MS: "5000" });

  it("tinyscale generate writes an image and prints the scores", async () => {
    const out = join(dir, "cli.png");
    const bin = join(REPO, "sdk", "bin", "tinyscale.js");
    const result = await run(
      process.execPath,
      [bin, "generate", "a red fox", "--n", "2", "--seed", "7", "--out", out],
      env(),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/cand\s+seed\s+score\s+verdict/);
    const size = await decodedSize(out);
    expect(result.stdout).toContain(`wrote ${out} (${size.width}×${size.height} image/png`);
  });

  it("tinyscale keys create / list / revoke drive the admin API", async () => {
    const bin = join(REPO, "sdk", "bin", "tinyscale.js");
    const adminEnv = { TINYSCALE_ADMIN_TOKEN: ADMIN_TOKEN, TINYSCALE_BASE_URL: edge.url };
    const created = await run(
      process.execPath,
      [bin, "keys", "create", "--name", "from the cli", "--rpm", "30", "--json"],
      adminEnv,
    );
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; rpm: number };
    expect(key).toMatchObject({ rpm: 30 });
    const listed = await run(process.execPath, [bin, "keys", "list"], adminEnv);
    expect(listed.stdout).toMatch(new RegExp(`${key.id}\\s+from the cli\\s+\\S+\\s+30\\s`));
    const usage = await run(process.execPath, [bin, "usage", "--json"], {
      TINYSCALE_API_KEY: key.key,
      TINYSCALE_BASE_URL: edge.url,
    });
    expect(JSON.parse(usage.stdout)).toMatchObject({ key_id: key.id, rate_limit: { rpm: 30 } });
    const revoked = await run(process.execPath, [bin, "keys", "revoke", key.id], adminEnv);
    expect(revoked.stdout).toContain(`revoked ${key.id}`);
    const refused = await run(process.execPath, [bin, "usage"], {
      TINYSCALE_API_KEY: key.key,
      TINYSCALE_BASE_URL: edge.url,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/403 key_revoked/);
  });

  it("examples/generate.ts (SDK, run with tsx) writes an image", async () => {
    const out = join(dir, "example-ts.png");
    const tsx = join(REPO, "node_modules", ".bin", "tsx");
    const result = await run(
      tsx,
      [join(REPO, "examples", "generate.ts"), "a cabin in the woods", out],
      env(),
    );
    expect(result.code, result.stderr).toBe(0);
    const size = await decodedSize(out);
    expect(result.stdout).toContain(`wrote ${out}: ${size.width}×${size.height} image/png`);
  });

  it("examples/generate.sh (curl + jq) writes an image", async () => {
    const out = join(dir, "example-sh.png");
    const result = await run("bash", [join(REPO, "examples", "generate.sh"), "a sailboat", out], env());
    expect(result.code, result.stderr).toBe(0);
    const size = await decodedSize(out);
    expect(result.stdout).toContain(`wrote ${out}: ${size.width}x${size.height} image/png`);
    expect(result.stdout).toMatch(/▶ #\d+\s+seed \d+\s+score -?[\d.e-]+\s+(yes|no)/);
  });
  it("examples/generate.sh reports an API error in one line and exits 1", async () => {
    const result = await run("bash", [join(REPO, "examples", "generate.sh"), "x", join(dir, "never.png")], {
      TINYSCALE_API_KEY: "ts_test_not_a_real_key",
      TINYSCALE_BASE_URL: edge.url,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error 401 invalid_api_key: .+ \(request req_\w+\)$/m);
    expect(existsSync(join(dir, "never.png"))).toBe(false);
  });
});
