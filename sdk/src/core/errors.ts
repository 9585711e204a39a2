// Every error the SDK throws, and `makeAPIError`, the one place an HTTP error response becomes a typed error.
// Callers branch on the class (`instanceof RateLimitError`) or on `code`, the server's closed-set error code.

/** Codes the SDK itself assigns when no server answer exists (the server's codes come from its error body). */
export type ClientErrorCode = "connection_error" | "timeout" | "aborted" | "invalid_response";

interface ErrorFields {
  status: number | undefined;
  code: string | null;
  requestId: string | null;
  headers: Headers;
  cause?: unknown;
}

/** The base of everything the SDK throws. */
export class TinyscaleError extends Error {
  /** HTTP status, or undefined when no response arrived. */
  readonly status: number | undefined;
  /** The server's error code (`rate_limited`, `invalid_request`, …) or a client code (`timeout`, …). */
  readonly code: string | null;
  /** The `X-Request-Id` of the failed request: quote it when asking for help. */
  readonly requestId: string | null;
  /** Response headers; empty when no response arrived. */
  readonly headers: Headers;

  constructor(message: string, fields: ErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.status = fields.status;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.headers = fields.headers;
  }
}

/** The server answered with an error status. `body` is the parsed JSON error body when there was one. */
export class APIError extends TinyscaleError {
  declare readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, fields: Omit<ErrorFields, "status"> & { body: unknown }) {
    super(message, { ...fields, status });
    this.body = fields.body;
  }
}

export class BadRequestError extends APIError {}
export class AuthenticationError extends APIError {}
/** 402, or a 429 whose code says the credit quota (not the rate limit) ran out: waiting a second won't help. */
export class QuotaExceededError extends APIError {}
export class PermissionDeniedError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
export class UnprocessableEntityError extends APIError {}

/** 429 for the per-key rate or concurrency limit. `retryAfter` is the server's wait in seconds, if it sent one. */
export class RateLimitError extends APIError {
  readonly retryAfter: number | null;

  constructor(status: number, message: string, fields: Omit<ErrorFields, "status"> & { body: unknown }) {
    super(status, message, fields);
    this.retryAfter = parseRetryAfterSeconds(fields.headers);
  }
}

export class InternalServerError extends APIError {}

/** No HTTP response: DNS, refused connection, reset socket, CORS refusal in a browser. */
export class APIConnectionError extends TinyscaleError {
  constructor(message: string, cause?: unknown, code: ClientErrorCode = "connection_error") {
    super(message, { status: undefined, code, requestId: null, headers: new Headers(), cause });
  }
}

/** An attempt ran past the client's `timeout`. */
export class APITimeoutError extends APIConnectionError {
  constructor(timeoutMs: number, cause?: unknown) {
    super(`Request timed out after ${timeoutMs} ms.`, cause, "timeout");
  }
}

/** The caller's `signal` aborted the call (during a request or while waiting to retry). */
export class APIUserAbortError extends TinyscaleError {
  constructor(cause?: unknown) {
    super("Request was aborted.", {
      status: undefined,
      code: "aborted",
      requestId: null,
      headers: new Headers(),
      cause,
    });
  }
}

/** A 2xx response the SDK could not read (wrong content type, missing metadata, broken JSON). */
export class InvalidResponseError extends TinyscaleError {
  constructor(message: string, status: number, headers: Headers, cause?: unknown) {
    super(message, {
      status,
      code: "invalid_response",
      requestId: headers.get("x-request-id"),
      headers,
      cause,
    });
  }
}

/** `Retry-After` as seconds: delta-seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfterSeconds(headers: Headers, now: number = Date.now()): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0)
    return Number(ms) / 1000;
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}

interface ParsedErrorBody {
  code: string | null;
  message: string | null;
  requestId: string | null;
}

/** Reads `{ error: { code, message, request_id } }`; tolerates proxies that answer with HTML or nothing. */
function readErrorBody(body: unknown): ParsedErrorBody {
  if (typeof body !== "object" || body === null || !("error" in body)) {
    return { code: null, message: null, requestId: null };
  }
  const error = (body as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return { code: null, message: null, requestId: null };
  const field = (name: string): string | null => {
    const value = (error as Record<string, unknown>)[name];
    return typeof value === "string" ? value : null;
  };
  return { code: field("code"), message: field("message"), requestId: field("request_id") };
}

type APIErrorClass = new (
  status: number,
  message: string,
  fields: Omit<ErrorFields, "status"> & { body: unknown },
) => APIError;

function classFor(status: number, code: string | null): APIErrorClass {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 402) return QuotaExceededError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return UnprocessableEntityError;
  if (status === 429) return code === "quota_exceeded" ? QuotaExceededError : RateLimitError;
  if (status >= 500) return InternalServerError;
  return APIError;
}

/** The one place an error response becomes an error object. */
export function makeAPIError(status: number, body: unknown, headers: Headers): APIError {
  const parsed = readErrorBody(body);
  const requestId = headers.get("x-request-id") ?? parsed.requestId;
  const message = parsed.message ?? `HTTP ${status} with no error body`;
  const ErrorClass = classFor(status, parsed.code);
  return new ErrorClass(status, `${status} ${parsed.code ?? "error"}: ${message}`, {
    code: parsed.code,
    requestId,
    headers,
    body,
  });
}
