// Programmatic start of a complete backend: checks auth config and the bundle manifest, listens, starts
// the inference workers, measures the latency profile, then reports ready. Used by server.ts, the edge's
// integration tests, the demo and the benchmarks; close()/drain() stop it cleanly.

import type { AddressInfo } from "node:net";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type Profile, TinyscaleError } from "@tinyscale/shared";
import { AdmissionQueue } from "./admission/admission-queue.js";
import { BatchAdmission } from "./admission/batch-admission.js";
import type { Scheduler } from "./admission/scheduler.js";
import { createApp } from "./app.js";
import { createAuthenticator } from "./auth/authenticate.js";
import type { BackendState } from "./backend-state.js";
import {
  type BackendOptions,
  DEFAULT_OPTIONS,
  OptionsError,
  parseExecutionProvider,
} from "./config/options.js";
import { createLogger, type Logger } from "./log/logger.js";
import { createMetrics } from "./metrics/metrics.js";
import { checkBundleFiles } from "./onnx/bundle.js";
import { CostModel } from "./scheduler/cost-model.js";
import { WorkerPool } from "./worker/worker-pool.js";

export interface StartBackendOptions extends Partial<BackendOptions> {
  /** Defaults to a JSON logger at `logLevel` on stdout. */
  logger?: Logger;
  /** Resolve only once the bundle is loaded and profiled (default true). With false, see `ready`. */
  waitReady?: boolean;
}

export interface RunningBackend {
  /** http://host:port of the listening server. */
  url: string;
  port: number;
  host: string;
  state: BackendState;
  /** `METHOD /path` of every route the HTTP app serves (tests compare it with the route table). */
  servedRoutes(): string[];
  /** Resolves when ready to serve; rejects (and closes) if the bundle cannot be loaded. */
  ready: Promise<void>;
  profile(): Profile | undefined;
  /** Graceful stop: readiness false, queued and running requests finish, then everything closes. */
  drain(): Promise<void>;
  /** Stops now: queued requests are not started; a running graph run completes first (see WorkerHost). */
  close(): Promise<void>;
  /** Makes one inference worker crash (uncaught error); it is replaced. For tests and drills. */
  crashWorker(index?: number): void;
  /** Thread ids of the current workers (changes when one is replaced). */
  workerThreadIds(): number[];
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** TINYSCALE_BUNDLE's default is relative to the gpu-backend package; given paths to the cwd. */
export function resolveBundleDir(bundle: string | undefined): string {
  if (bundle === undefined || bundle === DEFAULT_OPTIONS.bundle)
    return resolve(PACKAGE_ROOT, DEFAULT_OPTIONS.bundle);
  return isAbsolute(bundle) ? bundle : resolve(process.cwd(), bundle);
}

export async function startBackend(given: StartBackendOptions = {}): Promise<RunningBackend> {
  const options: BackendOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(given) };
  options.ep = parseExecutionProvider(options.ep);
  const logger = given.logger ?? createLogger(options.logLevel);
  if (!options.signingSecret && !options.backendToken && !options.allowUnauthenticated) {
    throw new OptionsError(
      "refusing to start without authentication: set TINYSCALE_SIGNING_SECRET (edge HMAC) and/or " +
        "TINYSCALE_BACKEND_TOKEN (bearer), or pass --allow-unauthenticated to listen on 127.0.0.1 only",
    );
  }
  const unauthenticated = !options.signingSecret && !options.backendToken;
  const host = unauthenticated ? "127.0.0.1" : (options.host ?? "0.0.0.0");
  const bundleDir = resolveBundleDir(given.bundle);
  const { manifest, modes } = checkBundleFiles(bundleDir);
  const state: BackendState = {
    phase: "loading",
    manifest,
    modes,
    maxBatch: Math.min(options.maxBatch ?? manifest.max_batch, manifest.max_batch),
    maxN: options.maxN,
    device: options.ep === "cuda" ? `cuda:${options.deviceId}` : "cpu",
    profile: undefined,
  };
  const metrics = createMetrics();
  const admission: Scheduler =
    options.scheduler === "legacy"
      ? new AdmissionQueue(options.maxQueue, metrics)
      : new BatchAdmission(
          options.maxQueue,
          () => new CostModel(state.profile?.stages, state.maxBatch),
          metrics,
          options.textCacheSize,
        );
  const app = createApp({
    state,
    admission,
    metrics,
    logger,
    authenticate: createAuthenticator(options),
    bodyLimitBytes: options.bodyLimitBytes,
  });
  const server = serve({ fetch: app.fetch, port: options.port, hostname: host });
  await new Promise<void>((ok, fail) => {
    if (server.listening) ok();
    server.once("listening", () => ok());
    server.once("error", fail);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  logger.info("listening", { url, host, port, bundle: bundleDir, ep: state.device, unauthenticated });
  if (unauthenticated)
    logger.warn("authentication disabled (--allow-unauthenticated): bound to 127.0.0.1 only");

  let pool: WorkerPool | undefined;
  const closeServer = () => new Promise<void>((done) => server.close(() => done()));
  const close = async () => {
    state.phase = "stopped";
    admission.abort(new TinyscaleError("overloaded", "backend is stopping", { retryAfterSeconds: 1 }));
    await pool?.close();
    await closeServer();
  };

  const ready = (async () => {
    const started = Date.now();
    pool = await WorkerPool.start({
      size: options.workers,
      logger,
      onCrash: () => metrics.workerCrashes.inc(),
      init: {
        bundleDir,
        session: { ep: options.ep, deviceId: options.deviceId, intraOpThreads: options.intraOpThreads },
        textCacheSize: options.textCacheSize,
        logLevel: options.logLevel,
        maxBatch: state.maxBatch,
        scheduler: options.scheduler,
        nice: options.workerNice,
      },
    });
    if (state.phase !== "loading") {
      // Stopped or drained while the workers were loading: nothing will serve them.
      await pool.close();
      throw new Error(`backend ${state.phase} before it became ready`);
    }
    const stages = await pool.measureProfile(state.maxBatch, options.profileRuns);
    state.profile = {
      bundle_id: manifest.bundle_id,
      device: state.device,
      measured_at: new Date().toISOString(),
      max_batch: state.maxBatch,
      max_n: state.maxN,
      stages,
    };
    const runner = pool;
    runner.onCapacity = () => admission.capacityChanged();
    admission.attach(runner);
    state.phase = "ready";
    logger.info("ready", {
      model: manifest.bundle_id,
      modes,
      load_ms: Date.now() - started,
      max_batch: state.maxBatch,
      scheduler: admission.name,
    });
  })();
  ready.catch(async (error: unknown) => {
    state.phase = "failed";
    logger.error("bundle could not be loaded", { error: (error as Error).message });
    await close().catch((closeError: unknown) => logger.error("close failed", { error: closeError }));
  });

  const backend: RunningBackend = {
    url,
    port,
    host,
    state,
    servedRoutes: () => [
      ...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`)),
    ],
    ready,
    profile: () => state.profile,
    drain: async () => {
      if (state.phase === "ready" || state.phase === "loading") state.phase = "draining";
      logger.info("draining", { queue_depth: admission.depth, in_flight: admission.inFlight });
      await admission.drain();
      await close();
      logger.info("drained and stopped");
    },
    close,
    crashWorker: (index = 0) => pool?.crashOne(index),
    workerThreadIds: () => pool?.threadIds ?? [],
  };
  if (given.waitReady !== false) await ready;
  return backend;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
