import { describe, expect, it } from "vitest";
import {
  codesForStatus,
  ERROR_CODES,
  errorBody,
  errorStatus,
  INTERNAL_ERROR_MESSAGE,
  isErrorCode,
  publicMessage,
  TinyscaleError,
} from "./errors.js";

describe("error codes", () => {
  it("map to the statuses docs/contracts.md names", () => {
    expect(errorStatus("invalid_request")).toBe(400);
    expect(errorStatus("invalid_api_key")).toBe(401);
    expect(errorStatus("key_revoked")).toBe(403);
    expect(errorStatus("quota_exceeded")).toBe(402);
    expect(errorStatus("rate_limited")).toBe(429);
    expect(errorStatus("payload_too_large")).toBe(413);
    expect(errorStatus("overloaded")).toBe(503);
    expect(errorStatus("deadline_exceeded")).toBe(504);
    expect(errorStatus("idempotency_in_flight")).toBe(409);
    expect(errorStatus("idempotency_mismatch")).toBe(422);
    expect(errorStatus("budget_too_small")).toBe(422);
    for (const status of Object.values(ERROR_CODES)) expect(status >= 400 && status < 600).toBe(true);
  });

  it("recognise only members of the closed set", () => {
    expect(isErrorCode("rate_limited")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode("teapot")).toBe(false);
    expect(isErrorCode(429)).toBe(false);
  });

  it("list the codes a status can carry", () => {
    expect(codesForStatus(429)).toEqual(["rate_limited", "concurrency_limited"]);
    expect(codesForStatus(418)).toEqual([]);
  });
});

describe("TinyscaleError", () => {
  it("carries code, status, retry hint and builds the body", () => {
    const error = new TinyscaleError("rate_limited", "slow down", { retryAfterSeconds: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(3);
    expect(error.toBody("req_1")).toEqual({
      error: { code: "rate_limited", message: "slow down", request_id: "req_1" },
    });
    expect(errorBody("not_found", "no such key", "r")).toEqual({
      error: { code: "not_found", message: "no such key", request_id: "r" },
    });
  });
});

describe("publicMessage", () => {
  it("keeps a caller's own error words and hides an internal error's detail", () => {
    expect(publicMessage("invalid_request", "n: n must be at most 64")).toBe("n: n must be at most 64");
    expect(publicMessage("internal_error", "ENOENT: /opt/models/tiny/dit_head.onnx")).toBe(
      INTERNAL_ERROR_MESSAGE,
    );
    const body = new TinyscaleError("internal_error", "onnxruntime: Non-zero status code").toBody("req_1");
    expect(body).toEqual({
      error: { code: "internal_error", message: INTERNAL_ERROR_MESSAGE, request_id: "req_1" },
    });
  });
});
