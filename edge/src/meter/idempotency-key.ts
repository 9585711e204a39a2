// Reads the Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) and fingerprints the
// request it guards, so a reused key with a different body is told apart from a retry.
import { TinyscaleError } from "@tinyscale/shared";
import { sha256Hex } from "../keys/key-format.js";
import type { IdempotencyClaim } from "./meter-types.js";

const SANE_KEY = /^[\x21-\x7e]{1,255}$/;

export async function idempotencyClaim(
  header: string | undefined,
  method: string,
  path: string,
  rawBody: Uint8Array,
): Promise<IdempotencyClaim | undefined> {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (!SANE_KEY.test(key)) {
    throw new TinyscaleError("invalid_request", "Idempotency-Key must be 1–255 visible ASCII characters");
  }
  const head = new TextEncoder().encode(`${method} ${path}\n`);
  const bytes = new Uint8Array(head.length + rawBody.length);
  bytes.set(head);
  bytes.set(rawBody, head.length);
  return { key, fingerprint: await sha256Hex(bytes) };
}
