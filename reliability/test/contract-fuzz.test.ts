// The contract test: schemathesis generates requests from the edge's served /openapi.json — valid ones,
// invalid ones, and sequences (create → revoke → change) following the links it infers — and checks every
// answer: a documented status, a body and headers valid by the document, no 5xx besides the documented
// capacity and deadline answers, schema-valid input accepted, schema-invalid input refused. Real stack:
// the edge in workerd, the backend process on the tiny bundle. Deterministic and bounded (see schemathesis.toml).
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_TOKEN } from "../src/local-edge.js";
import { type FuzzTarget, runSchemathesis, schemathesisBin } from "../src/schemathesis.js";
import { type Stack, startStack } from "../src/stack.js";

let stack: Stack;
let bin: string;
let apiKey: string;

beforeAll(async () => {
  bin = schemathesisBin();
  stack = await startStack();
  // Limits far above what the run sends: a 429 or 402 would hide the answers under test.
  apiKey = (await stack.edge.createKey({ name: "contract", rpm: 100_000, burst: 100_000 })).key;
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function expectConforms(target: Omit<FuzzTarget, "baseUrl">): Promise<void> {
  const run = await runSchemathesis(bin, { baseUrl: stack.edge.url, ...target }, 100_000);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.generated, run.output).toBeGreaterThan(50);
}

it("the public API answers every generated request as its document says", async () => {
  await expectConforms({ bearer: apiKey, pathRegex: "^/v1/" });
}, 110_000);

it("the admin API answers every generated request and sequence as its document says", async () => {
  await expectConforms({ bearer: ADMIN_TOKEN, pathRegex: "^/admin/" });
}, 110_000);
