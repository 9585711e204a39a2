// startLocalEdge: the whole edge on this machine — the bundled Worker inside workerd (miniflare) with
// a local D1 (migrations applied) and the KeyMeter Durable Object — for tests, demos and benchmarks.
import { dirname, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { applyMigrations } from "./apply-migrations.js";
import { buildWorker } from "./build-worker.js";
import { EDGE_PATHS } from "./paths.js";

export interface LocalEdgeOptions {
  /** Backend base URLs, e.g. ["http://127.0.0.1:8090"]. */
  backends: string[];
  signingSecret: string;
  adminToken: string;
  /** Port on 127.0.0.1 to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Extra vars (PROFILE_TTL_MS, DEFAULT_KEY_LIMITS, …), as in wrangler.jsonc. */
  vars?: Record<string, string>;
  /** Directory to keep D1/Durable Object state in across restarts; in memory when left out. */
  persistTo?: string;
  /** Rebuild the Worker bundle even if this process built it already. */
  rebuild?: boolean;
  /** Use this already-built bundle instead of building (test runs build once in their global setup). */
  scriptPath?: string;
}

export interface LocalEdge {
  /** Base URL of the edge, e.g. http://127.0.0.1:43123 */
  url: string;
  mf: Miniflare;
  close(): Promise<void>;
}

export const LOCAL_COMPATIBILITY_DATE = "2026-07-30";

let bundled: Promise<string> | undefined;

/** Builds the Worker once per process (concurrent callers share the build). */
export function ensureWorkerBundle(rebuild = false): Promise<string> {
  if (rebuild || !bundled) bundled = buildWorker();
  return bundled;
}

export function localMiniflareOptions(options: LocalEdgeOptions, scriptPath: string) {
  const persist = options.persistTo;
  const script = resolve(scriptPath);
  return {
    modules: true,
    scriptPath: script,
    // Module names are paths relative to modulesRoot, which defaults to process.cwd(); workerd refuses a
    // name with "..", so a bundle outside the cwd (any caller not started in the repo root) failed.
    // Rooting the modules at the bundle's own folder makes the edge start from any cwd.
    modulesRoot: dirname(script),
    compatibilityDate: LOCAL_COMPATIBILITY_DATE,
    host: "127.0.0.1",
    port: options.port ?? 0,
    d1Databases: { DB: "tinyscale-edge-local" },
    durableObjects: { KEY_METER: { className: "KeyMeter", useSQLite: true } },
    bindings: {
      ...options.vars,
      BACKENDS: JSON.stringify(options.backends),
      SIGNING_SECRET: options.signingSecret,
      ADMIN_TOKEN: options.adminToken,
    },
    ...(persist ? { d1Persist: `${persist}/d1`, durableObjectsPersist: `${persist}/do` } : {}),
  };
}

export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge> {
  const scriptPath = options.scriptPath ?? (await ensureWorkerBundle(options.rebuild));
  const mf = new Miniflare(localMiniflareOptions(options, scriptPath));
  try {
    const url = await mf.ready;
    await applyMigrations(await mf.getD1Database("DB"));
    return {
      url: url.origin,
      mf,
      close: () => mf.dispose(),
    };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}

export { EDGE_PATHS };
