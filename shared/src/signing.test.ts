import { afterEach, describe, expect, it, vi } from "vitest";
import { signatureHeaders, signRequest, timingSafeEqual, verifySignature } from "./signing.js";

const secret = "s3cret-shared-with-the-backend";
const parts = {
  method: "POST",
  path: "/v1/generate",
  timestamp: 1_795_000_000,
  body: '{"prompt":"a fox","n":4}',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("signRequest / verifySignature", () => {
  it("matches an HMAC-SHA256 computed independently over contracts §2's canonical string", async () => {
    const { createHmac } = await import("node:crypto");
    const canonical = `v1\n${parts.timestamp}\nPOST\n/v1/generate\n${parts.body}`;
    const expected = `v1=${createHmac("sha256", secret).update(canonical).digest("hex")}`;
    expect(await signRequest(secret, parts)).toBe(expected);
    expect(await signRequest(secret, { ...parts, method: "post" })).toBe(expected);
    expect(await signRequest(secret, { ...parts, body: new TextEncoder().encode(parts.body) })).toBe(
      expected,
    );
  });

  it("round-trips, with the timestamp as a number or as the header string", async () => {
    const signature = await signRequest(secret, parts);
    const now = parts.timestamp + 5;
    expect(await verifySignature(secret, { ...parts, signature, now })).toEqual({ ok: true });
    expect(
      await verifySignature(secret, { ...parts, timestamp: String(parts.timestamp), signature, now }),
    ).toEqual({ ok: true });
  });

  it.each([
    ["method", { method: "PUT" }],
    ["path", { path: "/v1/plan" }],
    ["timestamp", { timestamp: parts.timestamp + 1 }],
    ["body", { body: '{"prompt":"a fox","n":5}' }],
    ["body bytes", { body: new Uint8Array([1, 2, 3]) }],
  ])("refuses a tampered %s", async (_field, change) => {
    const signature = await signRequest(secret, parts);
    const result = await verifySignature(secret, { ...parts, ...change, signature, now: parts.timestamp });
    expect(result).toEqual({ ok: false, reason: "mismatch" });
  });

  it("refuses a tampered signature and a different secret", async () => {
    const signature = await signRequest(secret, parts);
    const last = signature.at(-1) === "0" ? "1" : "0";
    const flipped = `${signature.slice(0, -1)}${last}`;
    expect(await verifySignature(secret, { ...parts, signature: flipped, now: parts.timestamp })).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(await verifySignature("other", { ...parts, signature, now: parts.timestamp })).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("refuses a stale signature either side of the 60 s window", async () => {
    const signature = await signRequest(secret, parts);
    const at = (now: number) => verifySignature(secret, { ...parts, signature, now });
    expect(await at(parts.timestamp + 60)).toEqual({ ok: true });
    expect(await at(parts.timestamp - 60)).toEqual({ ok: true });
    expect(await at(parts.timestamp + 61)).toEqual({ ok: false, reason: "stale" });
    expect(await at(parts.timestamp - 61)).toEqual({ ok: false, reason: "stale" });
    expect(
      await verifySignature(secret, { ...parts, signature, now: parts.timestamp + 100, maxSkewSeconds: 120 }),
    ).toEqual({ ok: true });
  });

  it.each([
    ["no signature", { signature: undefined }, "missing"],
    ["no timestamp", { timestamp: null }, "missing"],
    ["empty signature", { signature: "" }, "missing"],
    ["no v1= prefix", { signature: "a".repeat(64) }, "malformed"],
    ["short hex", { signature: "v1=abcd" }, "malformed"],
    ["non-hex", { signature: `v1=${"z".repeat(64)}` }, "malformed"],
    ["timestamp with junk", { timestamp: "1795000000abc" }, "malformed"],
    ["fractional timestamp", { timestamp: "1795000000.5" }, "malformed"],
  ])("refuses %s", async (_name, change, reason) => {
    const signature = await signRequest(secret, parts);
    const result = await verifySignature(secret, { ...parts, signature, now: parts.timestamp, ...change });
    expect(result).toEqual({ ok: false, reason });
  });

  it("compares the MAC with WebCrypto's constant-time HMAC verify, never by string equality", async () => {
    const signature = await signRequest(secret, parts);
    const verify = vi.spyOn(crypto.subtle, "verify");
    const sign = vi.spyOn(crypto.subtle, "sign");
    await verifySignature(secret, { ...parts, signature, now: parts.timestamp });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]?.[0]).toBe("HMAC");
    expect(sign).not.toHaveBeenCalled();
  });

  it("builds the timestamp and signature headers for now", async () => {
    const headers = await signatureHeaders(secret, { ...parts, nowMs: parts.timestamp * 1000 + 999 });
    expect(headers["x-tinyscale-timestamp"]).toBe(String(parts.timestamp));
    expect(headers["x-tinyscale-signature"]).toBe(await signRequest(secret, parts));
  });
});

describe("timingSafeEqual", () => {
  it("is true only for equal values, whatever their lengths", async () => {
    expect(await timingSafeEqual("admin-token", "admin-token")).toBe(true);
    expect(await timingSafeEqual("admin-token", "admin-tokem")).toBe(false);
    expect(await timingSafeEqual("admin-token", "admin-token-longer")).toBe(false);
    expect(await timingSafeEqual("", "")).toBe(true);
    expect(await timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });
});
