// Sends a planned generation to the ranked backends and shapes the answer for the edge: the headers the
// client may see, the edge's own planned_ms written in, and what the backend says it used.
import { METADATA_HEADER } from "@tinyscale/shared";
import { backendUsage } from "../meter/backend-usage.js";
import type { BackendAnswer } from "../meter/metered-generation.js";
import { annotatePlannedMs } from "./annotate-plan.js";
import type { Backends, BackendView } from "./backend-pool.js";
import { forwardGeneration } from "./forward-generation.js";
import type { PlannedGeneration } from "./plan-generation.js";

const KEPT_BACKEND_HEADERS = ["content-type", METADATA_HEADER] as const;

export async function sendGeneration(
  pool: Backends,
  ranked: readonly BackendView[],
  plan: PlannedGeneration,
  request: { requestId: string; signingSecret: string },
): Promise<BackendAnswer> {
  const result = await forwardGeneration(pool, ranked, {
    body: JSON.stringify(plan.forwarded),
    requestId: request.requestId,
    // The backend aims to answer early enough for this edge's own work after it (settling, the response)
    // to fit before the caller's deadline too.
    deadlineMs: plan.deadlineMs - pool.afterBackendMs,
    timeoutMs: plan.timeoutMs,
    signingSecret: request.signingSecret,
  });
  const used = backendUsage(result.headers, result.body);
  const kept: [string, string][] = [];
  for (const name of KEPT_BACKEND_HEADERS) {
    const value = result.headers.get(name);
    if (value !== null) kept.push([name, value]);
  }
  const { headers, body } = annotatePlannedMs(kept, result.body, plan.plannedMs);
  return {
    response: { status: result.status, headers, body },
    creditsUsed: used.credits,
    nRun: used.nRun,
    backend: result.backend,
    backendMs: result.backendMs,
  };
}
