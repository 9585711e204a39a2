// Load on the local stack (edge in workerd → backend process) over loopback for a bounded time: no 5xx but
// designed 503s, the ledger audited against every answer (0 mismatches), backend RSS growth and p50/p99
// latency recorded. `npm test` runs the short form; `npm run soak` (RELIABILITY_MODE=soak) a long one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLedger } from "../src/ledger-audit.js";
import { type LoadKey, runLoad } from "../src/load-run.js";
import { mode, writeSection } from "../src/results.js";
import { settledUsage } from "../src/settled-usage.js";
import { type Stack, startStack } from "../src/stack.js";

const SOAK = mode() === "soak";
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? (SOAK ? 150 : 12));
const CONNECTIONS = Number(process.env.RELIABILITY_LOAD_CONNECTIONS ?? 8);
const SEED = Number(process.env.RELIABILITY_SEED ?? 20261127);
const MB = 1024 * 1024;

let stack: Stack;
let keys: LoadKey[];

beforeAll(async () => {
  stack = await startStack();
  const make = async (name: string, weight: number, limits: Record<string, number> = {}) => {
    const created = await stack.edge.createKey({ name, ...limits });
    return { id: created.id, key: created.key, weight };
  };
  keys = [
    await make("load a", 4),
    await make("load b", 4),
    await make("load c", 4),
    // Designed refusals under load: a tight rate limit, a small quota, one request at a time.
    await make("rate limited", 1, { rpm: 60, burst: 3 }),
    await make("small quota", 1, { credits_quota: 40 }),
    await make("one at a time", 1, { max_concurrent: 1 }),
  ];
  // Warm-up: profile fetched, text encoder cached, workers hot, before RSS is first sampled.
  const warm = await stack.edge.createKey({ name: "warm-up" });
  for (let i = 0; i < 3; i++) await stack.edge.generate(warm.key, { prompt: "warm-up fox", n: 2 });
});

afterAll(async () => {
  await stack?.close();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe(`load: ${SECONDS} s, ${CONNECTIONS} connections`, () => {
  it(
    "no unexpected 5xx, ledger matches every answer, RSS and latency recorded",
    async () => {
      const rss: number[] = [stack.backend.rssBytes()];
      const sampler = setInterval(() => rss.push(stack.backend.rssBytes()), 500);
      let outcome: Awaited<ReturnType<typeof runLoad>>;
      try {
        outcome = await runLoad({
          url: stack.edge.url,
          keys,
          seconds: SECONDS,
          connections: CONNECTIONS,
          seed: SEED,
        });
      } finally {
        clearInterval(sampler);
      }
      rss.push(stack.backend.rssBytes());
      const { result, issued, observed } = outcome;

      const usage = await settledUsage(stack.edge, keys);
      const ledger = (await stack.edge.ledger()).filter((row) => keys.some((k) => k.id === row.key_id));
      const audit = auditLedger({ issued, observed, ledger, usage });

      const statuses: Record<string, number> = {};
      const errors: Record<string, number> = {};
      let designed5xx = 0;
      let unexpected5xx = 0;
      for (const seen of observed.values()) {
        statuses[seen.status] = (statuses[seen.status] ?? 0) + 1;
        // Designed: 503 (no capacity, Retry-After) and 504 for a budget the queue already made impossible
        // (the backend refuses it at admission; the budget is the caller's own deadline).
        const admissionRefusal = seen.error?.startsWith("deadline_exceeded: deadline cannot be met") === true;
        if (seen.status === 503 || (seen.status === 504 && seen.kind === "budget" && admissionRefusal))
          designed5xx++;
        else if (seen.status >= 500) unexpected5xx++;
        if (seen.error) errors[seen.error] = (errors[seen.error] ?? 0) + 1;
      }
      const quarter = Math.max(1, Math.floor(rss.length / 4));
      const growthMb = (median(rss.slice(-quarter)) - median(rss.slice(0, quarter))) / MB;
      writeSection(SOAK ? "load-soak" : "load", {
        mode: mode(),
        seconds: SECONDS,
        connections: CONNECTIONS,
        seed: SEED,
        requests_under_load: result.requests.total,
        answered: observed.size,
        by_status: statuses,
        autocannon: {
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          rps_mean: result.requests.average,
        },
        latency_ms: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        http_500s: statuses["500"] ?? 0,
        errors,
        designed_5xx: designed5xx,
        unexpected_5xx: unexpected5xx,
        ledger_mismatches: audit.mismatches.length,
        mismatch_examples: audit.mismatches.slice(0, 40),
        ledger: { ...audit, mismatches: undefined },
        backend_rss_mb: {
          start: Math.round(rss[0] ?? 0) / MB,
          end: Math.round(rss[rss.length - 1] ?? 0) / MB,
          max: Math.max(...rss) / MB,
          samples: rss.length,
        },
        backend_rss_growth_mb: Math.round(growthMb * 10) / 10,
        hangs: result.timeouts,
      });

      expect(result.requests.total).toBeGreaterThan(SECONDS * 5);
      expect(statuses["200"] ?? 0).toBeGreaterThan(0);
      expect(unexpected5xx, JSON.stringify(statuses)).toBe(0);
      expect(audit.mismatches).toEqual([]);
      expect(result.errors).toBe(0);
      // A loose bound: the point is the recorded number; this only catches a runaway leak.
      expect(growthMb).toBeLessThan(SOAK ? 300 : 200);
    },
    (SECONDS + 120) * 1000,
  );
});
