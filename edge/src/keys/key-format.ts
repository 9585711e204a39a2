// API key plaintext format: `ts_live_` / `ts_test_` + 32 base64url characters (24 random bytes).
// Only the SHA-256 of the whole key and a short display prefix are ever stored.
import type { KeyEnvironment } from "./key-record.js";

const KEY_PATTERN = /^ts_(live|test)_[A-Za-z0-9_-]{32}$/;
/** Characters of the plaintext kept for display: the environment tag plus four secret characters. */
const DISPLAY_PREFIX_LENGTH = 12;

export interface GeneratedKey {
  plaintext: string;
  hash: string;
  prefix: string;
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith("ts_live_") || value.startsWith("ts_test_");
}

export function isWellFormedKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function displayPrefix(plaintext: string): string {
  return plaintext.slice(0, DISPLAY_PREFIX_LENGTH);
}

export async function sha256Hex(value: string | Uint8Array): Promise<string> {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export async function generateKey(environment: KeyEnvironment): Promise<GeneratedKey> {
  const secret = base64Url(crypto.getRandomValues(new Uint8Array(24)));
  const plaintext = `ts_${environment}_${secret}`;
  return { plaintext, hash: await sha256Hex(plaintext), prefix: displayPrefix(plaintext) };
}

export function generateKeyId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `key_${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
