// RateLimit-Policy / RateLimit on keyed routes that spend nothing (plan, models): the key's meter is
// read (no token, no credit) while the route runs, and its numbers are added to whatever it answers.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { limitsOf } from "../keys/key-record.js";
import { rateLimitHeaders } from "../meter/rate-limit-headers.js";

export function rateLimitSnapshot(): MiddlewareHandler<AppEnv> {
  return async function rateLimitSnapshotMiddleware(c, next) {
    const key = c.get("apiKey");
    const snapshot = c.get("services").meter.usage(key.id, limitsOf(key));
    // Started before the route so the DO round trip overlaps the route's own work.
    snapshot.catch(() => undefined);
    await next();
    try {
      for (const [name, value] of Object.entries(rateLimitHeaders(await snapshot)))
        c.res.headers.set(name, value);
    } catch {
      // The fields are advisory; a meter hiccup must not fail a free read.
    }
  };
}
