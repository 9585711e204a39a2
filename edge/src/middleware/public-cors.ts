// CORS for the public /v1/* API: preflights are answered here, before any key check (so no token or
// credit is spent), and every /v1 answer, errors included, names the origin that may read it.
import { METADATA_HEADER, REQUEST_ID_HEADER } from "@tinyscale/shared";
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../app-env.js";

/** Request headers a browser may send: the key, JSON bodies, retries and the caller's own request id. */
export const CORS_ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "idempotency-key",
  "x-request-id",
] as const;

/**
 * Response headers a browser may read beyond the CORS-safelisted ones (Content-Type, Cache-Control, …):
 * exactly the ones the edge sends on /v1/* that a client acts on (generate's metadata, the request id,
 * back-off and quota fields, the idempotent replay marker).
 */
export const CORS_EXPOSE_HEADERS = [
  METADATA_HEADER,
  REQUEST_ID_HEADER,
  "retry-after",
  "ratelimit",
  "ratelimit-policy",
  "idempotent-replayed",
] as const;

export const CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"] as const;

/** Browsers cap the preflight cache at 2 h (Chromium) or 24 h (Firefox); 2 h saves most round trips. */
export const CORS_MAX_AGE_S = 7200;

/**
 * The default `*` is safe here: the API is authenticated by a bearer key the caller puts in the
 * Authorization header itself, never by cookies or other ambient credentials, and
 * `Access-Control-Allow-Credentials` is never sent. A page on any origin can therefore only do what
 * the key it already holds allows, which a non-browser client could do anyway. CORS_ALLOW_ORIGIN narrows
 * it to a list for operators who want browsers confined to their own front ends.
 */
export function publicCors(): MiddlewareHandler<AppEnv> {
  return cors({
    origin(origin: string, c: Context) {
      // services() ran before this middleware, so the bindings are validated and parsed.
      const allowed = (c as Context<AppEnv>).get("services").config.corsAllowOrigin;
      if (allowed === "*") return "*";
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: [...CORS_ALLOW_METHODS],
    allowHeaders: [...CORS_ALLOW_HEADERS],
    exposeHeaders: [...CORS_EXPOSE_HEADERS],
    maxAge: CORS_MAX_AGE_S,
  });
}
