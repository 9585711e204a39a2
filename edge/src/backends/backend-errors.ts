// Turning a backend's failure into the edge's answer: client mistakes the backend caught keep their
// code; everything else becomes 502 backend_error, 503 overloaded or 504 deadline_exceeded.
import { type ErrorCode, isErrorCode, TinyscaleError } from "@tinyscale/shared";

// Codes a backend may answer that describe the caller's request, so the caller should see them as-is.
const CALLER_CODES: ReadonlySet<ErrorCode> = new Set([
  "invalid_request",
  "invalid_json",
  "budget_too_small",
  "unsupported_size",
  "unsupported_verifier",
  "payload_too_large",
]);

function backendErrorCode(bodyText: string): { code: string | null; message: string | null } {
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === "string" ? body.error.code : null;
    const message = typeof body.error?.message === "string" ? body.error.message : null;
    return { code, message };
  } catch {
    return { code: null, message: null };
  }
}

function retryAfterOf(response: Response): number {
  const value = Number(response.headers.get("retry-after"));
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : 1;
}

export function errorFromBackendResponse(response: Response, bodyText: string): TinyscaleError {
  const { code, message } = backendErrorCode(bodyText);
  if (code !== null && isErrorCode(code) && CALLER_CODES.has(code)) {
    return new TinyscaleError(code, message ?? `the backend refused the request (${code})`);
  }
  if (response.status === 401 || response.status === 403) {
    // Our own signature was refused: a secret or clock mismatch between edge and backend.
    return new TinyscaleError(
      "backend_error",
      "the backend refused the edge's signature; the operator must check SIGNING_SECRET",
    );
  }
  if (response.status === 503 || response.status === 429) {
    // The backend's own refusal says why (the work owed ahead, an earlier request's deadline): the caller
    // can tell a queue from a budget too tight for this moment.
    const why = code === "overloaded" && message ? `: ${message}` : "; retry shortly";
    return new TinyscaleError("overloaded", `the backend is at capacity${why}`, {
      retryAfterSeconds: retryAfterOf(response),
    });
  }
  if (response.status === 504 || code === "deadline_exceeded") {
    return new TinyscaleError(
      "deadline_exceeded",
      message ?? "the backend could not finish within the deadline",
    );
  }
  return new TinyscaleError(
    "backend_error",
    `the backend failed with status ${response.status}${code ? ` (${code})` : ""}`,
  );
}
