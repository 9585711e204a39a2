// The one place an error becomes a response: a TinyscaleError keeps its code and status, anything
// else is logged with the request id and answered as a 500 internal_error in the shared body shape.
import { errorBody, publicMessage, REQUEST_ID_HEADER, TinyscaleError } from "@tinyscale/shared";
import type { Context, ErrorHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { newRequestId } from "./request-id.js";

export function errorResponse(c: Context<AppEnv>, error: TinyscaleError): Response {
  const requestId = c.get("requestId") ?? newRequestId();
  const headers: Record<string, string> = {
    ...(c.get("meterHeaders") ?? {}),
    [REQUEST_ID_HEADER]: requestId,
    "cache-control": "no-store",
  };
  const retryable = error.status === 429 || error.status === 503;
  if (error.retryAfterSeconds !== undefined || retryable) {
    headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? 1)));
  }
  if (error.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="tinyscale"';
  return c.json(
    errorBody(error.code, publicMessage(error.code, error.message), requestId),
    error.status,
    headers,
  );
}

export function handleError(): ErrorHandler<AppEnv> {
  return function onError(error, c) {
    if (error instanceof TinyscaleError) {
      if (error.status >= 500) {
        console.error(
          JSON.stringify({ request_id: c.get("requestId"), code: error.code, message: error.message }),
        );
      }
      return errorResponse(c, error);
    }
    console.error(
      JSON.stringify({ request_id: c.get("requestId"), code: "internal_error", message: String(error) }),
    );
    return errorResponse(c, new TinyscaleError("internal_error", String(error)));
  };
}
