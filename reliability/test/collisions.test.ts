// Collisions between different requests that share what the stack uses as their identity; found by this
// suite, all three now fixed. Each test states the behaviour we need.
//  1. Same body, forwarded within the same second: contracts §2 signs timestamp-in-seconds + method +
//     path + body, so without a nonce both carried the same signature and the backend's replay cache
//     refused the second (401 → 502). Fixed in 2597d23 (a random nonce in the signed path).
//  2. A client-chosen X-Request-Id reused concurrently by one key: the meter's reservations table was keyed
//     by request id, the second INSERT failed (SQLITE_CONSTRAINT) → 500 internal_error.
//  3. The same X-Request-Id used twice (two keys, or one key one request after another): the D1 ledger's
//     primary key is request_id, written with INSERT OR REPLACE, so one charge record overwrote another.
//  2 and 3 fixed in 77ede8a: the meter and the ledger key requests by a unique accountingId.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typedError } from "../src/error-shape.js";
import { eventually } from "../src/local-edge.js";
import { writeSection } from "../src/results.js";
import { type Stack, startStack } from "../src/stack.js";

let stack: Stack;
const found: Record<string, unknown> = {};

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  writeSection("collisions", {
    found,
    http_500s: stack?.tally.count((s) => s === 500) ?? 0,
    responses: stack?.tally.toJSON(),
  });
  await stack?.close();
});

const codeOf = (exchange: { status: number; text: string; headers: Headers }) =>
  exchange.status === 200 ? "ok" : (typedError({ ...exchange, ms: 0 }).code ?? String(exchange.status));

describe("requests that look alike are still different requests", () => {
  it("identical bodies from different requests all succeed (none is taken for a replay)", async () => {
    const a = await stack.edge.createKey({ name: "user a" });
    const b = await stack.edge.createKey({ name: "user b" });
    const body = { prompt: "the same popular fox", n: 1 };
    const answers = await Promise.all([a, b, a, b].map((key) => stack.edge.generate(key.key, body)));
    found.identical_bodies = answers.map(codeOf);
    expect(answers.map(codeOf)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  it("one key reusing its X-Request-Id concurrently gets no 500", async () => {
    const key = await stack.edge.createKey({ name: "reuses ids" });
    const answers = await Promise.all(
      [1, 2].map((seed) =>
        stack.edge.generate(key.key, { prompt: "dup id", n: 1, seed }, { "x-request-id": "client-id-7" }),
      ),
    );
    found.same_key_same_id = answers.map(codeOf);
    for (const answer of answers) expect(answer.status).not.toBe(500);
  });

  it("two keys using the same X-Request-Id each keep their own ledger row (ledger total = meter)", async () => {
    const a = await stack.edge.createKey({ name: "id owner a" });
    const b = await stack.edge.createKey({ name: "id owner b" });
    const answers = await Promise.all(
      [a, b].map((key, i) =>
        stack.edge.generate(key.key, { prompt: "shared id", n: 2, seed: i }, { "x-request-id": "order-42" }),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual([200, 200]);
    const totals: Record<string, { meter: number; ledger: number }> = {};
    for (const key of [a, b]) {
      const usage = await eventually(
        () => stack.edge.usage(key.key),
        (u) => u.credits_reserved === 0,
      );
      const rows = await stack.edge.ledger(key.id);
      totals[key.id] = {
        meter: usage.credits_used,
        ledger: rows.reduce((sum, r) => sum + r.credits_charged, 0),
      };
    }
    found.cross_key_same_id = totals;
    for (const total of Object.values(totals)) expect(total.ledger).toBe(total.meter);
  });

  it("one key reusing its X-Request-Id one request after another keeps a ledger row per request", async () => {
    const key = await stack.edge.createKey({ name: "constant id client" });
    for (const seed of [1, 2, 3]) {
      const answer = await stack.edge.generate(
        key.key,
        { prompt: "constant id", n: 1, seed },
        { "x-request-id": "my-app" },
      );
      expect(answer.status).toBe(200);
    }
    const usage = await eventually(
      () => stack.edge.usage(key.key),
      (u) => u.credits_reserved === 0,
    );
    const rows = await eventually(
      () => stack.edge.ledger(key.id),
      (r) => r.length >= 3,
      3_000,
    );
    const ledger = rows.reduce((sum, r) => sum + r.credits_charged, 0);
    found.same_key_sequential_id = { meter: usage.credits_used, ledger, rows: rows.length };
    expect({ rows: rows.length, ledger }).toEqual({ rows: 3, ledger: usage.credits_used });
  });
});
