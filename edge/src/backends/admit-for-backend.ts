// The edge's admission for one backend, before anything is reserved: a budget request's least work (one
// candidate) must fit in what is left of its budget behind the backend's predicted wait (backend-pool.ts:
// the last reported estimated_wait_ms, drained since, plus the least work of what this edge admitted there
// since). What is left is the budget less the edge's own time so far and before the forward (the meter),
// the edge's time after the backend answers (settling, the response) and the network margin; the
// candidate's batch step and least work count as the backend's own check counts them when its /healthz says
// how (admission_lead_ms, slowdown), so that the edge refuses fast what the backend would refuse late. If
// it does not fit, 503 overloaded at once with the wait as Retry-After: the backend would refuse it too,
// and asking it first would cost a reservation, a forward and a refund, and answer the caller late — a 503
// is only worth anything while it is fast. An explicit n is not refused here; the backend decides whether
// all n fit. An idle backend is not second-guessed: the plan already found the budget fits there. Any
// request, budget or not, is also refused when this edge already has as many requests unanswered there as
// the backend reports holding at most (max_in_flight): the backend would refuse it after the reservation
// and the forward.
import { type GenerateRequest, TinyscaleError } from "@tinyscale/shared";
import type { Backends } from "./backend-pool.js";
import type { BackendWork } from "./backend-work.js";
import type { PlannedGeneration } from "./plan-generation.js";

export interface EdgeTime {
  receivedAtMs: number;
  nowMs: number;
  networkMarginMs: number;
}

/**
 * Throws 503 overloaded when `url` already holds as many of this edge's requests as it reports taking, or
 * when `request`'s least work cannot fit before its deadline there now.
 */
export function refuseWithoutRoom(
  pool: Backends,
  url: string,
  request: GenerateRequest,
  work: BackendWork,
  time: EdgeTime,
): void {
  const full = pool.fullAt(url);
  if (full !== null) {
    throw new TinyscaleError(
      "overloaded",
      `the backend holds as many requests as it takes (${full}); retry shortly`,
      { retryAfterSeconds: Math.max(1, Math.ceil(pool.waitMs(url) / 1000)) },
    );
  }
  const budget = request.budget_ms;
  const waitMs = pool.waitMs(url);
  if (budget === undefined || waitMs <= 0) return;
  const spent = Math.max(0, time.nowMs - time.receivedAtMs);
  // The backend's own terms when it reports them (its lead already holds a batch step at its current speed).
  const { leadMs, slowdown } = pool.admissionTerms(url);
  const needed =
    spent +
    pool.beforeBackendMs +
    (leadMs ?? work.stepMs) +
    waitMs +
    work.leastWorkMs * slowdown +
    pool.afterBackendMs +
    time.networkMarginMs;
  if (needed <= budget) return;
  throw new TinyscaleError(
    "overloaded",
    `the backend's queue (~${Math.round(waitMs)} ms) leaves no room for one candidate in ${budget} ms; retry later`,
    { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) },
  );
}

/**
 * Admits `request` for the backend at `url` (throws 503 overloaded if it cannot fit) and claims its least
 * work there in the same synchronous step, so the next request sees it in the wait; returns the release.
 */
export function admitForBackend(
  pool: Backends,
  url: string,
  request: GenerateRequest,
  plan: PlannedGeneration,
  time: EdgeTime,
): () => void {
  refuseWithoutRoom(pool, url, request, plan.work, time);
  return pool.claim(url, plan.work.leastWorkMs, plan.timeoutMs, request.prompt);
}
