// The planner's answers, kept per profile. planCandidates and predictMs are pure over (profile, verifier,
// budget, max_n / n), and computing them interpolates the profile for every candidate count: about 0.4 ms
// of the HTTP thread per request, measured. In a burst of arrivals every request read after another waits
// for that, so at 64 simultaneous clients the last refusals left 100+ ms after they came in. Budgets and
// caps repeat, so the latest answers are kept (bounded) for the profile they were computed on; a new
// profile starts afresh.

import {
  LruCache,
  type Plan,
  type Profile,
  planCandidates,
  predictMs,
  type Verifier,
} from "@tinyscale/shared";

const ENTRIES = 256;
const caches = new WeakMap<Profile, LruCache<string, number | Plan>>();

function cached<T extends number | Plan>(profile: Profile, key: string, compute: () => T): T {
  let cache = caches.get(profile);
  if (!cache) {
    cache = new LruCache(ENTRIES);
    caches.set(profile, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit as T;
  const value = compute();
  cache.set(key, value);
  return value;
}

/** planCandidates for a budget (the default network margin), remembered for this profile. */
export function planFor(profile: Profile, verifier: Verifier, budgetMs: number, maxN: number): Plan {
  return cached(profile, `plan ${verifier} ${budgetMs} ${maxN}`, () =>
    planCandidates(profile, { budget_ms: budgetMs, verifier, max_n: maxN }),
  );
}

/** predictMs(…).total_ms, remembered for this profile. */
export function predictedTotalMs(profile: Profile, verifier: Verifier, n: number): number {
  return cached(profile, `ms ${verifier} ${n}`, () => predictMs(profile, verifier, n).total_ms);
}
