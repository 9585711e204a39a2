// Load shedding for POST /v1/generate before the API key is looked up: when the body is a valid budget
// request and the backend it would go to predicts no room for one candidate in that budget
// (backends/admit-for-backend.ts, on a load the pool read within its refresh interval: a request not yet
// authenticated makes no backend fetch), the answer is 503 overloaded + Retry-After at once. Under overload the
// key lookup (a D1 read) is the slowest part of a refusal, and a refusal is only worth anything while it is
// fast. It refuses only: nothing is claimed, reserved or charged, and a request that passes is
// authenticated and checked again (then claiming its place) by the route. Anything else — no or a
// malformed key, a body that is not a valid request — goes on to the usual checks, so their errors keep
// their order (401 before 400); the body read here is kept for the route.
import { type GenerateRequest, GenerateRequestSchema } from "@tinyscale/shared";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.js";
import { refuseWithoutRoom } from "../backends/admit-for-backend.js";
import { LOAD_TTL_MS } from "../backends/backend-pool.js";
import { backendWork } from "../backends/backend-work.js";
import { isWellFormedKey } from "../keys/key-format.js";
import { readRawBody } from "../routes/read-json-body.js";
import { bearerToken } from "./bearer-token.js";

function budgetRequest(raw: Uint8Array): GenerateRequest | null {
  try {
    const parsed = GenerateRequestSchema.safeParse(JSON.parse(new TextDecoder().decode(raw)));
    return parsed.success && parsed.data.budget_ms !== undefined ? parsed.data : null;
  } catch {
    return null;
  }
}

export function shedOverload(): MiddlewareHandler<AppEnv> {
  return async function shedOverloadMiddleware(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (typeof token !== "string" || !isWellFormedKey(token)) return next();
    const services = c.get("services");
    const raw = await readRawBody(c).catch(() => null); // too large: the route answers it after auth
    const request = raw && budgetRequest(raw);
    if (!request) return next();
    // What the pool knows already: a request not yet authenticated makes no backend fetch. A load older
    // than its refresh interval is left to the route, which reads it again first.
    const first = services.backends.rankedNow()[0];
    if (!first || first.loadAgeMs >= LOAD_TTL_MS) return next();
    refuseWithoutRoom(
      services.backends,
      first.url,
      request,
      backendWork(
        first.profile,
        request.verifier,
        1,
        services.backends.promptCached(first.url, request.prompt),
      ),
      {
        receivedAtMs: c.get("receivedAtMs"),
        nowMs: Date.now(),
        networkMarginMs: services.config.networkMarginMs,
      },
    );
    return next();
  };
}
