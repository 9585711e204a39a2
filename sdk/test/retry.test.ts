// Retry policy through the real client and transport, with a counting fetch and a recording sleep:
// which statuses are retried, how long each wait is, and that one Idempotency-Key spans all attempts.
import { describe, expect, it } from "vitest";
import { Tinyscale } from "../src/client.js";
import {
  APIConnectionError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  QuotaExceededError,
  RateLimitError,
} from "../src/core/errors.js";
import { MAX_BACKOFF_MS, retryDelayMs } from "../src/core/retry.js";
import {
  countingFetch,
  errorResponse,
  jsonResponse,
  recordingSleep,
  type Step,
} from "./helpers/counting-fetch.js";

const PLAN = {
  n: 4,
  predicted_ms: 90,
  budget_ms: 200,
  network_margin_ms: 50,
  breakdown: { propose: 40 },
  max_n: 64,
};

function client(
  steps: Step[] | ((call: number) => Step),
  options: { maxRetries?: number; random?: () => number } = {},
) {
  const counting = countingFetch(steps);
  const recorder = recordingSleep();
  const tinyscale = new Tinyscale({
    apiKey: "ts_test_key",
    baseURL: "http://api.test",
    fetch: counting.fetch,
    sleep: recorder.sleep,
    random: options.random ?? (() => 0),
    maxRetries: options.maxRetries,
  });
  return { tinyscale, calls: counting.calls, delays: recorder.delays };
}

describe("retries", () => {
  it("retries 503 twice with exponential backoff, then succeeds", async () => {
    const { tinyscale, calls, delays } = client([
      errorResponse(503, "overloaded"),
      errorResponse(503, "overloaded"),
      jsonResponse(200, PLAN),
    ]);
    await expect(tinyscale.plan({ budget_ms: 200 })).resolves.toEqual(PLAN);
    expect(calls).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it("gives up after maxRetries and throws the last error", async () => {
    const { tinyscale, calls, delays } = client(() => errorResponse(500, "internal_error"), {
      maxRetries: 3,
    });
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(4);
    expect(delays).toEqual([500, 1000, 2000]);
  });

  it("maxRetries 0 sends exactly one request", async () => {
    const { tinyscale, calls } = client(() => errorResponse(502, "backend_error"), { maxRetries: 0 });
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(1);
  });

  it("jitter shortens the backoff by at most 25 %", async () => {
    const { tinyscale, delays } = client(
      [errorResponse(500, "internal_error"), errorResponse(500, "internal_error"), jsonResponse(200, PLAN)],
      { random: () => 1 },
    );
    await tinyscale.plan({ budget_ms: 200 });
    expect(delays).toEqual([375, 750]);
  });

  it("caps the backoff at 8 s", () => {
    expect(retryDelayMs(10, undefined, () => 0)).toBe(MAX_BACKOFF_MS);
    expect(retryDelayMs(3, undefined, () => 0)).toBe(4000);
  });

  it.each([408, 409, 429, 500, 502, 503, 504])("retries HTTP %i", async (status) => {
    const code =
      { 408: "deadline_exceeded", 409: "idempotency_in_flight", 429: "rate_limited" }[status] ??
      "internal_error";
    const { tinyscale, calls } = client([errorResponse(status, code), jsonResponse(200, PLAN)]);
    await expect(tinyscale.plan({ budget_ms: 200 })).resolves.toEqual(PLAN);
    expect(calls).toHaveLength(2);
  });

  it.each([
    [400, "invalid_request"],
    [401, "invalid_api_key"],
    [402, "quota_exceeded"],
    [403, "key_revoked"],
    [404, "not_found"],
    [413, "payload_too_large"],
    [422, "idempotency_mismatch"],
  ])("never retries HTTP %i %s", async (status, code) => {
    const { tinyscale, calls, delays } = client(() => errorResponse(status, code));
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toMatchObject({ status, code });
    expect(calls).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("does not retry a 429 that reports the credit quota, and types it QuotaExceededError", async () => {
    const { tinyscale, calls } = client(() =>
      errorResponse(429, "quota_exceeded", { "retry-after": "3600" }),
    );
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(QuotaExceededError);
    expect(calls).toHaveLength(1);
  });

  it("retries connection errors and reports APIConnectionError when they persist", async () => {
    const { tinyscale, calls, delays } = client(() => new TypeError("fetch failed"));
    const error = await tinyscale.plan({ budget_ms: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ status: undefined, code: "connection_error" });
    expect(calls).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
  });

  it("x-should-retry: false stops a retry the status would allow, true forces one", async () => {
    const stop = client(() => errorResponse(503, "overloaded", { "x-should-retry": "false" }));
    await expect(stop.tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(InternalServerError);
    expect(stop.calls).toHaveLength(1);
    const force = client([
      errorResponse(400, "invalid_request", { "x-should-retry": "true" }),
      jsonResponse(200, PLAN),
    ]);
    await expect(force.tinyscale.plan({ budget_ms: 200 })).resolves.toEqual(PLAN);
    expect(force.calls).toHaveLength(2);
  });
});

describe("Retry-After", () => {
  it("waits the seconds the server asks for instead of the backoff", async () => {
    const { tinyscale, delays } = client([
      errorResponse(429, "rate_limited", { "retry-after": "7" }),
      jsonResponse(200, PLAN),
    ]);
    await tinyscale.plan({ budget_ms: 200 });
    expect(delays).toEqual([7000]);
  });

  it("caps a long Retry-After at 60 s", async () => {
    const { tinyscale, delays } = client([
      errorResponse(503, "overloaded", { "retry-after": "600" }),
      jsonResponse(200, PLAN),
    ]);
    await tinyscale.plan({ budget_ms: 200 });
    expect(delays).toEqual([60_000]);
  });

  it("reads an HTTP-date and retry-after-ms", async () => {
    const date = new Date(Date.now() + 5_000).toUTCString();
    const { tinyscale, delays } = client([
      errorResponse(503, "overloaded", { "retry-after": date }),
      errorResponse(429, "rate_limited", { "retry-after-ms": "250", "retry-after": "9" }),
      jsonResponse(200, PLAN),
    ]);
    await tinyscale.plan({ budget_ms: 200 });
    expect(delays[0]).toBeGreaterThan(3_000);
    expect(delays[0]).toBeLessThanOrEqual(5_000);
    expect(delays[1]).toBe(250);
  });

  it("exposes the server's Retry-After on RateLimitError once retries run out", async () => {
    const { tinyscale } = client(() => errorResponse(429, "rate_limited", { "retry-after": "2" }), {
      maxRetries: 1,
    });
    const error = await tinyscale.plan({ budget_ms: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(2);
  });
});

describe("Idempotency-Key", () => {
  it("is the same on every retry of one call and differs between calls", async () => {
    const { tinyscale, calls } = client((call) =>
      call === 0 || call === 1 ? errorResponse(409, "idempotency_in_flight") : jsonResponse(200, PLAN),
    );
    await tinyscale.plan({ budget_ms: 200 });
    await tinyscale.plan({ budget_ms: 300 });
    const keys = calls.map((call) => call.headers.get("idempotency-key"));
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^ts-[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]);
  });

  it("uses the caller's key when given, and sends none on GET", async () => {
    const { tinyscale, calls } = client(() => jsonResponse(200, { data: [] }));
    await tinyscale.models();
    expect(calls[0]?.headers.get("idempotency-key")).toBeNull();
    const plan = client([errorResponse(500, "internal_error"), jsonResponse(200, PLAN)]);
    await plan.tinyscale.plan({ budget_ms: 200 }, { idempotencyKey: "mine-1" });
    expect(plan.calls.map((c) => c.headers.get("idempotency-key"))).toEqual(["mine-1", "mine-1"]);
  });

  it("sends the same body on every attempt", async () => {
    const { tinyscale, calls } = client([errorResponse(503, "overloaded"), jsonResponse(200, PLAN)]);
    await tinyscale.plan({ budget_ms: 200, verifier: "clip" });
    expect(calls.map((c) => JSON.parse(c.body))).toEqual([
      { budget_ms: 200, verifier: "clip" },
      { budget_ms: 200, verifier: "clip" },
    ]);
  });
});

describe("ConflictError and BadRequestError surface after the policy decides", () => {
  it("a persistent 409 ends as ConflictError after the retries", async () => {
    const { tinyscale, calls } = client(() => errorResponse(409, "idempotency_in_flight"));
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(ConflictError);
    expect(calls).toHaveLength(3);
  });

  it("a 409 for a revoked key is thrown at once: changing it again gives the same answer", async () => {
    const { tinyscale, calls } = client(() => errorResponse(409, "revoked_key_immutable"));
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(ConflictError);
    expect(calls).toHaveLength(1);
  });

  it("a 400 is thrown at once", async () => {
    const { tinyscale } = client(() => errorResponse(400, "invalid_request"));
    await expect(tinyscale.plan({ budget_ms: 200 })).rejects.toBeInstanceOf(BadRequestError);
  });
});
