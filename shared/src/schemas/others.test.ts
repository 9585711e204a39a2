import { describe, expect, it } from "vitest";
import { ERROR_CODE_LIST } from "../errors.js";
import { invalidRequest } from "../validation.js";
import { ErrorBodySchema } from "./error-body.js";
import { CreateKeyRequestSchema, KeyIdParamSchema, KeyRecordSchema, UpdateKeyRequestSchema } from "./keys.js";
import { ModelsResponseSchema } from "./models.js";
import { PlanRequestSchema, PlanResponseSchema } from "./plan.js";
import { ProfileSchema } from "./profile.js";
import { UsageResponseSchema } from "./usage.js";

describe("PlanRequestSchema", () => {
  it("defaults the verifier", () => {
    expect(PlanRequestSchema.parse({ budget_ms: 1100 })).toEqual({ budget_ms: 1100, verifier: "vhs" });
  });
  it.each([
    ["missing budget", {}],
    ["budget below 50", { budget_ms: 10 }],
    ["budget not an integer", { budget_ms: 99.9 }],
    ["bad verifier", { budget_ms: 100, verifier: "x" }],
    ["unknown field", { budget_ms: 100, n: 3 }],
  ])("rejects %s", (_name, input) => {
    expect(PlanRequestSchema.safeParse(input).success).toBe(false);
  });
  it("describes a plan", () => {
    const plan = {
      n: 3,
      predicted_ms: 464,
      budget_ms: 550,
      network_margin_ms: 20,
      breakdown: { propose: 303 },
      max_n: 64,
      n_now: 2,
      queue_wait_ms: 120.4,
    };
    expect(PlanResponseSchema.parse(plan)).toEqual(plan);
  });
});

describe("admin key schemas", () => {
  it("creates with defaults", () => {
    expect(CreateKeyRequestSchema.parse({ name: "ci" })).toEqual({ name: "ci", environment: "live" });
    const full = {
      name: "prod",
      environment: "test",
      rpm: 60,
      burst: 10,
      max_concurrent: 2,
      credits_quota: 1000,
      period: "month",
      expires_at: "2027-01-01T00:00:00Z",
    };
    expect(CreateKeyRequestSchema.parse(full)).toEqual(full);
  });
  it.each([
    ["empty name", { name: " " }],
    ["bad environment", { name: "a", environment: "prod" }],
    ["zero rpm", { name: "a", rpm: 0 }],
    ["bad period", { name: "a", period: "week" }],
    ["bad expiry", { name: "a", expires_at: "tomorrow" }],
    ["unknown field", { name: "a", admin: true }],
  ])("refuses to create with %s", (_name, input) => {
    expect(CreateKeyRequestSchema.safeParse(input).success).toBe(false);
  });
  it("updates at least one field, and null clears the expiry", () => {
    expect(UpdateKeyRequestSchema.safeParse({}).success).toBe(false);
    expect(UpdateKeyRequestSchema.parse({ expires_at: null })).toEqual({ expires_at: null });
    expect(UpdateKeyRequestSchema.safeParse({ key: "ts_live_x" }).success).toBe(false);
  });
  it("takes a key id from the path", () => {
    expect(KeyIdParamSchema.parse({ id: "key_1" })).toEqual({ id: "key_1" });
    expect(KeyIdParamSchema.safeParse({ id: "" }).success).toBe(false);
  });
  it("describes a stored key with nullable dates", () => {
    const record = {
      id: "key_1",
      name: "ci",
      prefix: "ts_live_Ab3x",
      environment: "live",
      rpm: 60,
      burst: 10,
      max_concurrent: 2,
      credits_quota: 1000,
      period: "day",
      created_at: "2026-11-27T04:00:00Z",
      expires_at: null,
      revoked_at: null,
    };
    expect(KeyRecordSchema.parse(record)).toEqual(record);
  });
});

describe("usage, models, profile and error bodies", () => {
  it("parses a usage report", () => {
    const usage = {
      key_id: "key_1",
      period_start: "2026-11-27T00:00:00Z",
      period_end: "2026-11-28T00:00:00Z",
      credits_quota: 100,
      credits_used: 10,
      credits_reserved: 5,
      credits_remaining: 85,
      requests: 2,
      rate_limit: { rpm: 60, burst: 10 },
      max_concurrent: 2,
    };
    expect(UsageResponseSchema.parse(usage)).toEqual(usage);
  });
  it("parses a model list and refuses a bad size", () => {
    const model = {
      id: "tiny",
      sizes: ["128x128"],
      default_size: "128x128",
      verifiers: ["vhs"],
      max_n: 64,
      max_batch: 8,
    };
    expect(ModelsResponseSchema.parse({ data: [model] })).toEqual({ data: [model] });
    expect(ModelsResponseSchema.safeParse({ data: [{ ...model, sizes: ["128"] }] }).success).toBe(false);
  });
  it("parses contracts §3's profile and refuses a non-integer batch size", () => {
    const profile = {
      bundle_id: "tiny",
      device: "cpu",
      measured_at: "2026-11-27T04:00:00Z",
      max_batch: 8,
      max_n: 64,
      stages: { text_encode: { "1": 3.1 }, propose: { "1": 10.2, "2": 15.0, "4": 24.9, "8": 45.1 } },
    };
    expect(ProfileSchema.parse(profile)).toEqual(profile);
    const bad = { ...profile, stages: { propose: { one: 3 } } };
    expect(ProfileSchema.safeParse(bad).success).toBe(false);
  });
  it("accepts every error code and nothing else", () => {
    for (const code of ERROR_CODE_LIST) {
      expect(ErrorBodySchema.safeParse({ error: { code, message: "m", request_id: "r" } }).success).toBe(
        true,
      );
    }
    expect(
      ErrorBodySchema.safeParse({ error: { code: "teapot", message: "m", request_id: "r" } }).success,
    ).toBe(false);
  });
  it("turns a failed parse into one invalid_request naming each field", () => {
    const result = CreateKeyRequestSchema.safeParse({ name: "", rpm: 0 });
    if (result.success) throw new Error("expected a failure");
    const error = invalidRequest(result.error);
    expect(error.code).toBe("invalid_request");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^name: name must not be empty; rpm: /);
  });
});
