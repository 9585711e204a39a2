// Turns a validated GenerateRequest into what is forwarded: the deadline, the forwarding timeout and the
// candidates to reserve credits for. An explicit n is forwarded as is (exact). A budget is forwarded as
// the budget plus a cap (max_n: what it buys on an idle backend, the caller's max_n at most): the
// backend decides N within the cap from the deadline and its load, and the edge settles what ran.
import { type GenerateRequest, type Profile, planCandidates, TinyscaleError } from "@tinyscale/shared";
import type { Config } from "../config/env.js";
import { type BackendWork, backendWork } from "./backend-work.js";

export interface PlannedGeneration {
  /** Candidates reserved for: the exact n, or the budget's cap. */
  n: number;
  plannedMs: number | null;
  deadlineMs: number;
  timeoutMs: number;
  /**
   * The least the backend must run for it (one candidate for a budget, all n for an explicit n): what it
   * adds to the backend's queue until it is answered.
   */
  work: BackendWork;
  /** The request the backend receives: an exact `n`, or `budget_ms` with the cap `max_n`. */
  forwarded: GenerateRequest;
}

export function planGeneration(
  request: GenerateRequest,
  profile: Profile,
  config: Config,
  receivedAtMs: number,
  /** The backend was sent this prompt recently (it likely skips encoding it). */
  promptCached = false,
): PlannedGeneration {
  const { budget_ms: budget, ...rest } = request;
  if (budget === undefined) {
    const n = request.n ?? 1;
    // Refused rather than silently lowered: the caller would be charged for fewer candidates than asked.
    if (n > profile.max_n) {
      throw new TinyscaleError(
        "invalid_request",
        `n must be at most ${profile.max_n} for this model (GET /v1/models)`,
      );
    }
    return {
      n,
      plannedMs: null,
      deadlineMs: receivedAtMs + config.defaultTimeoutMs,
      timeoutMs: config.defaultTimeoutMs + config.timeoutMarginMs,
      work: backendWork(profile, request.verifier, n, promptCached),
      forwarded: { ...rest, n },
    };
  }
  const plan = planCandidates(profile, {
    budget_ms: budget,
    verifier: request.verifier,
    network_margin_ms: config.networkMarginMs,
    ...(request.max_n !== undefined ? { max_n: request.max_n } : {}),
  });
  return {
    n: plan.n,
    plannedMs: plan.predicted_ms,
    deadlineMs: receivedAtMs + budget,
    timeoutMs: budget + config.timeoutMarginMs,
    work: backendWork(profile, request.verifier, 1, promptCached),
    forwarded: { ...rest, budget_ms: budget, max_n: plan.n },
  };
}
