// POST /v1/plan: what a budget buys on the least-loaded backend right now — the candidate count, the
// predicted milliseconds and their stage breakdown — without running or charging anything.
import { honoPath, PlanRequestSchema, type PlanResponse, planCandidates, planRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { noBackendError } from "../backends/no-backend.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { rateLimitSnapshot } from "../middleware/rate-limit-snapshot.js";
import { readJsonBody } from "./read-json-body.js";

export function registerV1Plan(app: Hono<AppEnv>): void {
  app.on(planRoute.method, honoPath(planRoute), apiKeyAuth(), rateLimitSnapshot(), async function plan(c) {
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
      n: planned.n,
      predicted_ms: planned.predicted_ms,
      budget_ms: planned.budget_ms,
      network_margin_ms: planned.network_margin_ms,
      breakdown: planned.breakdown,
      max_n: planned.max_n,
    };
    return c.json(body);
  });
}
