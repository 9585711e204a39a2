// A validated generate request → the job a worker runs: checks what the schema cannot (size offered by the
// bundle, verifier available, n within limits), plans n from budget_ms with the shared planner, and
// derives the deadline from X-Tinyscale-Deadline or the budget.

import { type GenerateRequest, randomSeed, TinyscaleError } from "@tinyscale/shared";
import type { Admission } from "../admission/admission-queue.js";
import { type BackendState, nativeSize } from "../backend-state.js";
import { untrainedModes } from "../onnx/graph-contract.js";
import { planFor, predictedTotalMs } from "./plan-cache.js";

export interface PlannedJob extends Admission {
  plannedMs: number | null;
  responseFormat: GenerateRequest["response_format"];
}

function parseDeadline(header: string | undefined): number | null {
  if (header === undefined) return null;
  if (!/^\d{10,16}(\.\d+)?$/.test(header.trim())) {
    throw new TinyscaleError("invalid_request", "X-Tinyscale-Deadline must be Unix epoch milliseconds");
  }
  return Math.floor(Number(header.trim()));
}

export function planJob(
  request: GenerateRequest,
  state: BackendState,
  requestId: string,
  arrivalMs: number,
  deadlineHeader: string | undefined,
): PlannedJob {
  const profile = state.profile;
  if (!profile)
    throw new TinyscaleError("overloaded", "backend is still measuring its profile", {
      retryAfterSeconds: 1,
    });
  const size = request.size ?? nativeSize(state.manifest);
  if (size !== nativeSize(state.manifest)) {
    throw new TinyscaleError(
      "unsupported_size",
      `size ${size} is not offered by model ${state.manifest.bundle_id}; available: ${nativeSize(state.manifest)}`,
    );
  }
  const verifier = request.verifier;
  if (!state.modes.includes(verifier)) {
    // an untrained verifier would rank candidates at random while claiming to score them
    const why = untrainedModes(state.manifest).includes(verifier)
      ? ": this bundle has no trained weights for it"
      : "";
    throw new TinyscaleError(
      "unsupported_verifier",
      `verifier "${verifier}" is not available on model ${state.manifest.bundle_id}${why} (available: ${state.modes.join(", ")})`,
    );
  }
  let n: number;
  let plannedMs: number | null = null;
  if (request.n !== undefined) {
    n = request.n;
    if (n > state.maxN)
      throw new TinyscaleError("invalid_request", `n ${n} is above this backend's max_n ${state.maxN}`);
  } else {
    // The cap: what the budget buys on this backend idle, the caller's (or the edge's) max_n at most.
    // The batching scheduler may run fewer under load; the legacy one runs exactly this many.
    const plan = planFor(
      profile,
      verifier,
      request.budget_ms ?? 0,
      Math.min(state.maxN, request.max_n ?? state.maxN),
    );
    n = plan.n;
    plannedMs = plan.predicted_ms;
  }
  const headerDeadline = parseDeadline(deadlineHeader);
  const budgetDeadline = request.budget_ms !== undefined ? arrivalMs + request.budget_ms : null;
  const deadlineMs = headerDeadline ?? budgetDeadline;
  return {
    job: {
      requestId,
      prompt: request.prompt,
      verifier,
      n,
      exact: request.n !== undefined,
      seed: request.seed ?? randomSeed(),
      maxBatch: state.maxBatch,
      outputFormat: request.output_format,
      deadlineMs,
    },
    predictedMs: predictedTotalMs(profile, verifier, n),
    minimumMs: predictedTotalMs(profile, verifier, 1),
    plannedMs,
    responseFormat: request.response_format,
  };
}
