// The edge's admission for one backend, before anything is reserved: the request's least work (one
// candidate for a budget) must fit in what is left of its budget behind the backend's predicted wait
// (backend-pool.ts: the last reported estimated_wait_ms, drained since, plus the least work of what this
// edge admitted there since). What is left is the budget less the edge's own time so far, the edge's time
// after the backend answers (settling, the response) and the network margin. If it does not fit, 503
// overloaded at once with the wait as Retry-After: the backend would refuse it too, and asking it first
// would cost a reservation, a forward and a refund, and answer the caller late — a 503 is only worth
// anything while it is fast. An explicit n is not refused here; the backend decides whether all n fit.
// An idle backend is not second-guessed: the plan already found the budget fits there.
// If it fits, the request's work is claimed at once (no await between the check and the claim), so the
// next request sees it in the wait.
import { type GenerateRequest, TinyscaleError } from "@tinyscale/shared";
import type { Backends } from "./backend-pool.js";
import type { PlannedGeneration } from "./plan-generation.js";

export interface EdgeTime {
  receivedAtMs: number;
  nowMs: number;
  networkMarginMs: number;
}

/** Admits `request` for the backend at `url` (throws 503 overloaded if it cannot fit); returns the release. */
export function admitForBackend(
  pool: Backends,
  url: string,
  request: GenerateRequest,
  plan: PlannedGeneration,
  time: EdgeTime,
): () => void {
  const budget = request.budget_ms;
  const waitMs = pool.waitMs(url);
  // An idle backend (no wait reported, nothing admitted since) runs what the plan said fits the budget.
  if (budget !== undefined && waitMs > 0) {
    const spent = Math.max(0, time.nowMs - time.receivedAtMs);
    const needed =
      spent + plan.work.stepMs + waitMs + plan.work.leastWorkMs + pool.afterBackendMs + time.networkMarginMs;
    if (needed > budget) {
      throw new TinyscaleError(
        "overloaded",
        `the backend's queue (~${Math.round(waitMs)} ms) leaves no room for one candidate in ${budget} ms; retry later`,
        { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
      );
    }
  }
  return pool.claim(url, plan.work.leastWorkMs, plan.timeoutMs);
}
