// Generated bad input against the backend over real HTTP (bearer and correctly signed, so validation is
// what answers): every one a 4xx from shared's set, never a 500 or a hang, and no generation ran.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, postGenerate, postSigned, signedHeaders } from "../src/backend-calls.js";
import { type BackendProcess, startBackendProcess } from "../src/backend-process.js";
import { FC_SEED, invalidGenerateBody } from "../src/bad-inputs.js";
import { clientError } from "../src/error-shape.js";
import { type Exchange, headerRefusal, send, sendRaw, Tally } from "../src/http-call.js";
import { metricTotal } from "../src/metrics.js";
import { writeSection } from "../src/results.js";

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 150);
const tally = new Tally();
let backend: BackendProcess;
let generatedBefore = 0;
const tried: Record<string, number> = {};
/** What the HTTP layer did with oversized headers: a status, or "closed" without an answer. */
const headerRefusals: (number | "closed")[] = [];
const count = (kind: string) => {
  tried[kind] = (tried[kind] ?? 0) + 1;
};

beforeAll(async () => {
  backend = await startBackendProcess();
  generatedBefore = await metricTotal(backend.url, "tinyscale_candidates_total");
});

afterAll(async () => {
  writeSection("bad-input-backend", {
    bad_inputs_tried: Object.values(tried).reduce((sum, n) => sum + n, 0),
    http_500s: tally.count((s) => s === 500),
    hangs: tally.hangs,
    by_kind: tried,
    oversized_header_answers: headerRefusals,
    responses: tally.toJSON(),
  });
  await backend?.stop();
});

function expectClientError(exchange: Exchange, what: string): void {
  const verdict = clientError(exchange);
  expect(verdict.ok, `${what}: ${verdict.why}`).toBe(true);
}

describe("backend: generated bad bodies", () => {
  it("bearer caller: random JSON, wrong types, NaN/Infinity, huge numbers, bad prompts, invalid UTF-8", async () => {
    await fc.assert(
      fc.asyncProperty(invalidGenerateBody, async (body) => {
        count(`bearer ${body.kind}`);
        expectClientError(await postGenerate(tally, backend.url, body.bytes, bearer), body.kind);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it("correctly signed (as the edge would forward them): the same bodies", async () => {
    await fc.assert(
      fc.asyncProperty(invalidGenerateBody, async (body) => {
        count(`signed ${body.kind}`);
        expectClientError(await postSigned(tally, backend.url, body.bytes), body.kind);
      }),
      { seed: FC_SEED + 1, numRuns: RUNS },
    );
  });

  it("malformed X-Tinyscale-Deadline values → 400 invalid_request", async () => {
    const notEpochMs = fc
      .string({ maxLength: 24 })
      .filter((s) => !/^\d{10,16}(\.\d+)?$/.test(s.trim()) && s.trim() !== "");
    await fc.assert(
      fc.asyncProperty(notEpochMs, async (deadline) => {
        count("bad_deadline");
        const body = JSON.stringify({ prompt: "a fox", n: 1 });
        let exchange: Exchange;
        try {
          exchange = await postGenerate(tally, backend.url, body, {
            ...bearer,
            "x-tinyscale-deadline": deadline,
          });
        } catch (error) {
          // fetch itself refuses header values with control characters: nothing reached the server.
          if (error instanceof TypeError) return;
          throw error;
        }
        expectClientError(exchange, `deadline ${JSON.stringify(deadline)}`);
      }),
      { seed: FC_SEED, numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe("backend: sizes, framing, routes", () => {
  it("a 1 MB prompt → 413 (declared length and streamed chunked), each on a fresh connection", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ prompt: "a".repeat(1024 * 1024), n: 1 }));
    const headers: [string, string][] = [
      ["content-type", "application/json"],
      ["authorization", bearer.authorization],
    ];
    const url = `${backend.url}/v1/generate`;
    count("oversized");
    expectClientError(await sendRaw(tally, url, "POST", headers, bytes), "1 MB declared");
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += 64 * 1024) chunks.push(bytes.slice(at, at + 64 * 1024));
    count("oversized");
    expectClientError(await sendRaw(tally, url, "POST", headers, chunks), "1 MB chunked");
  });

  it("oversized headers (64 KB, 200 KB) → refused by the HTTP layer (4xx or closed), never a 5xx or a hang", async () => {
    for (const size of [64 * 1024, 200 * 1024]) {
      count("oversized_header");
      const answer = await headerRefusal(tally, `${backend.url}/v1/generate`, size, bearer.authorization);
      headerRefusals.push(answer);
      expect(answer === "closed" || (answer >= 400 && answer < 500), `${size} bytes → ${answer}`).toBe(true);
    }
  });

  it("duplicated headers: signature, timestamp, bearer, deadline", async () => {
    const body = JSON.stringify({ prompt: "a fox", n: 1 });
    const bytes = new TextEncoder().encode(body);
    const signed = await signedHeaders(body);
    const sig = signed["x-tinyscale-signature"] ?? "";
    const ts = signed["x-tinyscale-timestamp"] ?? "";
    const url = `${backend.url}/v1/generate`;
    const json: [string, string] = ["content-type", "application/json"];
    const cases: [string, [string, string][]][] = [
      [
        "two signatures",
        [json, ["x-tinyscale-timestamp", ts], ["x-tinyscale-signature", sig], ["x-tinyscale-signature", sig]],
      ],
      [
        "two timestamps",
        [json, ["x-tinyscale-timestamp", ts], ["x-tinyscale-timestamp", ts], ["x-tinyscale-signature", sig]],
      ],
      [
        "two bearer tokens",
        [json, ["authorization", bearer.authorization], ["authorization", bearer.authorization]],
      ],
      [
        "two deadlines",
        [
          json,
          ["authorization", bearer.authorization],
          ["x-tinyscale-deadline", String(Date.now() + 60_000)],
          ["x-tinyscale-deadline", String(Date.now() + 60_000)],
        ],
      ],
    ];
    for (const [name, headers] of cases) {
      count("duplicated_header");
      expectClientError(await sendRaw(tally, url, "POST", headers, bytes), name);
    }
  });

  it("random paths and methods → 404/405 in the error shape", async () => {
    const methods = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;
    const known = new Set(["/healthz", "/readyz", "/metrics", "/v1/profile", "/v1/models"]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methods), fc.webPath(), async (method, path) => {
        const target = path.startsWith("/") ? path : `/${path}`;
        if (known.has(target)) return;
        count("random_route");
        const exchange = await send(tally, `${backend.url}${target}`, { method, headers: bearer });
        expectClientError(exchange, `${method} ${target}`);
      }),
      { seed: FC_SEED, numRuns: RUNS },
    );
  });

  it("no generation ran for any of them, and nothing answered 5xx or hung", async () => {
    expect(await metricTotal(backend.url, "tinyscale_candidates_total")).toBe(generatedBefore);
    expect(tally.count((s) => s >= 500)).toBe(0);
    expect(tally.hangs).toBe(0);
  });
});
