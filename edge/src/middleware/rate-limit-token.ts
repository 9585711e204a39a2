// The rate limit on keyed routes that spend no credits (plan, models, usage): each request spends one
// token of the key's bucket, like a generation, so no keyed route is free of the limit. An empty bucket
// answers 429 rate_limited with Retry-After; every answer carries the RateLimit fields.
import { TinyscaleError } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { limitsOf } from "../keys/key-record.js";
import { rateLimitHeaders } from "../meter/rate-limit-headers.js";

export function rateLimitToken(): MiddlewareHandler<AppEnv> {
  return async function rateLimitTokenMiddleware(c, next) {
    const key = c.get("apiKey");
    const limits = limitsOf(key);
    const taken = await c.get("services").meter.take(key.id, limits);
    const headers = rateLimitHeaders(taken.snapshot);
    // Error answers take the fields from here (see error-handler.ts).
    c.set("meterHeaders", headers);
    if (taken.kind === "denied") {
      throw new TinyscaleError("rate_limited", `rate limit of ${limits.rpm} requests per minute exceeded`, {
        retryAfterSeconds: taken.retryAfterSeconds,
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
