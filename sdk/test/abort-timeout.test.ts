// Aborts and timeouts: the caller's signal ends a call at any point (before, during a request, while
// waiting to retry) with APIUserAbortError; a slow attempt ends with APITimeoutError and is retried.
import { describe, expect, it } from "vitest";
import { Tinyscale } from "../src/client.js";
import { APIConnectionError, APITimeoutError, APIUserAbortError } from "../src/core/errors.js";
import {
  countingFetch,
  errorResponse,
  hangUntilAborted,
  jsonResponse,
  type Step,
} from "./helpers/counting-fetch.js";

function client(
  steps: Step[] | ((call: number) => Step),
  options: { timeout?: number; maxRetries?: number } = {},
) {
  const counting = countingFetch(steps);
  const tinyscale = new Tinyscale({
    apiKey: "ts_test_k",
    baseURL: "http://api.test",
    fetch: counting.fetch,
    ...options,
  });
  return { tinyscale, calls: counting.calls };
}

describe("abort", () => {
  it("an already-aborted signal sends nothing", async () => {
    const { tinyscale, calls } = client(() => jsonResponse(200, { data: [] }));
    const error = await tinyscale.models({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error).toMatchObject({ code: "aborted", status: undefined });
    expect(calls).toHaveLength(0);
  });

  it("aborting during a request ends it and does not retry", async () => {
    const { tinyscale, calls } = client(() => hangUntilAborted);
    const controller = new AbortController();
    const pending = tinyscale.models({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(1);
  });

  it("aborting while waiting for a retry ends the wait at once", async () => {
    const { tinyscale, calls } = client(() => errorResponse(503, "overloaded", { "retry-after": "30" }));
    const controller = new AbortController();
    const started = performance.now();
    const pending = tinyscale.models({ signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(calls).toHaveLength(1);
  });
});

describe("timeout", () => {
  it("a request with no answer within `timeout` is APITimeoutError", async () => {
    const { tinyscale, calls } = client(() => hangUntilAborted, { timeout: 50, maxRetries: 0 });
    const error = await tinyscale.models().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ code: "timeout", message: "Request timed out after 50 ms." });
    expect(calls).toHaveLength(1);
  });

  it("timeouts are retried with the same Idempotency-Key", async () => {
    const { tinyscale, calls } = client(
      (call) => (call === 0 ? hangUntilAborted : jsonResponse(200, { n: 1 })),
      { timeout: 50, maxRetries: 1 },
    );
    await expect(tinyscale.plan({ budget_ms: 100 })).resolves.toEqual({ n: 1 });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.headers.get("idempotency-key")).toBe(calls[0]?.headers.get("idempotency-key"));
  });

  it("the timeout covers a body that stalls after the headers", async () => {
    const stalledBody = (request: Request): Promise<Response> => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"data":'));
          request.signal.addEventListener("abort", () => controller.error(request.signal.reason), {
            once: true,
          });
        },
      });
      return Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }));
    };
    const { tinyscale } = client(() => stalledBody, { timeout: 80, maxRetries: 0 });
    await expect(tinyscale.models()).rejects.toBeInstanceOf(APITimeoutError);
  });
});
