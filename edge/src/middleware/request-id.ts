// X-Request-Id: a caller's id is kept when it is short and plain (it ends up in logs and headers),
// otherwise one is generated; either way it is passed to the backend and returned on the response.
import { REQUEST_ID_HEADER } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `req_${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : newRequestId();
    c.set("requestId", id);
    c.set("receivedAtMs", Date.now());
    await next();
    c.header(REQUEST_ID_HEADER, id);
  };
}
