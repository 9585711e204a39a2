// The public entry of the `tinyscale` package: the two clients, the error classes and the API types.
// Nothing here imports a Node built-in, so the same build runs on Node, in browsers and on Workers.
export { type AdminClientOptions, TinyscaleAdmin } from "./admin.js";
export { type ClientOptions, Tinyscale } from "./client.js";
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  type ClientErrorCode,
  ConflictError,
  InternalServerError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  TinyscaleError,
  UnprocessableEntityError,
} from "./core/errors.js";
export { DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from "./core/options.js";
export type { FetchFunction, RequestOptions, RetryEvent } from "./core/transport.js";
export type { GenerateResult, ImageTransport } from "./resources/generate.js";
export type * from "./types.js";
