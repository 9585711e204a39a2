// The closed set of error codes every part of tinyscale answers with, each bound to its HTTP status,
// plus the one error body shape and the exception type that carries a code through the stack.

/** Every error code the public API and the edge→backend seam may return, mapped to its HTTP status. */
export const ERROR_CODES = {
  invalid_request: 400,
  invalid_json: 400,
  // Valid by the document, refused by what this deployment serves (its sizes, its minimum budget, the
  // verifier modes its bundle has trained weights for): 422.
  budget_too_small: 422,
  unsupported_size: 422,
  unsupported_verifier: 422,
  missing_api_key: 401,
  invalid_api_key: 401,
  key_expired: 401,
  invalid_signature: 401,
  missing_admin_token: 401,
  invalid_admin_token: 401,
  quota_exceeded: 402,
  key_revoked: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_in_flight: 409,
  revoked_key_immutable: 409,
  payload_too_large: 413,
  idempotency_mismatch: 422,
  rate_limited: 429,
  concurrency_limited: 429,
  internal_error: 500,
  misconfigured: 500,
  backend_error: 502,
  overloaded: 503,
  no_backend: 503,
  deadline_exceeded: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode];

/** The codes as a non-empty tuple, the form `z.enum` needs. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

export function errorStatus(code: ErrorCode): ErrorStatus {
  return ERROR_CODES[code];
}

/** The codes answered with one HTTP status, for documenting a response. */
export function codesForStatus(status: number): ErrorCode[] {
  return ERROR_CODE_LIST.filter((code) => ERROR_CODES[code] === status);
}

/** What a caller reads of an internal error. Its detail (runtime messages, file paths) goes to the log only. */
export const INTERNAL_ERROR_MESSAGE = "internal error; the request id identifies it in the server's log";

/** The message an error body carries: the error's own, except for `internal_error`, which is generic. */
export function publicMessage(code: ErrorCode, message: string): string {
  return code === "internal_error" ? INTERNAL_ERROR_MESSAGE : message;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string };
}

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, request_id: requestId } };
}

export interface TinyscaleErrorOptions {
  /** Seconds the caller should wait before retrying; sent as `Retry-After` on 429/503. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** An error that knows its public code; whatever catches it builds the body and picks the status from it. */
export class TinyscaleError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: TinyscaleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TinyscaleError";
    this.code = code;
    this.status = ERROR_CODES[code];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The body a caller receives: an `internal_error`'s own message stays in the log (see publicMessage). */
  toBody(requestId: string): ErrorBody {
    return errorBody(this.code, publicMessage(this.code, this.message), requestId);
  }
}
