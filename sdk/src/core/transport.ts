// Sends one logical API call: ky builds and sends each attempt, this loop owns timeouts, aborts and retries
// (ky's own retry is off: it skips POST and has no Idempotency-Key, and one loop is easier to reason about).

import ky, { type KyInstance } from "ky";
import { newIdempotencyKey } from "../internal/idempotency-key.js";
import { sleep as realSleep, type SleepFunction } from "../internal/sleep.js";
import type { DocumentedRequest } from "./documented-request.js";
import {
  APIConnectionError,
  type APIError,
  APITimeoutError,
  APIUserAbortError,
  makeAPIError,
  type TinyscaleError,
} from "./errors.js";
import { isRetryableStatus, retryDelayMs } from "./retry.js";

/** `typeof fetch` or anything shaped like it; the SDK always calls it with a `Request`. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Told before each retry's wait: the CLI prints it, a caller may log it. */
export interface RetryEvent {
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  error: TinyscaleError;
}

export interface TransportConfig {
  baseURL: string;
  /** Header name and value that authenticate every request. */
  auth: { header: string; value: string };
  timeout: number;
  maxRetries: number;
  fetch?: FetchFunction | undefined;
  defaultHeaders?: Record<string, string> | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  sleep?: SleepFunction | undefined;
  random?: (() => number) | undefined;
}

/** Per-call overrides every public method accepts. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Milliseconds per attempt, headers and body included. */
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  /** Reuse a key across your own retries of a call (the SDK makes one per call otherwise). */
  idempotencyKey?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** One call: a method and path the OpenAPI document lists, with its body and accepted media types. */
export type RequestSpec = DocumentedRequest & {
  body?: unknown;
  accept?: string;
};

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  requestId: string | null;
}

type AttemptOutcome = { kind: "response"; response: RawResponse } | { kind: "error"; error: TinyscaleError };

export class Transport {
  readonly #ky: KyInstance;
  readonly #config: TransportConfig;

  constructor(config: TransportConfig) {
    this.#config = config;
    this.#ky = ky.create({
      // ky's `prefix` (was `prefixUrl`) joins by string, so a base URL's path (e.g. a proxy's /tinyscale)
      // stays in front of every call path, as it would not under URL resolution (`baseUrl`).
      prefix: config.baseURL,
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
    });
  }

  async request(spec: RequestSpec, options: RequestOptions = {}): Promise<RawResponse> {
    const maxRetries = options.maxRetries ?? this.#config.maxRetries;
    const sleep = this.#config.sleep ?? realSleep;
    const random = this.#config.random ?? Math.random;
    // GETs are safe to repeat on their own; everything else carries a key the edge deduplicates on.
    const idempotencyKey =
      options.idempotencyKey ?? (spec.method === "GET" ? undefined : newIdempotencyKey());
    for (let retry = 0; ; retry++) {
      const outcome = await this.#attempt(spec, options, idempotencyKey);
      if (outcome.kind === "response" && outcome.response.status < 400) return outcome.response;
      const error = outcome.kind === "error" ? outcome.error : this.#toError(outcome.response);
      if (error instanceof APIUserAbortError || retry >= maxRetries || !isRetryable(error)) throw error;
      const delayMs = retryDelayMs(
        retry,
        outcome.kind === "response" ? outcome.response.headers : undefined,
        random,
      );
      this.#config.onRetry?.({ retry: retry + 1, delayMs, error });
      try {
        await sleep(delayMs, options.signal);
      } catch (cause) {
        throw new APIUserAbortError(cause);
      }
    }
  }

  async #attempt(
    spec: RequestSpec,
    options: RequestOptions,
    idempotencyKey: string | undefined,
  ): Promise<AttemptOutcome> {
    const userSignal = options.signal;
    if (userSignal?.aborted) return { kind: "error", error: new APIUserAbortError(userSignal.reason) };
    const timeoutMs = options.timeout ?? this.#config.timeout;
    // One controller covers the whole attempt, body included (ky's timeout stops at the headers).
    const timeoutController = new AbortController();
    const timer = setTimeout(() => timeoutController.abort(), timeoutMs);
    const signal = userSignal
      ? AbortSignal.any([userSignal, timeoutController.signal])
      : timeoutController.signal;
    const headers: Record<string, string> = {
      accept: spec.accept ?? "application/json",
      [this.#config.auth.header]: this.#config.auth.value,
      ...this.#config.defaultHeaders,
      ...options.headers,
    };
    if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
    try {
      const response = await this.#ky(spec.path, {
        method: spec.method,
        headers,
        signal,
        ...(spec.body === undefined ? {} : { json: spec.body }),
      });
      const body = new Uint8Array(await response.arrayBuffer());
      return {
        kind: "response",
        response: {
          status: response.status,
          headers: response.headers,
          body,
          requestId: response.headers.get("x-request-id"),
        },
      };
    } catch (thrown) {
      // ky 2 wraps fetch's own failure in a NetworkError; callers get fetch's error as the cause, as before.
      const cause = thrown instanceof Error && thrown.name === "NetworkError" ? thrown.cause : thrown;
      if (userSignal?.aborted) return { kind: "error", error: new APIUserAbortError(cause) };
      if (timeoutController.signal.aborted)
        return { kind: "error", error: new APITimeoutError(timeoutMs, cause) };
      const detail = describeCause(cause);
      return { kind: "error", error: new APIConnectionError(`Connection error: ${detail}`, cause) };
    } finally {
      clearTimeout(timer);
    }
  }

  #toError(response: RawResponse): APIError {
    return makeAPIError(response.status, parseJsonOrNull(response.body), response.headers);
  }
}

function isRetryable(error: TinyscaleError): boolean {
  if (error instanceof APIConnectionError) return true; // timeouts included: the attempt may simply have been slow
  return error.status !== undefined && isRetryableStatus(error.status, error.code, error.headers);
}

/** fetch's TypeError says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) sits in its cause. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner: unknown = cause.cause;
  if (inner instanceof Error) {
    const code = "code" in inner && typeof inner.code === "string" ? inner.code : inner.message;
    return `${cause.message} (${code})`;
  }
  return cause.message;
}

export function parseJsonOrNull(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}
