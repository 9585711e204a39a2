// HMAC-SHA256 signing of edge→backend requests (contracts §2), on WebCrypto only so the same code
// runs in Workers and in Node. Replay detection (a signature seen twice) is the backend's job.

export const SIGNATURE_HEADER = "x-tinyscale-signature";
export const TIMESTAMP_HEADER = "x-tinyscale-timestamp";
export const DEADLINE_HEADER = "x-tinyscale-deadline";
export const REQUEST_ID_HEADER = "x-request-id";
export const METADATA_HEADER = "x-tinyscale-metadata";

/** Largest |now − timestamp|, in seconds, a signature may have. */
export const DEFAULT_MAX_SKEW_SECONDS = 60;
const VERSION = "v1";

export interface SignedParts {
  method: string;
  /** The request path (no origin, no query string is added or removed: sign what is sent). */
  path: string;
  /** Unix seconds at signing. */
  timestamp: number;
  /** The raw body bytes exactly as sent; a string is taken as its UTF-8 bytes. */
  body: Uint8Array | string;
}

const encoder = new TextEncoder();

function canonicalBytes(parts: SignedParts): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(
    `${VERSION}\n${parts.timestamp}\n${parts.method.toUpperCase()}\n${parts.path}\n`,
  );
  const body = typeof parts.body === "string" ? encoder.encode(parts.body) : parts.body;
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head, 0);
  bytes.set(body, head.length);
  return bytes;
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

function importKey(secret: string, usage: "sign" | "verify"): Promise<HmacKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    usage,
  ]);
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The `X-Tinyscale-Signature` value, `v1=<hex>`. */
export async function signRequest(secret: string, parts: SignedParts): Promise<string> {
  const key = await importKey(secret, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, canonicalBytes(parts));
  return `${VERSION}=${toHex(new Uint8Array(mac))}`;
}

/** The timestamp and signature headers for a request signed at `nowMs` (epoch milliseconds; default now). */
export async function signatureHeaders(
  secret: string,
  parts: Omit<SignedParts, "timestamp"> & { nowMs?: number },
): Promise<Record<string, string>> {
  const timestamp = Math.floor((parts.nowMs ?? Date.now()) / 1000);
  const signature = await signRequest(secret, { ...parts, timestamp });
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signature };
}

export interface VerifyParts extends Omit<SignedParts, "timestamp"> {
  /** The timestamp header as received (string) or parsed (number); absent when the header was. */
  timestamp: number | string | null | undefined;
  signature: string | null | undefined;
  /** Unix seconds now; default the clock. */
  now?: number;
  maxSkewSeconds?: number;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

/**
 * Checks a signed request. The MAC comparison is WebCrypto's HMAC `verify`, which compares in constant
 * time (CRYPTO_memcmp in both Node and workerd), so the signature's bytes leak nothing through timing.
 */
export async function verifySignature(secret: string, parts: VerifyParts): Promise<VerifyResult> {
  if (
    parts.signature == null ||
    parts.timestamp == null ||
    parts.signature === "" ||
    parts.timestamp === ""
  ) {
    return { ok: false, reason: "missing" };
  }
  const timestamp = typeof parts.timestamp === "number" ? parts.timestamp : Number(parts.timestamp);
  if (
    !Number.isSafeInteger(timestamp) ||
    (typeof parts.timestamp === "string" && !/^\d+$/.test(parts.timestamp))
  ) {
    return { ok: false, reason: "malformed" };
  }
  const prefix = `${VERSION}=`;
  const mac = parts.signature.startsWith(prefix) ? fromHex(parts.signature.slice(prefix.length)) : undefined;
  if (mac === undefined || mac.length !== 32) return { ok: false, reason: "malformed" };
  const now = parts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (parts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS)) {
    return { ok: false, reason: "stale" };
  }
  const key = await importKey(secret, "verify");
  const valid = await crypto.subtle.verify("HMAC", key, mac, canonicalBytes({ ...parts, timestamp }));
  return valid ? { ok: true } : { ok: false, reason: "mismatch" };
}

/**
 * Constant-time equality of two secrets (admin token, bearer token): both are hashed with SHA-256 first,
 * so the comparison time depends on neither their contents nor their lengths.
 */
export async function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): Promise<boolean> {
  const digest = async (value: string | Uint8Array) =>
    new Uint8Array(
      await crypto.subtle.digest(
        "SHA-256",
        typeof value === "string" ? encoder.encode(value) : new Uint8Array(value),
      ),
    );
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let difference = 0;
  for (let i = 0; i < x.length; i++) difference |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return difference === 0;
}
