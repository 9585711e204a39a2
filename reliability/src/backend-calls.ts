// Calling the backend directly as the edge does (HMAC-signed, contracts §2) or as a self-hosted caller
// (bearer token), over real HTTP on 127.0.0.1.
import { signatureHeaders } from "@tinyscale/shared";
import { BACKEND_TOKEN, SIGNING_SECRET } from "./backend-process.js";
import { type Exchange, send, type Tally } from "./http-call.js";

export const GENERATE_PATH = "/v1/generate";

/** Signature headers over `body` at `nowMs` with `secret` (the edge's, unless a test forges one). */
export function signedHeaders(
  body: Uint8Array | string,
  options: { nowMs?: number; secret?: string; path?: string } = {},
): Promise<Record<string, string>> {
  return signatureHeaders(options.secret ?? SIGNING_SECRET, {
    method: "POST",
    path: options.path ?? GENERATE_PATH,
    body,
    ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
  });
}

export function postGenerate(
  tally: Tally,
  baseUrl: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
  timeoutMs?: number,
  signal?: AbortSignal,
): Promise<Exchange> {
  return send(
    tally,
    `${baseUrl}${GENERATE_PATH}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      ...(signal ? { signal } : {}),
    },
    timeoutMs,
  );
}

export const bearer = { authorization: `Bearer ${BACKEND_TOKEN}` };

/** A signed POST /v1/generate, as the edge would send it. */
export async function postSigned(
  tally: Tally,
  baseUrl: string,
  body: Uint8Array | string,
  extra: Record<string, string> = {},
) {
  return postGenerate(tally, baseUrl, body, { ...(await signedHeaders(body)), ...extra });
}
