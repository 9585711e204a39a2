// A refusal the edge can give before reserving anything: when the backend it would use reports a queue
// wait (estimated_wait_ms, at most a second old) that leaves a budget no room for even one candidate,
// the request is answered 503 overloaded at once, with the wait as Retry-After. The backend would refuse
// it too; asking it first would only cost the meter a reservation and a refund.
import { type GenerateRequest, predictMs, TinyscaleError } from "@tinyscale/shared";
import type { BackendView } from "./backend-pool.js";

export function refuseEarly(request: GenerateRequest, backend: BackendView, networkMarginMs: number): void {
  const budget = request.budget_ms;
  if (budget === undefined || backend.waitMs <= 0) return;
  const least = predictMs(backend.profile, request.verifier, 1).total_ms;
  if (backend.waitMs + least + networkMarginMs <= budget) return;
  throw new TinyscaleError(
    "overloaded",
    `the backend's queue (~${Math.round(backend.waitMs)} ms) leaves no room for one candidate in ${budget} ms; retry later`,
    { retryAfterSeconds: Math.max(1, Math.ceil(backend.waitMs / 1000)) },
  );
}
