// A budget under load, through the whole local stack (edge in workerd → backend process, batching
// scheduler): closed-loop clients with budget_ms 400 at 16 and 64 at once. Every answer is a 200 (N ≥ 1,
// charged N + 1) or a 503 overloaded with Retry-After charging nothing; a 504 only where the admission's
// prediction was wrong (recorded); the ledger matches every answer and every reservation is released.
// `npm test` runs this short form; the bench's load section measures the same at every concurrency.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLedger } from "../src/ledger-audit.js";
import type { Observed } from "../src/load-run.js";
import { writeSection } from "../src/results.js";
import { settledUsage } from "../src/settled-usage.js";
import { type Stack, startStack } from "../src/stack.js";

const SECONDS = Number(process.env.RELIABILITY_BUDGET_LOAD_SECONDS ?? 4);
const BUDGET_MS = 400;
const TOLERANCE_MS = 20;

const KEYS = 8;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    backend: { env: { TINYSCALE_SCHEDULER: "batched", TINYSCALE_PROFILE_RUNS: "3" } },
  });
  const warm = await stack.edge.createKey({ name: "warm-up" });
  for (let i = 0; i < 3; i++) await stack.edge.generate(warm.key, { prompt: "warm-up fox", n: 2 });
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

interface Answer {
  id: string;
  keyId: string;
  status: number;
  ms: number;
  n: number | null;
  credits: number | null;
  retryAfter: string | null;
  code: string | null;
}

/** Fresh keys per attempt (a retried test must not meet the first attempt's ledger rows). */
async function freshKeys(): Promise<{ id: string; key: string }[]> {
  const keys: { id: string; key: string }[] = [];
  for (let k = 0; k < KEYS; k++) {
    const created = await stack.edge.createKey({
      name: `budget load ${k}`,
      max_concurrent: 1000,
      rpm: 1_000_000,
      burst: 100_000,
    });
    keys.push({ id: created.id, key: created.key });
  }
  return keys;
}

async function closedLoop(
  keys: readonly { id: string; key: string }[],
  run: string,
  concurrency: number,
  seconds: number,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      for (let i = 0; Date.now() < end; i++) {
        const id = `budget-load-${run}-${concurrency}-${c}-${i}`;
        const key = keys[c % keys.length] as { id: string; key: string };
        const exchange = await stack.edge.generate(
          key.key,
          { prompt: `a fox under load ${c % 6}`, budget_ms: BUDGET_MS, seed: c * 1000 + i },
          { "x-request-id": id },
          10_000,
        );
        const body = JSON.parse(exchange.text) as {
          n?: number;
          usage?: { credits?: number };
          error?: { code: string };
        };
        answers.push({
          id,
          keyId: key.id,
          status: exchange.status,
          ms: exchange.ms,
          n: body.n ?? null,
          credits: body.usage?.credits ?? null,
          retryAfter: exchange.headers.get("retry-after"),
          code: body.error?.code ?? null,
        });
        if (exchange.status === 503) {
          const wait = Number(exchange.headers.get("retry-after") ?? 1) * 1000;
          await new Promise((resolve) => setTimeout(resolve, Math.min(wait, Math.max(0, end - Date.now()))));
        }
      }
    }),
  );
  return answers;
}

function p99(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.floor(0.99 * (sorted.length - 1))] ?? 0) : null;
}

describe(`a 400 ms budget under load (${SECONDS} s per concurrency)`, () => {
  it(
    "answers 200 with N ≥ 1 or refuses at once with 503; charges exactly what ran; releases every reservation",
    async () => {
      const section: Record<string, unknown> = {};
      const all: Answer[] = [];
      const keys = await freshKeys();
      const run = Date.now().toString(36);
      for (const concurrency of [16, 64]) {
        const answers = await closedLoop(keys, run, concurrency, SECONDS);
        all.push(...answers);
        const ok = answers.filter((a) => a.status === 200);
        const refused = answers.filter((a) => a.status === 503);
        section[`c${concurrency}`] = {
          requests: answers.length,
          ok: ok.length,
          ok_inside_budget: ok.filter((a) => a.ms <= BUDGET_MS + TOLERANCE_MS).length,
          ok_p99_ms: p99(ok.map((a) => a.ms)),
          mean_n: ok.length
            ? Math.round((ok.reduce((s, a) => s + (a.n ?? 0), 0) / ok.length) * 10) / 10
            : null,
          refused_503: refused.length,
          refused_p99_ms: p99(refused.map((a) => a.ms)),
          timed_out_504: answers.filter((a) => a.status === 504).length,
        };
      }
      const usage = await settledUsage(stack.edge, keys);
      const issued = new Map(all.map((a) => [a.id, { keyId: a.keyId, kind: "budget" }]));
      const observed = new Map<string, Observed>(
        all.map((a) => [
          a.id,
          {
            keyId: a.keyId,
            kind: "budget",
            status: a.status,
            credits: a.credits,
            replayed: false,
            error: a.code,
          },
        ]),
      );
      const ledger = (await stack.edge.ledger()).filter((row) => keys.some((k) => k.id === row.key_id));
      const audit = auditLedger({ issued, observed, ledger, usage });
      writeSection("load-budget", {
        budget_ms: BUDGET_MS,
        seconds: SECONDS,
        ...section,
        requests_under_load: all.length,
        ledger_mismatches: audit.mismatches.length,
        mismatch_examples: audit.mismatches.slice(0, 20),
      });
      console.info(JSON.stringify(section));

      for (const a of all) {
        if (a.status === 200) {
          expect(a.n).toBeGreaterThanOrEqual(1);
          expect(a.credits).toBe((a.n ?? 0) + 1);
        } else if (a.status === 503) {
          // overloaded: the admission's refusal; no_backend: the edge found none reachable (both retryable)
          expect(["overloaded", "no_backend"]).toContain(a.code);
          expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
        } else {
          // a 504 means the admission's prediction was wrong (it is recorded above); nothing else is allowed
          expect([a.status, a.code]).toEqual([504, "deadline_exceeded"]);
        }
      }
      expect(all.filter((a) => a.status === 200).length).toBeGreaterThan(0);
      for (const u of usage.values()) expect(u.credits_reserved).toBe(0);
      expect(audit.mismatches).toEqual([]);
    },
    (2 * SECONDS + 120) * 1000,
  );
});
