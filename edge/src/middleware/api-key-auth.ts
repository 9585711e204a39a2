// API-key authentication: hash the Bearer key, look it up in D1 (every request, no isolate cache, so
// a revoke applies to the next request), and refuse missing, malformed, unknown, expired or revoked keys.
import { TinyscaleError } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { isWellFormedKey, sha256Hex } from "../keys/key-format.js";
import { bearerToken } from "./bearer-token.js";

export function apiKeyAuth(): MiddlewareHandler<AppEnv> {
  return async function apiKeyAuthMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) {
      throw new TinyscaleError("missing_api_key", "send your API key as `Authorization: Bearer ts_live_…`");
    }
    // The key itself never appears in a message: error bodies and logs must not leak it.
    if (token === null || !isWellFormedKey(token)) {
      throw new TinyscaleError(
        "invalid_api_key",
        "the API key is malformed: expected `Authorization: Bearer ts_live_…` or `ts_test_…`",
      );
    }
    const key = await c.get("services").keys.findByHash(await sha256Hex(token));
    if (!key) throw new TinyscaleError("invalid_api_key", "the API key is not valid");
    if (key.revoked_at !== null) {
      throw new TinyscaleError("key_revoked", `this API key was revoked at ${key.revoked_at}`);
    }
    if (key.expires_at !== null && Date.parse(key.expires_at) <= Date.now()) {
      throw new TinyscaleError("key_expired", `this API key expired at ${key.expires_at}`);
    }
    c.set("apiKey", key);
    await next();
  };
}
