// The Worker's bindings and vars, validated once per env object with zod at the entry, turned into a
// typed Config; anything wrong becomes one clear 500 `misconfigured` instead of a crash deep in a route.
import { TinyscaleError } from "@tinyscale/shared";
import { z } from "zod";
import type { KeyMeter } from "../meter/key-meter.js";

/** The raw bindings wrangler.jsonc (or startLocalEdge) provides. */
export interface Env {
  DB: D1Database;
  KEY_METER: DurableObjectNamespace<KeyMeter>;
  BACKENDS: string;
  SIGNING_SECRET: string;
  ADMIN_TOKEN: string;
  PROFILE_TTL_MS?: string;
  NETWORK_MARGIN_MS?: string;
  TIMEOUT_MARGIN_MS?: string;
  DEFAULT_TIMEOUT_MS?: string;
  MAX_BODY_BYTES?: string;
  DEFAULT_KEY_LIMITS?: string;
  LEASE_SLACK_MS?: string;
  CORS_ALLOW_ORIGIN?: string;
}

const bindingWith = (method: string) =>
  z.custom<object>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      typeof (value as Record<string, unknown>)[method] === "function",
    { message: `must be a binding with ${method}()` },
  );

const intVar = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === "") return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: "custom", message: `must be an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const BackendListSchema = z
  .string()
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be a JSON list of URLs, e.g. ["http://10.0.0.2:8090"]' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, "")))
      .min(1, { message: "must list at least one backend URL" }),
  );

const KeyLimitsSchema = z.strictObject({
  rpm: z.number().int().min(1).default(60),
  burst: z.number().int().min(1).default(10),
  max_concurrent: z.number().int().min(1).default(4),
  credits_quota: z.number().int().min(0).default(1000),
  period: z.enum(["day", "month"]).default("month"),
});
export type KeyLimitDefaults = z.infer<typeof KeyLimitsSchema>;

const DefaultKeyLimitsSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === "") return {};
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(KeyLimitsSchema);

// `*` (the default) or a comma-separated list of exact origins, as browsers send them in `Origin`:
// scheme, lower-case host, port only when not the default, no path or trailing slash.
const CorsAllowOriginSchema = z
  .string()
  .optional()
  .transform((value, ctx): "*" | string[] => {
    if (value === undefined || value.trim() === "" || value.trim() === "*") return "*";
    const origins = value
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0);
    for (const origin of origins) {
      let parsed: URL | null = null;
      try {
        parsed = new URL(origin);
      } catch {
        // reported below
      }
      if (parsed === null || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
        ctx.addIssue({
          code: "custom",
          message: `must be "*" or a comma-separated list of origins like https://app.example.com, got "${origin}"`,
        });
        return z.NEVER;
      }
    }
    return origins;
  });

const EnvSchema = z.object({
  DB: bindingWith("prepare"),
  KEY_METER: bindingWith("idFromName"),
  BACKENDS: BackendListSchema,
  // Secrets shorter than this are almost certainly placeholders left in a config file.
  SIGNING_SECRET: z.string().min(16, { message: "must be at least 16 characters" }),
  ADMIN_TOKEN: z.string().min(16, { message: "must be at least 16 characters" }),
  PROFILE_TTL_MS: intVar(30_000, 100, 3_600_000),
  NETWORK_MARGIN_MS: intVar(20, 0, 10_000),
  TIMEOUT_MARGIN_MS: intVar(2_000, 0, 60_000),
  DEFAULT_TIMEOUT_MS: intVar(60_000, 1_000, 300_000),
  MAX_BODY_BYTES: intVar(64 * 1024, 1024, 10 * 1024 * 1024),
  LEASE_SLACK_MS: intVar(30_000, 0, 600_000),
  DEFAULT_KEY_LIMITS: DefaultKeyLimitsSchema,
  CORS_ALLOW_ORIGIN: CorsAllowOriginSchema,
});

export interface Config {
  db: D1Database;
  meter: DurableObjectNamespace<KeyMeter>;
  backends: string[];
  signingSecret: string;
  adminToken: string;
  profileTtlMs: number;
  networkMarginMs: number;
  timeoutMarginMs: number;
  /** Forwarding timeout for requests that send `n` rather than a budget. */
  defaultTimeoutMs: number;
  maxBodyBytes: number;
  keyDefaults: KeyLimitDefaults;
  /** How long a reservation outlives the forwarding timeout before the meter frees it (Worker died). */
  leaseSlackMs: number;
  /** Origins browsers may call /v1/* from: "*" or an exact list (see middleware/public-cors.ts). */
  corsAllowOrigin: "*" | readonly string[];
}

// One parse per env object: workerd hands the same env to every request of an isolate.
const parsed = new WeakMap<object, Config>();

export function loadConfig(env: Env): Config {
  const cached = parsed.get(env);
  if (cached) return cached;
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`);
    // Names only, never values: a secret must not end up in a response or a log line.
    throw new TinyscaleError("misconfigured", `the edge is misconfigured: ${problems.join("; ")}`);
  }
  const vars = result.data;
  const config: Config = {
    db: env.DB,
    meter: env.KEY_METER,
    backends: vars.BACKENDS,
    signingSecret: vars.SIGNING_SECRET,
    adminToken: vars.ADMIN_TOKEN,
    profileTtlMs: vars.PROFILE_TTL_MS,
    networkMarginMs: vars.NETWORK_MARGIN_MS,
    timeoutMarginMs: vars.TIMEOUT_MARGIN_MS,
    defaultTimeoutMs: vars.DEFAULT_TIMEOUT_MS,
    maxBodyBytes: vars.MAX_BODY_BYTES,
    keyDefaults: vars.DEFAULT_KEY_LIMITS,
    leaseSlackMs: vars.LEASE_SLACK_MS,
    corsAllowOrigin: vars.CORS_ALLOW_ORIGIN,
  };
  parsed.set(env, config);
  return config;
}
