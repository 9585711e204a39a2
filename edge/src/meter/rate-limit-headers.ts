// RateLimit-Policy and RateLimit response fields in the IETF draft's structured-field form
// (draft-ietf-httpapi-ratelimit-headers): a "rpm" token-bucket policy and a "credits" quota policy.
import type { MeterSnapshot } from "./meter-types.js";

/**
 * `"rpm"`: q = burst (what can be spent at once), w = seconds to refill the whole burst. Every keyed request
 * spends one token.
 * `"credits"`: q = credits per period, w = the period's length; `ts-unit="credits"` is a vendor parameter
 * because the draft registers no credit unit.
 * In RateLimit, `t` is the draft's effective window, one meaning whether quota remains or not: the seconds
 * within which the client can use no more than `r`. For the bucket, until its next token (so at r=0 it equals
 * Retry-After); for the credits, until the period ends.
 */
export function rateLimitHeaders(snapshot: MeterSnapshot): Record<string, string> {
  const refillWindow = Math.max(1, Math.ceil((snapshot.burst * 60) / snapshot.rpm));
  const periodSeconds = Math.round((snapshot.periodEndMs - snapshot.periodStartMs) / 1000);
  const periodLeft = Math.max(0, Math.ceil((snapshot.periodEndMs - snapshot.nowMs) / 1000));
  return {
    "RateLimit-Policy": `"rpm";q=${snapshot.burst};w=${refillWindow}, "credits";q=${snapshot.creditsQuota};w=${periodSeconds};ts-unit="credits"`,
    RateLimit: `"rpm";r=${snapshot.tokens};t=${snapshot.secondsUntilNextToken}, "credits";r=${snapshot.creditsRemaining};t=${periodLeft}`,
  };
}
