// Request-id middleware: adopts the edge's X-Request-Id (when it is a sane token and not an API key) or
// makes one, stores it for handlers and logs, and echoes it on every response.

import { randomUUID } from "node:crypto";
import { REQUEST_ID_HEADER } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.js";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// A caller who pastes an API key into X-Request-Id must not get it written to every log line.
const LOOKS_LIKE_KEY = /^ts_(live|test)_/i;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header(REQUEST_ID_HEADER);
    const id =
      given && SANE_ID.test(given) && !LOOKS_LIKE_KEY.test(given)
        ? given
        : `req_${randomUUID().replaceAll("-", "")}`;
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
  };
}
