// POST /v1/plan: what a budget buys on the backend with the earliest predicted start — on it idle (n, the
// predicted milliseconds and their stage breakdown) and now, after its queue's predicted wait (n_now) —
// without running or charging anything.
import {
  honoPath,
  type PlanRequest,
  PlanRequestSchema,
  type PlanResponse,
  type Profile,
  planCandidates,
  planRoute,
  roundMs,
  roundMsValues,
  TinyscaleError,
} from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { noBackendError } from "../backends/no-backend.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { rateLimitToken } from "../middleware/rate-limit-token.js";
import { readJsonBody } from "./read-json-body.js";

/** What the budget buys once the predicted wait has passed; 0 when not even one candidate fits then. */
function candidatesNow(profile: Profile, request: PlanRequest, waitMs: number, marginMs: number): number {
  try {
    return planCandidates(profile, {
      budget_ms: Math.max(0, request.budget_ms - waitMs),
      verifier: request.verifier,
      network_margin_ms: marginMs,
    }).n;
  } catch (error) {
    if (error instanceof TinyscaleError && error.code === "budget_too_small") return 0;
    throw error;
  }
}

export function registerV1Plan(app: Hono<AppEnv>): void {
  app.on(planRoute.method, honoPath(planRoute), apiKeyAuth(), rateLimitToken(), async function plan(c) {
    const services = c.get("services");
    const { value: request } = await readJsonBody(c, PlanRequestSchema);
    const [backend] = await services.backends.ranked(c.get("requestId"));
    if (!backend) {
      throw noBackendError(services.backends, c.get("requestId"));
    }
    const planned = planCandidates(backend.profile, {
      budget_ms: request.budget_ms,
      verifier: request.verifier,
      network_margin_ms: services.config.networkMarginMs,
    });
    const body: PlanResponse = {
      n_now: candidatesNow(backend.profile, request, backend.waitMs, services.config.networkMarginMs),
      queue_wait_ms: roundMs(backend.waitMs),
      n: planned.n,
      predicted_ms: roundMs(planned.predicted_ms),
      budget_ms: planned.budget_ms,
      network_margin_ms: roundMs(planned.network_margin_ms),
      breakdown: roundMsValues(planned.breakdown),
      max_n: planned.max_n,
    };
    return c.json(body);
  });
}
