// Every operator-facing setting of the backend: one table gives the flag, the env var, the default and
// the help line; --help is built from it and options.test.ts checks the README's table against it.

import { BACKEND_ROUTES } from "@tinyscale/shared";
import type { SchedulerName } from "../admission/scheduler.js";
import { isLogLevel, type LogLevel } from "../log/logger.js";

export type ExecutionProviderName = "cpu" | "cuda";

export interface BackendOptions {
  port: number;
  host: string | undefined;
  bundle: string;
  ep: ExecutionProviderName;
  deviceId: number;
  signingSecret: string | undefined;
  backendToken: string | undefined;
  allowUnauthenticated: boolean;
  maxQueue: number;
  maxBatch: number | undefined;
  maxN: number;
  workers: number;
  bodyLimitBytes: number;
  textCacheSize: number;
  profileRuns: number;
  intraOpThreads: number | undefined;
  workerNice: number;
  logLevel: LogLevel;
  scheduler: SchedulerName;
}

interface OptionSpec {
  key: keyof BackendOptions;
  flag: string;
  env: string | undefined;
  kind: "int" | "string" | "bool";
  defaultText: string;
  help: string;
}

export const OPTION_SPECS: readonly OptionSpec[] = [
  {
    key: "port",
    flag: "--port",
    env: "PORT",
    kind: "int",
    defaultText: "8090",
    help: "TCP port to listen on.",
  },
  {
    key: "host",
    flag: "--host",
    env: "HOST",
    kind: "string",
    defaultText: "0.0.0.0 (127.0.0.1 when unauthenticated)",
    help: "Interface to bind. Forced to 127.0.0.1 with --allow-unauthenticated.",
  },
  {
    key: "bundle",
    flag: "--bundle",
    env: "TINYSCALE_BUNDLE",
    kind: "string",
    defaultText: "models/tiny (relative to gpu-backend/)",
    help: "Model bundle folder (manifest.json, *.onnx, tokenizers).",
  },
  {
    key: "ep",
    flag: "--ep",
    env: "TINYSCALE_EP",
    kind: "string",
    defaultText: "cpu",
    help: "onnxruntime execution provider: cpu | cuda.",
  },
  {
    key: "deviceId",
    flag: "--device-id",
    env: "TINYSCALE_DEVICE_ID",
    kind: "int",
    defaultText: "0",
    help: "CUDA device id (the only CUDA option onnxruntime-node exposes; one process per GPU).",
  },
  {
    key: "signingSecret",
    flag: "--signing-secret",
    env: "TINYSCALE_SIGNING_SECRET",
    kind: "string",
    defaultText: "unset",
    help: "Shared secret for the edge's HMAC-SHA256 request signatures (prefer the env var).",
  },
  {
    key: "backendToken",
    flag: "--backend-token",
    env: "TINYSCALE_BACKEND_TOKEN",
    kind: "string",
    defaultText: "unset",
    help: "Bearer token for direct (self-hosted) callers (prefer the env var).",
  },
  {
    key: "allowUnauthenticated",
    flag: "--allow-unauthenticated",
    env: undefined,
    kind: "bool",
    defaultText: "off",
    help: "Start without a secret or token; then listens on 127.0.0.1 only.",
  },
  {
    key: "maxQueue",
    flag: "--max-queue",
    env: "TINYSCALE_MAX_QUEUE",
    kind: "int",
    defaultText: "32",
    help: "Requests allowed to wait for a worker; beyond it: 503 overloaded + Retry-After.",
  },
  {
    key: "maxBatch",
    flag: "--max-batch",
    env: "TINYSCALE_MAX_BATCH",
    kind: "int",
    defaultText: "the bundle's max_batch",
    help: "Largest candidate batch per graph run (capped at the bundle's max_batch).",
  },
  {
    key: "maxN",
    flag: "--max-n",
    env: "TINYSCALE_MAX_N",
    kind: "int",
    defaultText: "64",
    help: "Largest N a request may ask or plan for.",
  },
  {
    key: "scheduler",
    flag: "--scheduler",
    env: "TINYSCALE_SCHEDULER",
    kind: "string",
    defaultText: "batched",
    help:
      "batched: requests share graph batches and N follows the load, refusing at once what cannot " +
      "finish in time; legacy: one whole request per worker from a FIFO (kept for comparison).",
  },
  {
    key: "workers",
    flag: "--workers",
    env: "TINYSCALE_WORKERS",
    kind: "int",
    defaultText: "1",
    help: "Inference worker threads, each holding its own sessions (keep 1 per GPU).",
  },
  {
    key: "bodyLimitBytes",
    flag: "--body-limit",
    env: "TINYSCALE_BODY_LIMIT",
    kind: "int",
    defaultText: "65536",
    help: "Largest request body in bytes; beyond it: 413 payload_too_large.",
  },
  {
    key: "textCacheSize",
    flag: "--text-cache-size",
    env: "TINYSCALE_TEXT_CACHE_SIZE",
    kind: "int",
    defaultText: "64",
    help:
      "Prompts whose text embeddings are kept (LRU) per worker; 0 disables the cache. " +
      "An entry is output_length × caption_channels floats (≈2.8 MB at SANA-Sprint's 300 × 2304).",
  },
  {
    key: "profileRuns",
    flag: "--profile-runs",
    env: "TINYSCALE_PROFILE_RUNS",
    kind: "int",
    defaultText: "3",
    help: "Timed runs per stage and batch size when measuring the latency profile at start-up.",
  },
  {
    key: "intraOpThreads",
    flag: "--intra-op-threads",
    env: "TINYSCALE_INTRA_OP_THREADS",
    kind: "int",
    defaultText: "onnxruntime's default",
    help: "CPU threads per graph run (onnxruntime intraOpNumThreads).",
  },
  {
    key: "workerNice",
    flag: "--worker-nice",
    env: "TINYSCALE_WORKER_NICE",
    kind: "int",
    defaultText: "10",
    help:
      "How much lower (Linux nice, 0..19) the inference threads run than the HTTP thread, so that " +
      "refusals and finished answers do not wait behind a graph run for a core. 0 keeps them equal.",
  },
  {
    key: "logLevel",
    flag: "--log-level",
    env: "TINYSCALE_LOG_LEVEL",
    kind: "string",
    defaultText: "info",
    help: "debug | info | warn | error. Prompt text is logged at debug only.",
  },
];

export class OptionsError extends Error {
  override name = "OptionsError";
}

export const DEFAULT_OPTIONS: BackendOptions = {
  port: 8090,
  host: undefined,
  bundle: "models/tiny",
  ep: "cpu",
  deviceId: 0,
  signingSecret: undefined,
  backendToken: undefined,
  allowUnauthenticated: false,
  maxQueue: 32,
  maxBatch: undefined,
  maxN: 64,
  workers: 1,
  bodyLimitBytes: 65_536,
  textCacheSize: 64,
  profileRuns: 3,
  intraOpThreads: undefined,
  workerNice: 10,
  logLevel: "info",
  scheduler: "batched",
};

export function parseExecutionProvider(value: string): ExecutionProviderName {
  if (value === "cpu" || value === "cuda") return value;
  throw new OptionsError(`unknown execution provider "${value}" (TINYSCALE_EP / --ep): expected cpu or cuda`);
}

function parseInt10(spec: OptionSpec, raw: string): number {
  if (!/^\d+$/.test(raw.trim())) {
    throw new OptionsError(
      `${spec.flag}${spec.env ? ` / ${spec.env}` : ""}: expected a non-negative integer, got "${raw}"`,
    );
  }
  return Number(raw.trim());
}

/** Applies one raw value (from env or argv) to the options; the spec says how to read it. */
function apply(options: BackendOptions, spec: OptionSpec, raw: string): void {
  const target = options as unknown as Record<string, unknown>;
  if (spec.kind === "int") target[spec.key] = parseInt10(spec, raw);
  else if (spec.kind === "bool") target[spec.key] = raw === "" || raw === "1" || raw === "true";
  else target[spec.key] = raw;
}

/**
 * Reads env first, then argv (flags win). Returns "help" when --help/-h is present.
 * Throws OptionsError with a message naming the flag for anything it cannot read.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BackendOptions | "help" {
  const options: BackendOptions = { ...DEFAULT_OPTIONS };
  for (const spec of OPTION_SPECS) {
    const value = spec.env ? env[spec.env] : undefined;
    if (value !== undefined && value !== "") apply(options, spec, value);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") return "help";
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg];
    const spec = OPTION_SPECS.find((s) => s.flag === flag);
    if (!spec) throw new OptionsError(`unknown option "${arg}" (see --help)`);
    if (spec.kind === "bool") {
      apply(options, spec, inline ?? "");
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new OptionsError(`${spec.flag} needs a value`);
    apply(options, spec, value);
  }
  options.ep = parseExecutionProvider(options.ep);
  if (!isLogLevel(options.logLevel)) {
    throw new OptionsError(
      `--log-level / TINYSCALE_LOG_LEVEL: expected debug|info|warn|error, got "${options.logLevel}"`,
    );
  }
  if (options.scheduler !== "batched" && options.scheduler !== "legacy") {
    throw new OptionsError(
      `--scheduler / TINYSCALE_SCHEDULER: expected batched or legacy, got "${String(options.scheduler)}"`,
    );
  }
  if (options.workers < 1) throw new OptionsError("--workers / TINYSCALE_WORKERS must be at least 1");
  if (options.workerNice > 19) {
    throw new OptionsError("--worker-nice / TINYSCALE_WORKER_NICE must be between 0 and 19");
  }
  if (options.maxN < 1) throw new OptionsError("--max-n / TINYSCALE_MAX_N must be at least 1");
  if (options.maxBatch !== undefined && options.maxBatch < 1) {
    throw new OptionsError("--max-batch / TINYSCALE_MAX_BATCH must be at least 1");
  }
  return options;
}

export function helpText(): string {
  const lines = [
    "tinyscale gpu-backend: the VHS best-of-N image pipeline over HTTP.",
    "",
    "Usage: node dist/server.js [options]      (npm start -w gpu-backend -- [options])",
    "",
    "Options (flag / environment variable, default):",
  ];
  for (const spec of OPTION_SPECS) {
    const value = spec.kind === "bool" ? "" : spec.kind === "int" ? " <n>" : " <value>";
    lines.push(`  ${spec.flag}${value}${spec.env ? `   env ${spec.env}` : ""}`);
    lines.push(`      ${spec.help} Default: ${spec.defaultText}.`);
  }
  lines.push("  --help, -h", "      Print this help and exit.", "");
  lines.push(
    "Authentication: set TINYSCALE_SIGNING_SECRET (edge HMAC) and/or TINYSCALE_BACKEND_TOKEN (bearer).",
    "With neither, the backend refuses to start unless --allow-unauthenticated is given.",
    "",
    `Endpoints: ${BACKEND_ROUTES.map((route) => `${route.method.toUpperCase()} ${route.path}`).join(", ")}.`,
  );
  return lines.join("\n");
}
