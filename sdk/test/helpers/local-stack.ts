// The real local stack for the SDK's end-to-end tests: the gpu-backend on the committed tiny bundle (CPU)
// behind the edge in workerd, both on 127.0.0.1, and a test key made through the admin API.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalEdge, startLocalEdge } from "@tinyscale/edge";
import { type RunningBackend, startBackend } from "@tinyscale/gpu-backend";
import { TinyscaleAdmin } from "../../src/admin.js";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
// TINYSCALE_TEST_BUNDLE overrides the committed bundle (as in gpu-backend/test), e.g. a freshly exported one.
const TINY_BUNDLE = process.env.TINYSCALE_TEST_BUNDLE ?? join(REPO, "gpu-backend", "models", "tiny");
const SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef";
export const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";

export interface LocalStack {
  backend: RunningBackend;
  edge: LocalEdge;
  /** A `test` key made through the admin API. */
  apiKey: string;
  close(): Promise<void>;
}

export async function startLocalStack(keyName: string): Promise<LocalStack> {
  if (!existsSync(join(TINY_BUNDLE, "manifest.json"))) {
    throw new Error(`the tiny model bundle is missing (${TINY_BUNDLE}); it is committed with gpu-backend`);
  }
  const backend = await startBackend({
    port: 0,
    host: "127.0.0.1",
    bundle: TINY_BUNDLE,
    signingSecret: SIGNING_SECRET,
    profileRuns: 1,
    intraOpThreads: 1,
    workers: 1,
    logLevel: "error",
  });
  try {
    const edge = await startLocalEdge({
      backends: [backend.url],
      signingSecret: SIGNING_SECRET,
      adminToken: ADMIN_TOKEN,
    });
    const admin = new TinyscaleAdmin({ adminToken: ADMIN_TOKEN, baseURL: edge.url });
    const { key } = await admin.createKey({ name: keyName, environment: "test" });
    return {
      backend,
      edge,
      apiKey: key,
      close: async () => {
        await edge.close();
        await backend.close();
      },
    };
  } catch (error) {
    await backend.close();
    throw error;
  }
}
