// X-Request-Id: a caller's id is kept when it is short and plain (it ends up in logs and headers),
// otherwise one is generated; either way it is passed to the backend and returned on the response.
// A caller's id is not unique, so the meter and the ledger key the request by `accountingId` instead:
// the id plus "~" and a random suffix ("~" is outside the id's character set, so it cannot collide).
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

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

export function newRequestId(): string {
  return `req_${randomHex(12)}`;
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const adopted = incoming !== undefined && isSafeRequestId(incoming);
    const id = adopted ? incoming : newRequestId();
    c.set("requestId", id);
    c.set("accountingId", adopted ? `${id}~${randomHex(4)}` : id);
    c.set("receivedAtMs", Date.now());
    await next();
    c.header(REQUEST_ID_HEADER, id);
  };
}
