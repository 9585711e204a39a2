// Budget → N: from a backend's measured latency profile (contracts §3), predict a mode's time for N
// candidates and pick the largest N whose prediction plus a network margin fits the budget. Pure.
import { TinyscaleError } from "./errors.js";
import { roundMs } from "./round-ms.js";
import { MAX_N, type Verifier } from "./schemas/common.js";
import { type Profile, ProfileSchema, type Stage } from "./schemas/profile.js";
import { describeIssues } from "./validation.js";

/** Milliseconds kept back from the budget for the network between caller, edge and backend. */
export const DEFAULT_NETWORK_MARGIN_MS = 20;

/** A stage runs once per request (on the winner, or on the prompt) or once per candidate, in batches. */
export interface StageUse {
  stage: Stage;
  per: "request" | "candidate";
}

/**
 * The stages each verifier mode runs, as the backend's pipeline runs them (contracts §1's graph table):
 * - vhs: encode the prompt, `propose` all candidates (DiT head + verifier + argmax, batched), `finish`
 *   the winner only, encode its image.
 * - clip: DiT head, `finish` (to pixels) and CLIP scoring for every candidate; the winner is already decoded.
 * - ae: DiT head and tail for every candidate, score the latents, VAE-decode the winner only.
 * - none: one candidate through DiT head and `finish`, nothing scored.
 */
export const MODE_STAGES: Readonly<Record<Verifier, readonly StageUse[]>> = {
  vhs: [
    { stage: "text_encode", per: "request" },
    { stage: "propose", per: "candidate" },
    { stage: "finish", per: "request" },
    { stage: "image_encode", per: "request" },
  ],
  clip: [
    { stage: "text_encode", per: "request" },
    { stage: "dit_head", per: "candidate" },
    { stage: "finish", per: "candidate" },
    { stage: "clip_verify", per: "candidate" },
    { stage: "image_encode", per: "request" },
  ],
  ae: [
    { stage: "text_encode", per: "request" },
    { stage: "dit_head", per: "candidate" },
    { stage: "dit_tail", per: "candidate" },
    { stage: "ae_verify", per: "candidate" },
    { stage: "vae_decode", per: "request" },
    { stage: "image_encode", per: "request" },
  ],
  none: [
    { stage: "text_encode", per: "request" },
    { stage: "dit_head", per: "request" },
    { stage: "finish", per: "request" },
    { stage: "image_encode", per: "request" },
  ],
};

// Sums of float stage times may land a hair above an exactly fitting budget; this keeps "exact fit" exact.
const FIT_TOLERANCE_MS = 1e-9;

function profileError(message: string): TinyscaleError {
  return new TinyscaleError("misconfigured", `invalid latency profile: ${message}`);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}

/**
 * Checks a profile before anything is predicted from it: limits are positive integers, every stage maps
 * positive integer batch sizes (including 1) to positive finite ms, and, when `verifier` is given, every
 * stage that mode runs is present. Throws a `misconfigured` TinyscaleError naming the bad entry.
 */
export function validateProfile(profile: Profile, verifier?: Verifier): Profile {
  if (typeof profile !== "object" || profile === null) throw profileError("not an object");
  if (!isPositiveInteger(profile.max_batch)) {
    throw profileError(`max_batch must be a positive integer, got ${String(profile.max_batch)}`);
  }
  if (!isPositiveInteger(profile.max_n)) {
    throw profileError(`max_n must be a positive integer, got ${String(profile.max_n)}`);
  }
  if (typeof profile.stages !== "object" || profile.stages === null) throw profileError("stages is missing");
  for (const [stage, timings] of Object.entries(profile.stages)) {
    if (typeof timings !== "object" || timings === null)
      throw profileError(`stage ${stage} is not an object`);
    if (!Object.hasOwn(timings, "1")) throw profileError(`stage ${stage} has no entry for batch size 1`);
    for (const [batch, ms] of Object.entries(timings)) {
      if (!/^[1-9][0-9]*$/.test(batch)) {
        throw profileError(`stage ${stage} has batch size "${batch}"; batch sizes are positive integers`);
      }
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
        throw profileError(
          `stage ${stage} at batch ${batch} is ${String(ms)} ms; every entry must be a positive finite number`,
        );
      }
    }
  }
  if (verifier !== undefined) {
    for (const { stage } of MODE_STAGES[verifier]) {
      if (profile.stages[stage] === undefined) {
        throw profileError(`stage ${stage} is missing, and verifier "${verifier}" runs it`);
      }
    }
  }
  return profile;
}

/** A profile as received over the network (e.g. a backend's `/v1/profile` body), parsed and validated. */
export function parseProfile(json: unknown): Profile {
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) throw profileError(describeIssues(parsed.error));
  return validateProfile(parsed.data);
}

/**
 * Milliseconds for one call of a stage at `batch` candidates: measured, or linear between the nearest
 * measured sizes, or extrapolated from the largest two (from the origin through the only one, when one).
 */
export function stageMs(timings: Readonly<Record<string, number>>, batch: number): number {
  const points = Object.entries(timings)
    .map(([size, ms]) => [Number(size), ms] as const)
    .sort((a, b) => a[0] - b[0]);
  let below: readonly [number, number] | undefined;
  let above: readonly [number, number] | undefined;
  for (const point of points) {
    if (point[0] === batch) return point[1];
    if (point[0] < batch) below = point;
    else if (above === undefined) above = point;
  }
  if (below !== undefined && above !== undefined) {
    return below[1] + ((batch - below[0]) * (above[1] - below[1])) / (above[0] - below[0]);
  }
  // batch 1 is always measured (validateProfile), so a batch outside the table lies above it.
  const last = points[points.length - 1];
  const secondLast = points[points.length - 2];
  if (last === undefined) throw profileError("a stage has no entries");
  if (secondLast === undefined) return (last[1] * batch) / last[0];
  return last[1] + ((batch - last[0]) * (last[1] - secondLast[1])) / (last[0] - secondLast[0]);
}

const FINISH_CHUNKS = new WeakMap<Readonly<Record<string, number>>, Map<number, number>>();

/**
 * Winners finished per `finish` graph run: the smallest batch (up to `maxBatch`) whose per-row cost is
 * within 10 % of the best per-row cost (1 without finish timings). A finish run answers its requests
 * together, so a bigger batch only adds latency where the rows cost the same. The backend finishes in
 * chunks of this size and the edge counts a request's finishing the same way, so both predict the same
 * queue. Both ask per request, so the answer is kept per timings table.
 */
export function finishChunk(timings: Readonly<Record<string, number>> | undefined, maxBatch: number): number {
  if (timings === undefined) return 1;
  let bySize = FINISH_CHUNKS.get(timings);
  if (!bySize) {
    bySize = new Map();
    FINISH_CHUNKS.set(timings, bySize);
  }
  let chunk = bySize.get(maxBatch);
  if (chunk === undefined) {
    chunk = cheapEnoughBatch(timings, maxBatch);
    bySize.set(maxBatch, chunk);
  }
  return chunk;
}

function cheapEnoughBatch(timings: Readonly<Record<string, number>>, maxBatch: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let b = 1; b <= maxBatch; b++) best = Math.min(best, stageMs(timings, b) / b);
  for (let b = 1; b <= maxBatch; b++) if (stageMs(timings, b) / b <= best * 1.1) return b;
  return Math.max(1, maxBatch);
}

function stageTimings(profile: Profile, stage: Stage): Readonly<Record<string, number>> {
  const timings = profile.stages[stage];
  if (timings === undefined) throw profileError(`stage ${stage} is missing`);
  return timings;
}

export interface Prediction {
  total_ms: number;
  breakdown: Partial<Record<Stage, number>>;
}

// Assumes a validated profile; the exported entry points validate first.
function predictValidated(profile: Profile, verifier: Verifier, n: number): Prediction {
  const breakdown: Partial<Record<Stage, number>> = {};
  let total = 0;
  for (const { stage, per } of MODE_STAGES[verifier]) {
    const timings = stageTimings(profile, stage);
    let ms: number;
    if (per === "request") {
      ms = stageMs(timings, 1);
    } else {
      const fullBatches = Math.floor(n / profile.max_batch);
      const remainder = n % profile.max_batch;
      ms =
        fullBatches * stageMs(timings, profile.max_batch) + (remainder > 0 ? stageMs(timings, remainder) : 0);
    }
    breakdown[stage] = (breakdown[stage] ?? 0) + ms;
    total += ms;
  }
  return { total_ms: total, breakdown };
}

/** Predicted pipeline time (no network margin) for `n` candidates in `verifier` mode. */
export function predictMs(profile: Profile, verifier: Verifier, n: number): Prediction {
  if (!isPositiveInteger(n))
    throw new TinyscaleError("invalid_request", `n must be a positive integer, got ${n}`);
  return predictValidated(validateProfile(profile, verifier), verifier, n);
}

export interface PlanOptions {
  budget_ms: number;
  verifier?: Verifier;
  /** A further cap, e.g. the key's; the profile's `max_n` and the API's 64 always apply. */
  max_n?: number;
  network_margin_ms?: number;
}

export interface Plan {
  n: number;
  /** Predicted pipeline time for n, without the margin. */
  predicted_ms: number;
  breakdown: Prediction["breakdown"];
  budget_ms: number;
  network_margin_ms: number;
  /** The cap that applied to n. */
  max_n: number;
}

/** The smallest budget that plans at all: N=1's prediction plus the margin, rounded up to whole ms. */
export function minimumBudgetMs(
  profile: Profile,
  verifier: Verifier = "vhs",
  networkMarginMs: number = DEFAULT_NETWORK_MARGIN_MS,
): number {
  return Math.ceil(predictMs(profile, verifier, 1).total_ms + networkMarginMs - FIT_TOLERANCE_MS);
}

/**
 * The largest N ≤ the cap whose predicted time plus the network margin is within `budget_ms`.
 * Every N from 1 to the cap is tried, so a bigger budget never plans a smaller N even where a profile's
 * batching makes the prediction dip as N grows. Throws `budget_too_small` (stating the minimum) when
 * even N=1 does not fit.
 */
export function planCandidates(profile: Profile, options: PlanOptions): Plan {
  const verifier = options.verifier ?? "vhs";
  const margin = options.network_margin_ms ?? DEFAULT_NETWORK_MARGIN_MS;
  const budget = options.budget_ms;
  if (!Number.isFinite(budget) || budget < 0) {
    throw new TinyscaleError("invalid_request", `budget_ms must be a non-negative number, got ${budget}`);
  }
  if (!Number.isFinite(margin) || margin < 0) {
    throw new TinyscaleError(
      "invalid_request",
      `network_margin_ms must be a non-negative number, got ${margin}`,
    );
  }
  if (options.max_n !== undefined && !isPositiveInteger(options.max_n)) {
    throw new TinyscaleError("invalid_request", `max_n must be a positive integer, got ${options.max_n}`);
  }
  validateProfile(profile, verifier);
  const cap = verifier === "none" ? 1 : Math.min(profile.max_n, options.max_n ?? MAX_N, MAX_N);
  const fits = (prediction: Prediction) => prediction.total_ms + margin <= budget + FIT_TOLERANCE_MS;

  const first = predictValidated(profile, verifier, 1);
  if (!fits(first)) {
    const minimum = Math.ceil(first.total_ms + margin - FIT_TOLERANCE_MS);
    throw new TinyscaleError(
      "budget_too_small",
      `budget_ms ${budget} is below the minimum budget of ${minimum} ms for verifier "${verifier}" ` +
        `(one candidate is predicted to take ${roundMs(first.total_ms)} ms plus a ${margin} ms network margin)`,
    );
  }
  let best = { n: 1, prediction: first };
  for (let n = 2; n <= cap; n++) {
    const prediction = predictValidated(profile, verifier, n);
    if (fits(prediction)) best = { n, prediction };
  }
  return {
    n: best.n,
    predicted_ms: best.prediction.total_ms,
    breakdown: best.prediction.breakdown,
    budget_ms: budget,
    network_margin_ms: margin,
    max_n: cap,
  };
}
