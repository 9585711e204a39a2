// The SDK inside workerd (Cloudflare's runtime, via miniflare): the ESM build is bundled into a Worker
// that calls a real HTTP server on 127.0.0.1, proving the client path needs no Node built-ins.
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiServer, startApiServer, TEST_KEY } from "./helpers/api-server.js";

const WORKER = `
import { Tinyscale, AuthenticationError, RateLimitError } from "tinyscale";
export default {
  async fetch(request, env) {
    const client = new Tinyscale({ apiKey: env.API_KEY, baseURL: env.API_URL });
    const result = await client.generate({ prompt: "a tiny red fox", n: 3, seed: 11 });
    const models = await client.models();
    const failure = await new Tinyscale({ apiKey: "nope", baseURL: env.API_URL }).usage().catch((e) => e);
    const head = Array.from(result.image.slice(0, 8));
    return Response.json({
      width: result.width, height: result.height, bytes: result.image.length, head,
      chosen: result.chosenIndex, seeds: result.candidates.map((c) => c.seed), requestId: result.requestId,
      models: models.data.map((m) => m.id), error: failure.constructor.name,
      isAuthError: failure instanceof AuthenticationError, notRateLimit: !(failure instanceof RateLimitError),
      hasProcess: typeof globalThis.process !== "undefined",
    });
  },
};`;

let server: ApiServer;
let mf: Miniflare | undefined;

beforeAll(async () => {
  server = await startApiServer({ failFirst: 1 });
  const bundle = await build({
    stdin: { contents: WORKER, resolveDir: new URL(".", import.meta.url).pathname, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser", "import"],
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.text;
  if (script === undefined) throw new Error("esbuild produced no output");
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2026-01-01",
    bindings: { API_URL: server.url, API_KEY: TEST_KEY },
  });
});

afterAll(async () => {
  await mf?.dispose();
  await server.close();
});

it("generates through the SDK inside workerd, retrying a 503 on the way", async () => {
  if (mf === undefined) throw new Error("miniflare did not start");
  const response = await mf.dispatchFetch("http://worker/");
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const result = JSON.parse(text);
  expect(result).toMatchObject({
    width: 32,
    height: 24,
    head: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chosen: 2,
    seeds: [11, 12, 13],
    models: ["tiny"],
    error: "AuthenticationError",
    isAuthError: true,
    notRateLimit: true,
    hasProcess: false,
  });
  expect(result.bytes).toBeGreaterThan(60);
  // One 503 then the success: the retry ran inside workerd with the same Idempotency-Key.
  const generates = server.requests.filter((r) => r.path === "/v1/generate");
  expect(generates).toHaveLength(2);
  expect(generates[1]?.headers["idempotency-key"]).toBe(generates[0]?.headers["idempotency-key"]);
});
