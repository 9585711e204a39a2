// The whole local stack on loopback: the gpu-backend process on a bundle, the edge in workerd in front
// of it with a fresh signing secret, and one development API key created through the admin API.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { TinyscaleAdmin } from "tinyscale";
import { startBackend } from "./backend-process.js";
import { freePort } from "./free-port.js";
import { loadLowPriorityCommand, loadStartLocalEdge } from "./local-edge.js";
import { servedBundle } from "./served-bundle.js";

export interface StackOptions {
  repoRoot: string;
  /** Model bundle folder; default `servedBundle()` (shapes, or tiny while shapes is absent). */
  bundle?: string;
  /** 0 or unset: any free port. */
  edgePort?: number;
  backendPort?: number;
  /** Folder for the backend's log file. */
  logDir: string;
  keyName: string;
  /** Limits of the development key; unset fields keep the edge's defaults. */
  keyLimits?: { credits_quota?: number; rpm?: number; burst?: number };
  /** Where the edge keeps D1 and Durable Object state; unset: in memory, gone on close. */
  persistTo?: string;
  /**
   * How much lower the backend's CPU priority is than the edge's (nice, 0–19); default
   * TINYSCALE_BACKEND_NICE, else the edge's LOCAL_BACKEND_NICENESS (docs/scheduling.md, one machine).
   */
  backendNiceness?: number;
}

export interface LocalStack {
  edgeUrl: string;
  backendUrl: string;
  apiKey: string;
  adminToken: string;
  backendToken: string;
  backendLog: string;
  close(): Promise<void>;
}

const secret = () => randomBytes(32).toString("hex");

/** TINYSCALE_BACKEND_NICE, or undefined (the edge's default) when unset. */
function backendNicenessFromEnv(): number | undefined {
  const raw = process.env.TINYSCALE_BACKEND_NICE;
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 19)
    throw new Error(`TINYSCALE_BACKEND_NICE must be an integer from 0 to 19, got "${raw}"`);
  return value;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  mkdirSync(options.logDir, { recursive: true });
  const signingSecret = secret();
  const adminToken = secret();
  const backendToken = secret();
  const backendLog = join(options.logDir, "gpu-backend.log");
  const startLocalEdge = await loadStartLocalEdge();
  const lowPriority = await loadLowPriorityCommand();
  const niceness = options.backendNiceness ?? backendNicenessFromEnv();
  const backend = await startBackend({
    launch: (command, args) => lowPriority(command, args, niceness),
    repoRoot: options.repoRoot,
    bundle: options.bundle ?? servedBundle(options.repoRoot).dir,
    port: options.backendPort || (await freePort()),
    signingSecret,
    backendToken,
    logFile: backendLog,
  });
  let edge: Awaited<ReturnType<typeof startLocalEdge>>;
  try {
    edge = await startLocalEdge({
      backends: [backend.url],
      signingSecret,
      adminToken,
      port: options.edgePort || (await freePort()),
      ...(options.persistTo ? { persistTo: options.persistTo } : {}),
    });
  } catch (error) {
    await backend.stop();
    throw error;
  }
  // Miniflare's own SIGINT/SIGTERM hook disposes workerd and exits at once, before any async handler
  // of ours could await the backend: so on a signal, SIGTERM the backend synchronously (it drains on
  // its own), then let Miniflare finish. On a normal close both are awaited.
  const onSignal = () => backend.signalStop();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.prependListener(signal, onSignal);
  process.once("exit", onSignal);
  const close = async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.removeListener(signal, onSignal);
    process.removeListener("exit", onSignal);
    await edge.close();
    await backend.stop();
  };
  try {
    const edgeUrl = edge.url.replace(/\/+$/, "");
    const admin = new TinyscaleAdmin({ adminToken, baseURL: edgeUrl });
    // Every keyed call spends a rate-limit token: the demo's budget bisection alone makes ~15 plan calls
    // in a second, so the development key has room for that (the edge's defaults suit real clients).
    const created = await admin.createKey({
      name: options.keyName,
      environment: "test",
      rpm: 600,
      burst: 60,
      ...options.keyLimits,
    });
    return {
      edgeUrl,
      backendUrl: backend.url,
      apiKey: created.key,
      adminToken,
      backendToken,
      backendLog,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
