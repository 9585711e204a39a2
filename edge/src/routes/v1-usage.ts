// GET /v1/usage: the calling key's credits in the current period (used, held by running requests,
// remaining) and its limits, read from its meter. Like every keyed route it spends a rate-limit token.
import type { UsageResponse } from "@tinyscale/shared";
import { honoPath, usageRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { limitsOf } from "../keys/key-record.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { rateLimitToken } from "../middleware/rate-limit-token.js";

export function registerV1Usage(app: Hono<AppEnv>): void {
  app.on(usageRoute.method, honoPath(usageRoute), apiKeyAuth(), rateLimitToken(), async function usage(c) {
    const key = c.get("apiKey");
    const snapshot = await c.get("services").meter.usage(key.id, limitsOf(key));
    const body: UsageResponse = {
      key_id: key.id,
      period_start: new Date(snapshot.periodStartMs).toISOString(),
      period_end: new Date(snapshot.periodEndMs).toISOString(),
      credits_quota: snapshot.creditsQuota,
      credits_used: snapshot.creditsUsed,
      credits_reserved: snapshot.creditsReserved,
      credits_remaining: snapshot.creditsRemaining,
      requests: snapshot.requests,
      rate_limit: { rpm: snapshot.rpm, burst: snapshot.burst },
      max_concurrent: snapshot.maxConcurrent,
    };
    return c.json(body, 200);
  });
}
