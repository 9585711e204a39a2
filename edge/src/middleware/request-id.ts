// X-Request-Id: a caller's id is kept when it is short and plain (it ends up in logs and headers),
// otherwise one is generated; either way it is passed to the backend and returned on the response.
import { REQUEST_ID_HEADER } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Plain, short, and not an API key: the id is echoed, logged, forwarded and stored in the ledger, so a
 * key pasted into the header by a client bug must not be adopted.
 */
export function isSafeRequestId(value: string): boolean {
  return SANE_REQUEST_ID.test(value) && !value.includes("ts_live_") && !value.includes("ts_test_");
}

export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `req_${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming !== undefined && isSafeRequestId(incoming) ? incoming : newRequestId();
    c.set("requestId", id);
    c.set("receivedAtMs", Date.now());
    await next();
    c.header(REQUEST_ID_HEADER, id);
  };
}
