// The backend pool from BACKENDS: per backend its cached profile (TTL), reported load and predicted wait,
// and the requests this isolate has in flight there; ranks reachable backends by the earliest predicted
// start. Lives per isolate.
//
// The predicted wait is kept current between two reads of /healthz (up to LOAD_TTL_MS apart, and a loaded
// backend's queue changes by the request): the reported wait drains as time passes, and every request this
// isolate has claimed there since the read adds its least work (backend-work.ts) until it is answered. A
// request checks the wait and claims its place in one synchronous step (waitMs, then claim), so a burst
// of concurrent requests sees the wait grow with each one admitted, and the edge refuses at once the one
// that would not fit (admit-for-backend.ts) instead of reserving, forwarding, and being refused by the backend.
import { LruCache, type Profile } from "@tinyscale/shared";
import type { Config } from "../config/env.js";
import { fetchProfile, fetchReportedLoad, type ReportedLoad, UNREPORTED } from "./backend-status.js";

// Load changes by the request, so it is re-read far more often than the profile.
export const LOAD_TTL_MS = 1_000;
/** A backend that refused a connection is skipped for this long before it is tried again. */
export const DOWN_FOR_MS = 5_000;
// Longer than both status fetch timeouts, so only a refresh whose request was cancelled counts as stuck.
const REFRESH_STUCK_MS = 5_000;
/** Prompts remembered per backend: the backend's default text-embedding cache size (TINYSCALE_TEXT_CACHE_SIZE). */
export const RECENT_PROMPTS = 64;

export interface BackendView {
  url: string;
  profile: Profile;
  load: number;
  /** Predicted ms before a request sent now would start there (0 when it reports none). */
  waitMs: number;
  /** Ms since its load was last read (a request that refreshes reads it again after LOAD_TTL_MS). */
  loadAgeMs: number;
  /** This isolate already has as many requests unanswered there as it reports taking (max_in_flight). */
  full: boolean;
}

/** A request this isolate has admitted for a backend and not yet seen answered. */
interface Claim {
  atMs: number;
  /**
   * When it stops counting even if never released: workerd may drop a request whose client went away
   * without running its remaining code, and a claim left behind must not inflate the wait for good.
   */
  untilMs: number;
  /** Its least work on the backend (one candidate), which the backend owes it before any other's second. */
  leastWorkMs: number;
}

interface BackendState {
  url: string;
  profile: Profile | null;
  profileAtMs: number;
  reported: ReportedLoad;
  loadAtMs: number;
  claims: Set<Claim>;
  downUntilMs: number;
  lastError: string | null;
  /** When a refresh started (0: none); a refresh older than REFRESH_STUCK_MS is assumed abandoned. */
  refreshingSinceMs: number;
  /** Prompts of the latest requests admitted for it: likely in its text-embedding cache. */
  recentPrompts: LruCache<string, true>;
}

/** What routes need from the pool; BackendPool is the real one, kept per isolate. */
export interface Backends {
  readonly size: number;
  /**
   * Refreshes what is stale first. With `background` (e.g. the Worker's waitUntil), a warm but stale load
   * is re-read without waiting for it: this request ranks on the values already known (at most a refresh
   * interval old), and no request's latency includes a /healthz round trip. A cold pool is always awaited.
   */
  ranked(requestId: string, background?: (work: Promise<unknown>) => void): Promise<BackendView[]>;
  /** The same ranking from what is known now, fetching nothing (empty before the first profile). */
  rankedNow(): BackendView[];
  describeUnavailable(): string;
  markDown(url: string, reason: string): void;
  /** The wait a request sent to `url` now would meet (ms), counting the claims made since its report. */
  waitMs(url: string): number;
  /**
   * The capacity `url` reports (max_in_flight) when this isolate already has that many requests there
   * unanswered, so that the backend would refuse one more; null while there is room or it reports none.
   */
  fullAt(url: string): number | null;
  /**
   * A request is admitted for `url` and adds `leastWorkMs` (at profiled speed, scaled here by the slowdown the
   * backend last reported) to its predicted wait until the returned function
   * is called (when the backend answered, or the request ended without reaching it); calling it again is a
   * no-op. It counts for `ttlMs` at most (the request's own timeout).
   */
  claim(url: string, leastWorkMs: number, ttlMs: number, prompt?: string): () => void;
  /**
   * Whether a request with `prompt` was admitted for `url` among its latest RECENT_PROMPTS (the backend's
   * default text-embedding cache size): then the backend likely has its embeddings and skips encoding it.
   */
  promptCached(url: string, prompt: string): boolean;
  /** Ms this edge takes after a backend's answer (settling, the ledger, the response), a high estimate. */
  readonly afterBackendMs: number;
  observeAfterBackend(ms: number): void;
  /** Ms this edge takes from admitting a request to forwarding it (the meter's reservation), a high estimate. */
  readonly beforeBackendMs: number;
  observeBeforeBackend(ms: number): void;
  /**
   * What `url`'s own admission adds besides the wait, as it last reported (/healthz): the ms it keeps ahead
   * of a new request's first candidate (null when not reported) and the factor its costs are scaled by (1).
   */
  admissionTerms(url: string): { leadMs: number | null; slowdown: number };
}

export class BackendPool implements Backends {
  private readonly states: BackendState[];
  private afterBackend = 0;
  private beforeBackend = 0;

  constructor(
    urls: readonly string[],
    private readonly profileTtlMs: number,
  ) {
    this.states = urls.map((url) => ({
      url,
      profile: null,
      profileAtMs: 0,
      reported: UNREPORTED,
      loadAtMs: 0,
      claims: new Set(),
      downUntilMs: 0,
      lastError: null,
      refreshingSinceMs: 0,
      recentPrompts: new LruCache(RECENT_PROMPTS),
    }));
  }

  /**
   * Reachable backends with a profile, earliest predicted start first, then least loaded (ties keep the
   * configured order rotated); one that holds its reported capacity of this isolate's requests comes last.
   * A backend that reports no wait is ranked by its load alone.
   */
  async ranked(requestId: string, background?: (work: Promise<unknown>) => void): Promise<BackendView[]> {
    const now = Date.now();
    await Promise.all(this.states.map((state) => this.refresh(state, now, requestId, background)));
    return this.rankedNow();
  }

  rankedNow(): BackendView[] {
    const now = Date.now();
    const usable = this.states.filter(
      (state): state is BackendState & { profile: Profile } =>
        state.profile !== null && state.downUntilMs <= now,
    );
    const views = usable.map((state) => ({
      url: state.url,
      profile: state.profile,
      load: (state.reported.load ?? 0) + state.claims.size,
      waitMs: predictedWaitMs(state, now),
      loadAgeMs: now - state.loadAtMs,
      full: isFull(state, now),
    }));
    // Rotating before the stable sort spreads equal loads across backends instead of piling on the first.
    const offset = views.length > 0 ? Math.floor(Math.random() * views.length) : 0;
    const rotated = [...views.slice(offset), ...views.slice(0, offset)];
    return rotated.sort((a, b) => Number(a.full) - Number(b.full) || a.waitMs - b.waitMs || a.load - b.load);
  }

  get size(): number {
    return this.states.length;
  }

  get afterBackendMs(): number {
    return this.afterBackend;
  }

  observeAfterBackend(ms: number): void {
    this.afterBackend = highEstimate(this.afterBackend, ms);
  }

  get beforeBackendMs(): number {
    return this.beforeBackend;
  }

  observeBeforeBackend(ms: number): void {
    this.beforeBackend = highEstimate(this.beforeBackend, ms);
  }

  admissionTerms(url: string): { leadMs: number | null; slowdown: number } {
    const reported = this.stateOf(url)?.reported ?? UNREPORTED;
    return { leadMs: reported.leadMs, slowdown: reported.slowdown ?? 1 };
  }

  private stateOf(url: string): BackendState | undefined {
    return this.states.find((candidate) => candidate.url === url);
  }

  /** Why no backend is usable, for the log line behind a 503. */
  describeUnavailable(): string {
    return this.states.map((state) => `${state.url}: ${state.lastError ?? "no profile yet"}`).join("; ");
  }

  markDown(url: string, reason: string): void {
    const state = this.stateOf(url);
    if (!state) return;
    state.downUntilMs = Date.now() + DOWN_FOR_MS;
    state.lastError = reason;
    state.loadAtMs = 0;
  }

  promptCached(url: string, prompt: string): boolean {
    const state = this.stateOf(url);
    return state?.recentPrompts.get(prompt) !== undefined;
  }

  waitMs(url: string): number {
    const state = this.stateOf(url);
    return state ? predictedWaitMs(state, Date.now()) : 0;
  }

  fullAt(url: string): number | null {
    const state = this.stateOf(url);
    return state && isFull(state, Date.now()) ? state.reported.capacity : null;
  }

  claim(url: string, leastWorkMs: number, ttlMs: number, prompt?: string): () => void {
    const state = this.stateOf(url);
    if (!state) return () => {};
    if (prompt !== undefined) state.recentPrompts.set(prompt, true);
    const now = Date.now();
    const atSpeed = Math.max(0, leastWorkMs) * (state.reported.slowdown ?? 1);
    const claim: Claim = { atMs: now, untilMs: now + ttlMs, leastWorkMs: atSpeed };
    state.claims.add(claim);
    return () => {
      state.claims.delete(claim);
    };
  }

  private async refresh(
    state: BackendState,
    now: number,
    requestId: string,
    background?: (work: Promise<unknown>) => void,
  ): Promise<void> {
    if (state.downUntilMs > now) return;
    if (state.profile === null) {
      // Cold: nothing to plan with yet, so this request fetches for itself (no promise is shared between
      // requests: workerd cancels continuations of a request that has gone, which would strand the rest).
      await this.load(state, true, requestId);
      return;
    }
    const profileStale = now - state.profileAtMs >= this.profileTtlMs;
    const loadStale = now - state.loadAtMs >= LOAD_TTL_MS;
    if ((!profileStale && !loadStale) || now - state.refreshingSinceMs < REFRESH_STUCK_MS) return;
    // Warm but stale: one request refreshes, the others keep using the values they have. With a
    // `background`, that request does not wait for it either (the refresh outlives it there).
    state.refreshingSinceMs = now;
    const refreshed = this.load(state, profileStale, requestId).finally(() => {
      state.refreshingSinceMs = 0;
    });
    if (background) background(refreshed);
    else await refreshed;
  }

  private async load(state: BackendState, withProfile: boolean, requestId: string): Promise<void> {
    // The report is dated when it was asked for: requests claimed while it was on its way may or may not be
    // in it, and counting them again (predictedWaitMs) errs on the side of a longer wait.
    const askedAtMs = Date.now();
    try {
      const [profile, load] = await Promise.all([
        withProfile ? fetchProfile(state.url, requestId) : Promise.resolve(state.profile),
        fetchReportedLoad(state.url, requestId).catch((error: unknown) => {
          // The profile answered but health did not: rank by our own in-flight count instead.
          if (withProfile) return UNREPORTED;
          throw error;
        }),
      ]);
      if (withProfile) state.profileAtMs = Date.now();
      state.profile = profile;
      state.reported = load;
      state.loadAtMs = askedAtMs;
      state.lastError = null;
    } catch (error) {
      state.lastError = error instanceof Error ? error.message : String(error);
      state.downUntilMs = Date.now() + DOWN_FOR_MS;
      if (withProfile) state.profile = null;
    }
  }
}

/**
 * The wait a request sent now would meet: what the backend last reported, less the time since (its queue
 * drains meanwhile), plus the least work of each request claimed there since that report and not yet answered
 * (the report cannot include them). A backend whose /healthz reports no wait is ranked by load alone (0).
 */
function predictedWaitMs(state: BackendState, now: number): number {
  if (state.reported.waitMs === null) return 0;
  let wait = Math.max(0, state.reported.waitMs - (now - state.loadAtMs));
  liveClaims(state, now);
  for (const claim of state.claims) {
    if (claim.atMs >= state.loadAtMs) wait += claim.leastWorkMs;
  }
  return wait;
}

/** A longer time is taken at half weight at once, a shorter one decays slowly: most requests fit. */
function highEstimate(estimate: number, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) return estimate;
  return estimate + (ms > estimate ? 0.5 : 0.05) * (ms - estimate);
}

/** Whether this isolate's unanswered requests there reach the capacity it reports (never without a report). */
function isFull(state: BackendState, now: number): boolean {
  return state.reported.capacity !== null && liveClaims(state, now) >= state.reported.capacity;
}

/** Drops the claims past their time limit; returns how many are left (this isolate's requests in flight there). */
function liveClaims(state: BackendState, now: number): number {
  for (const claim of state.claims) {
    if (claim.untilMs <= now) state.claims.delete(claim);
  }
  return state.claims.size;
}

// One pool per isolate and backend list, so profiles and load survive across requests.
const pools = new Map<string, BackendPool>();

export function backendPoolFor(config: Config): BackendPool {
  const id = `${config.profileTtlMs}|${config.backends.join(",")}`;
  let pool = pools.get(id);
  if (!pool) {
    pool = new BackendPool(config.backends, config.profileTtlMs);
    pools.set(id, pool);
  }
  return pool;
}
