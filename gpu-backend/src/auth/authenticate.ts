// Who may call the backend: the edge, with an HMAC-SHA256 signature over method, path, timestamp and body
// (contracts §2; stale or replayed signatures refused), or a direct caller with the bearer token.
// Both comparisons are constant-time (shared's verifySignature; token-matcher.ts).

import {
  DEFAULT_MAX_SKEW_SECONDS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  TinyscaleError,
  verifySignature,
} from "@tinyscale/shared";
import { ReplayCache } from "./replay-cache.js";
import { tokenMatcher } from "./token-matcher.js";

export interface AuthConfig {
  signingSecret: string | undefined;
  backendToken: string | undefined;
}

export interface AuthRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Uint8Array;
}

export type Authenticator = (request: AuthRequest) => Promise<{ via: "signature" | "bearer" | "none" }>;

const REASONS: Record<string, string> = {
  missing: "missing X-Tinyscale-Signature / X-Tinyscale-Timestamp",
  malformed: "malformed signature or timestamp",
  stale: `timestamp is more than ${DEFAULT_MAX_SKEW_SECONDS} s from the backend's clock`,
  mismatch: "signature does not match the request",
};

export function createAuthenticator(config: AuthConfig): Authenticator {
  const replays = new ReplayCache();
  const { signingSecret, backendToken } = config;
  const tokenMatches = backendToken ? tokenMatcher(backendToken) : undefined;
  return async function authenticate(request) {
    if (!signingSecret && !backendToken) return { via: "none" };
    const signature = request.headers.get(SIGNATURE_HEADER);
    const authorization = request.headers.get("authorization");
    if (signingSecret && (signature !== null || !authorization)) {
      const timestamp = request.headers.get(TIMESTAMP_HEADER);
      const result = await verifySignature(signingSecret, {
        method: request.method,
        path: request.path,
        body: request.body,
        timestamp,
        signature,
      });
      if (!result.ok)
        throw new TinyscaleError("invalid_signature", `invalid request signature: ${REASONS[result.reason]}`);
      const expires = (Number(timestamp) + DEFAULT_MAX_SKEW_SECONDS) * 1000 + 1000;
      // A replay is the same signature again, whatever unsigned headers (X-Request-Id) changed. Two
      // identical requests signed in the same second share a signature: the edge tells them apart with a
      // nonce in the signed query string (docs/contracts.md §2, Changes).
      if (!replays.remember(signature ?? "", expires)) {
        throw new TinyscaleError(
          "invalid_signature",
          "invalid request signature: already used (replayed request)",
        );
      }
      return { via: "signature" };
    }
    if (!tokenMatches) {
      throw new TinyscaleError("invalid_signature", `invalid request signature: ${REASONS.missing}`);
    }
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
    if (!match?.[1]) throw new TinyscaleError("missing_api_key", "missing Authorization: Bearer <token>");
    if (!tokenMatches(match[1].trim())) {
      throw new TinyscaleError("invalid_api_key", "invalid bearer token");
    }
    return { via: "bearer" };
  };
}
