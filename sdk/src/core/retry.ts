// The retry policy, in one place: which failures are worth another attempt and how long to wait first.
// Generation is idempotent on the server (the Idempotency-Key replays a stored result), so POSTs are retried too.
import { parseRetryAfterSeconds } from "./errors.js";

/** A server-directed wait longer than this is cut to it: a client should not sleep for minutes unasked. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** First backoff step; doubles per attempt (0.5 s, 1 s, 2 s, …) up to MAX_BACKOFF_MS. */
export const INITIAL_BACKOFF_MS = 500;
export const MAX_BACKOFF_MS = 8_000;
/** Backoff is reduced by up to this fraction at random so that clients failing together do not retry together. */
export const JITTER_FRACTION = 0.25;

/**
 * Whether a response status deserves another attempt.
 * - 408/429/5xx are transient: the request timed out, a limit refills, or the backend was busy or failed.
 * - A 409 is transient only as `idempotency_in_flight` (the replay will carry the stored result); a
 *   `revoked_key_immutable` 409 stays so.
 * - A 429 whose code is `quota_exceeded` is not: the credits come back at the period's end, not in seconds.
 * - Every other 4xx is the caller's mistake; sending it again gives the same answer.
 * - The server may decide for us with `x-should-retry: true|false` (the openai-node convention).
 */
export function isRetryableStatus(status: number, code: string | null, headers: Headers): boolean {
  const forced = headers.get("x-should-retry");
  if (forced === "true") return true;
  if (forced === "false") return false;
  if (status === 429) return code !== "quota_exceeded";
  if (status === 409) return code === "idempotency_in_flight";
  return status === 408 || status >= 500;
}

/**
 * Milliseconds to wait before retry number `retry` (0 for the first retry).
 * `Retry-After` (or `retry-after-ms`) wins when present, capped at MAX_RETRY_AFTER_MS; otherwise
 * exponential backoff with jitter. `random` is injectable so tests can pin the jitter.
 */
export function retryDelayMs(retry: number, headers: Headers | undefined, random: () => number): number {
  if (headers !== undefined) {
    const retryAfter = parseRetryAfterSeconds(headers);
    if (retryAfter !== null) return Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS);
  }
  const backoff = Math.min(INITIAL_BACKOFF_MS * 2 ** retry, MAX_BACKOFF_MS);
  return backoff * (1 - JITTER_FRACTION * random());
}
