// Token bucket for the per-key rate limit: `burst` tokens at most, refilled at `rpm` per minute.
// Pure arithmetic so the Durable Object only stores (tokens, updated_ms).

export interface BucketState {
  tokens: number;
  updatedMs: number;
}

export function refill(state: BucketState, rpm: number, burst: number, nowMs: number): BucketState {
  const elapsed = Math.max(0, nowMs - state.updatedMs);
  return { tokens: Math.min(burst, state.tokens + (elapsed * rpm) / 60_000), updatedMs: nowMs };
}

/** Seconds until the bucket holds one whole token again (0 when it already does). */
export function secondsUntilToken(tokens: number, rpm: number): number {
  if (tokens >= 1) return 0;
  return Math.max(1, Math.ceil(((1 - tokens) * 60_000) / rpm / 1000));
}

/**
 * Seconds, rounded up, until the bucket gains its next whole token: the window within which no more than
 * the whole tokens held now can be spent (the RateLimit field's `t`). A full bucket gains nothing until a
 * token is spent, so its window is one token's refill time.
 */
export function secondsUntilNextToken(tokens: number, rpm: number, burst: number): number {
  const fraction = tokens >= burst ? 0 : tokens - Math.floor(tokens);
  return Math.max(1, Math.ceil(((1 - fraction) * 60_000) / rpm / 1000));
}
