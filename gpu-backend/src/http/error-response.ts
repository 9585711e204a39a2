// The one place errors become HTTP responses: shared's body shape with the request id, the code's status,
// Retry-After when the error carries one. Unknown errors are logged and answered as internal_error; an
// internal_error's detail (a worker's exception, an onnxruntime message, a path) is logged, never answered.

import { type ErrorCode, errorBody, errorStatus, publicMessage, TinyscaleError } from "@tinyscale/shared";
import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "../log/logger.js";
import type { BackendMetrics } from "../metrics/metrics.js";
import type { AppEnv } from "./app-env.js";

export function errorResponse(
  c: Context<AppEnv>,
  code: ErrorCode,
  message: string,
  retryAfterSeconds?: number,
) {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined)
    headers["retry-after"] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  c.set("errorCode", code);
  const body = errorBody(code, publicMessage(code, message), c.get("requestId") ?? "unknown");
  return c.json(body, errorStatus(code), headers);
}

/** Counts every error response (thrown or answered directly) by its code. */
export function countErrors(metrics: BackendMetrics): MiddlewareHandler<AppEnv> {
  return async function countErrorsMiddleware(c, next) {
    await next();
    const code = c.get("errorCode");
    // A caller that disconnected receives nothing: not an error response.
    if (code !== undefined && !c.req.raw.signal.aborted) metrics.errors.inc({ code });
  };
}

export function createErrorHandler(logger: Logger) {
  return function onError(error: Error, c: Context<AppEnv>) {
    const log = logger.child({ request_id: c.get("requestId") });
    if (error instanceof TinyscaleError) {
      const level = error.status >= 500 ? "error" : "info";
      log[level]("request failed", { code: error.code, status: error.status, reason: error.message });
      return errorResponse(c, error.code, error.message, error.retryAfterSeconds);
    }
    log.error("unhandled error", { error });
    return errorResponse(c, "internal_error", String(error));
  };
}
