// The options both clients take and how missing ones are filled: explicit value, then environment
// variable, then default. Also the validation that fails fast, before any request is sent.
import { readEnv } from "../internal/env.js";
import type { SleepFunction } from "../internal/sleep.js";
import { TinyscaleError } from "./errors.js";
import type { FetchFunction, RetryEvent, TransportConfig } from "./transport.js";

/** Where `npm start` / `wrangler dev` serve the edge; a hosted deployment passes its own `baseURL`. */
export const DEFAULT_BASE_URL = "http://127.0.0.1:8787";
/** Per attempt. Generous because a generate may legitimately take its whole budget (up to 60 s) plus queueing. */
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;

export interface CommonOptions {
  /** Default `TINYSCALE_BASE_URL`, else http://127.0.0.1:8787. */
  baseURL?: string | undefined;
  /** Milliseconds per attempt (headers and body); default 120 000. */
  timeout?: number | undefined;
  /** Retries after the first attempt; default 2. */
  maxRetries?: number | undefined;
  /** A fetch to use instead of `globalThis.fetch` (a proxy agent, a test double, a service binding). */
  fetch?: FetchFunction | undefined;
  defaultHeaders?: Record<string, string> | undefined;
  /** Called before each retry's wait, e.g. to log it. */
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Testing: replaces the wait between retries. */
  sleep?: SleepFunction | undefined;
  /** Testing: replaces Math.random for the backoff jitter. */
  random?: (() => number) | undefined;
}

export function resolveTransportConfig(
  options: CommonOptions,
  credential: { header: string; value: string | undefined; missing: string },
): TransportConfig {
  if (credential.value === undefined || credential.value === "") {
    throw new TinyscaleError(credential.missing, {
      status: undefined,
      code: "missing_credentials",
      requestId: null,
      headers: new Headers(),
    });
  }
  const baseURL = options.baseURL ?? readEnv("TINYSCALE_BASE_URL") ?? DEFAULT_BASE_URL;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new RangeError(`timeout must be a positive number of ms, got ${timeout}`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new RangeError(`maxRetries must be an integer ≥ 0, got ${maxRetries}`);
  return {
    baseURL: baseURL.replace(/\/+$/, ""),
    auth: { header: credential.header, value: credential.value },
    timeout,
    maxRetries,
    fetch: options.fetch,
    defaultHeaders: options.defaultHeaders,
    onRetry: options.onRetry,
    sleep: options.sleep,
    random: options.random,
  };
}
