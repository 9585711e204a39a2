// Each HTTP status maps to its error class through makeAPIError, and every error carries status, code,
// message, requestId and headers — through the whole client, not just the factory.
import { describe, expect, it } from "vitest";
import { Tinyscale } from "../src/client.js";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  makeAPIError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  TinyscaleError,
  UnprocessableEntityError,
} from "../src/core/errors.js";
import { countingFetch, errorResponse } from "./helpers/counting-fetch.js";

const CASES = [
  [400, "invalid_request", BadRequestError],
  [400, "invalid_request", BadRequestError],
  [422, "budget_too_small", UnprocessableEntityError],
  [401, "invalid_api_key", AuthenticationError],
  [401, "key_expired", AuthenticationError],
  [402, "quota_exceeded", QuotaExceededError],
  [403, "key_revoked", PermissionDeniedError],
  [404, "not_found", NotFoundError],
  [405, "method_not_allowed", APIError],
  [409, "idempotency_in_flight", ConflictError],
  [413, "payload_too_large", APIError],
  [422, "idempotency_mismatch", UnprocessableEntityError],
  [429, "rate_limited", RateLimitError],
  [429, "concurrency_limited", RateLimitError],
  [429, "quota_exceeded", QuotaExceededError],
  [500, "internal_error", InternalServerError],
  [502, "backend_error", InternalServerError],
  [503, "no_backend", InternalServerError],
  [504, "deadline_exceeded", InternalServerError],
] as const;

describe("status → error class", () => {
  it.each(CASES)("HTTP %i %s", async (status, code, ErrorClass) => {
    const { fetch } = countingFetch(() => errorResponse(status, code, { "x-request-id": `req_${status}` }));
    const client = new Tinyscale({ apiKey: "ts_test_k", baseURL: "http://api.test", fetch, maxRetries: 0 });
    const error = await client.usage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(TinyscaleError);
    expect(error).toMatchObject({
      name: ErrorClass.name,
      status,
      code,
      requestId: `req_${status}`,
      message: `${status} ${code}: ${code} happened`,
    });
    expect((error as APIError).headers.get("content-type")).toBe("application/json");
    expect((error as APIError).body).toEqual({
      error: { code, message: `${code} happened`, request_id: "req_body" },
    });
  });
});

describe("makeAPIError", () => {
  it("falls back to the body's request_id when the header is missing", () => {
    const body = { error: { code: "not_found", message: "no such key", request_id: "req_from_body" } };
    const error = makeAPIError(404, body, new Headers());
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toBe("req_from_body");
  });

  it("survives a proxy's HTML error page", () => {
    const error = makeAPIError(502, null, new Headers({ "content-type": "text/html" }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({
      status: 502,
      code: null,
      requestId: null,
      message: "502 error: HTTP 502 with no error body",
    });
  });

  it("RateLimitError.retryAfter reads delta-seconds and is null without the header", () => {
    const withHeader = makeAPIError(429, null, new Headers({ "retry-after": "12" }));
    expect(withHeader).toBeInstanceOf(RateLimitError);
    expect((withHeader as RateLimitError).retryAfter).toBe(12);
    expect((makeAPIError(429, null, new Headers()) as RateLimitError).retryAfter).toBeNull();
  });
});

describe("construction", () => {
  it("refuses to start without an API key", () => {
    const env = process.env.TINYSCALE_API_KEY;
    delete process.env.TINYSCALE_API_KEY;
    try {
      expect(() => new Tinyscale()).toThrow(/TINYSCALE_API_KEY/);
    } finally {
      if (env !== undefined) process.env.TINYSCALE_API_KEY = env;
    }
  });

  it("rejects a negative maxRetries and a zero timeout", () => {
    expect(() => new Tinyscale({ apiKey: "k", maxRetries: -1 })).toThrow(RangeError);
    expect(() => new Tinyscale({ apiKey: "k", timeout: 0 })).toThrow(RangeError);
  });
});
