// Fetching what a backend reports about itself: its latency profile (GET /v1/profile, the planner's
// input) and its load (GET /healthz: queue depth + requests in flight, when it reports them).
import {
  type ModelsResponse,
  ModelsResponseSchema,
  type Profile,
  ProfileSchema,
  validateProfile,
} from "@tinyscale/shared";

const PROFILE_TIMEOUT_MS = 3_000;
const HEALTH_TIMEOUT_MS = 1_000;

export async function fetchProfile(baseUrl: string, requestId: string): Promise<Profile> {
  const response = await fetch(`${baseUrl}/v1/profile`, {
    headers: { "x-request-id": requestId, accept: "application/json" },
    signal: AbortSignal.timeout(PROFILE_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`GET /v1/profile answered ${response.status}`);
  const parsed = ProfileSchema.safeParse(await response.json());
  if (!parsed.success) throw new Error(`GET /v1/profile is not a profile: ${parsed.error.message}`);
  return validateProfile(parsed.data);
}

export interface ReportedLoad {
  /** Queued + running requests, or null when /healthz does not report them. */
  load: number | null;
  /** Predicted ms before a request sent now would start (estimated_wait_ms), or null when not reported. */
  waitMs: number | null;
  /** The most requests it holds at once (max_in_flight), or null when not reported. */
  capacity: number | null;
  /** What its admission keeps ahead of a new request's candidate (admission_lead_ms), or null. */
  leadMs: number | null;
  /** The factor its costs are scaled by now (slowdown), or null. */
  slowdown: number | null;
}

export const UNREPORTED: ReportedLoad = {
  load: null,
  waitMs: null,
  capacity: null,
  leadMs: null,
  slowdown: null,
};

/**
 * The backend's own count of queued + running requests, its predicted wait, its capacity and its admission
 * terms, each null when its /healthz does not report it (then the edge ranks it by the requests it has in
 * flight there itself).
 * Throws when unreachable.
 */
export async function fetchReportedLoad(baseUrl: string, requestId: string): Promise<ReportedLoad> {
  const response = await fetch(`${baseUrl}/healthz`, {
    headers: { "x-request-id": requestId, accept: "application/json" },
    signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status >= 500) throw new Error(`GET /healthz answered ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return UNREPORTED;
  }
  if (typeof body !== "object" || body === null) return UNREPORTED;
  const fields = body as Record<string, unknown>;
  const counted = (value: unknown): value is number =>
    typeof value === "number" && Number.isFinite(value) && value >= 0;
  let load: number | null = null;
  for (const name of ["queue_depth", "queued", "in_flight", "inflight"]) {
    const value = fields[name];
    if (counted(value)) load = (load ?? 0) + value;
  }
  const wait = fields.estimated_wait_ms;
  const { max_in_flight: capacity, admission_lead_ms: lead, slowdown } = fields;
  return {
    load,
    waitMs: counted(wait) ? wait : null,
    capacity: counted(capacity) && Number.isInteger(capacity) ? capacity : null,
    leadMs: counted(lead) ? lead : null,
    slowdown: counted(slowdown) && slowdown > 0 ? slowdown : null,
  };
}

/** The models a backend serves (its GET /v1/models), or null when it does not answer that route. */
export async function fetchModels(baseUrl: string, requestId: string): Promise<ModelsResponse | null> {
  const response = await fetch(`${baseUrl}/v1/models`, {
    headers: { "x-request-id": requestId, accept: "application/json" },
    signal: AbortSignal.timeout(PROFILE_TIMEOUT_MS),
  });
  if (!response.ok) return null;
  const parsed = ModelsResponseSchema.safeParse(await response.json());
  return parsed.success ? parsed.data : null;
}
