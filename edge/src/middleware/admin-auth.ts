// Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>` compared in constant time; API keys are
// refused outright so a leaked customer key can never reach key management.
import { TinyscaleError, timingSafeEqual } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { looksLikeApiKey } from "../keys/key-format.js";
import { bearerToken } from "./bearer-token.js";

export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async function adminAuthMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) {
      throw new TinyscaleError(
        "missing_admin_token",
        "admin routes need `Authorization: Bearer <admin token>`",
      );
    }
    if (token !== null && looksLikeApiKey(token)) {
      throw new TinyscaleError("forbidden", "admin routes do not accept API keys; use the admin token");
    }
    if (token === null || !(await timingSafeEqual(token, c.get("services").config.adminToken))) {
      throw new TinyscaleError("invalid_admin_token", "the admin token is not valid");
    }
    await next();
  };
}
