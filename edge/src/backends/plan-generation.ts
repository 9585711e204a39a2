// Turns a validated GenerateRequest into what is forwarded: the candidate count (planned from the
// chosen backend's profile when the caller sent budget_ms), the deadline and the forwarding timeout.
import { type GenerateRequest, type Profile, planCandidates, TinyscaleError } from "@tinyscale/shared";
import type { Config } from "../config/env.js";

export interface PlannedGeneration {
  n: number;
  plannedMs: number | null;
  deadlineMs: number;
  timeoutMs: number;
  /** The request the backend receives: `n` always set, `budget_ms` removed (contracts §2). */
  forwarded: Omit<GenerateRequest, "budget_ms"> & { n: number };
}

export function planGeneration(
  request: GenerateRequest,
  profile: Profile,
  config: Config,
  receivedAtMs: number,
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
      forwarded: { ...rest, n },
    };
  }
  const plan = planCandidates(profile, {
    budget_ms: budget,
    verifier: request.verifier,
    network_margin_ms: config.networkMarginMs,
  });
  return {
    n: plan.n,
    plannedMs: plan.predicted_ms,
    deadlineMs: receivedAtMs + budget,
    timeoutMs: budget + config.timeoutMarginMs,
    forwarded: { ...rest, n: plan.n },
  };
}
