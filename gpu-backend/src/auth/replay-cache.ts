// Signatures already accepted, remembered until they would be stale anyway (timestamp + max skew), so a
// captured request cannot be replayed inside the freshness window.

export class ReplayCache {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** Records `signature`; returns false if it was already seen and has not expired. */
  remember(signature: string, expiresAtMs: number, nowMs = Date.now()): boolean {
    this.prune(nowMs);
    const known = this.expiries.get(signature);
    if (known !== undefined && known > nowMs) return false;
    this.expiries.delete(signature); // re-inserted at the end: the map stays in arrival order
    this.expiries.set(signature, expiresAtMs);
    // A flood of fresh signatures must not grow memory without bound: drop the oldest entries.
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (oldest.done) break;
      this.expiries.delete(oldest.value);
    }
    return true;
  }

  /**
   * Drops expired entries from the oldest end. Entries arrive in about expiry order (timestamp + window),
   * so stopping at the first live one keeps this O(expired) per request instead of O(all).
   */
  private prune(nowMs: number): void {
    for (const [signature, expiry] of this.expiries) {
      if (expiry > nowMs) break;
      this.expiries.delete(signature);
    }
  }

  get size(): number {
    return this.expiries.size;
  }
}
