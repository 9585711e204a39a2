// Sends a planned generation to a backend, signed per contracts §2, with a timeout; fails over to the
// next backend only when the first never got the request (its port refuses new connections too).
import {
  DEADLINE_HEADER,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
  signRequest,
  TIMESTAMP_HEADER,
  TinyscaleError,
} from "@tinyscale/shared";
import { errorFromBackendResponse } from "./backend-errors.js";
import type { Backends, BackendView } from "./backend-pool.js";
import { NO_BACKEND_RETRY_AFTER_SECONDS } from "./no-backend.js";

export const GENERATE_PATH = "/v1/generate";
const PROBE_TIMEOUT_MS = 1_000;

export interface ForwardRequest {
  /** The exact JSON bytes that are signed and sent. */
  body: string;
  requestId: string;
  deadlineMs: number;
  timeoutMs: number;
  signingSecret: string;
}

export interface ForwardResult {
  backend: string;
  status: number;
  headers: Headers;
  body: ArrayBuffer;
  backendMs: number;
}

async function signedFetch(backend: string, request: ForwardRequest, signal: AbortSignal): Promise<Response> {
  const timestamp = Math.floor(Date.now() / 1000);
  // The backend refuses a signature it has already accepted (replay guard), and two identical bodies
  // signed in the same second would share one: a random nonce in the signed path keeps each send unique.
  const path = `${GENERATE_PATH}?nonce=${crypto.randomUUID()}`;
  const signature = await signRequest(request.signingSecret, {
    method: "POST",
    path,
    timestamp,
    body: request.body,
  });
  return fetch(`${backend}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [REQUEST_ID_HEADER]: request.requestId,
      [DEADLINE_HEADER]: String(request.deadlineMs),
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signature,
    },
    body: request.body,
    signal,
  });
}

/**
 * workerd reports a refused connection and one dropped mid-request with the same error, so the edge
 * asks the backend's port again: if it refuses that too, nothing there can be running our request.
 */
async function backendRefusesConnections(backend: string, requestId: string): Promise<boolean> {
  try {
    await fetch(`${backend}/healthz`, {
      headers: { [REQUEST_ID_HEADER]: requestId },
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return false;
  } catch (error) {
    return !(error instanceof Error && error.name === "TimeoutError");
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

export async function forwardGeneration(
  pool: Backends,
  ranked: readonly BackendView[],
  request: ForwardRequest,
): Promise<ForwardResult> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const refused: string[] = [];
  for (const { url } of ranked) {
    const startedMs = Date.now();
    try {
      const response = await signedFetch(url, request, signal);
      if (response.status !== 200) {
        throw errorFromBackendResponse(response, await response.text());
      }
      const body = await response.arrayBuffer();
      return {
        backend: url,
        status: 200,
        headers: response.headers,
        body,
        backendMs: Date.now() - startedMs,
      };
    } catch (error) {
      if (error instanceof TinyscaleError) throw error;
      if (isTimeout(error)) {
        throw new TinyscaleError(
          "deadline_exceeded",
          `the backend did not answer within ${request.timeoutMs} ms`,
        );
      }
      if (await backendRefusesConnections(url, request.requestId)) {
        pool.markDown(url, "refused connection");
        refused.push(url);
        continue;
      }
      throw new TinyscaleError(
        "backend_error",
        "the connection to the backend was lost during the request; retry it",
        {
          cause: error,
        },
      );
    }
  }
  throw new TinyscaleError("no_backend", `no backend accepted the connection (${refused.length} tried)`, {
    retryAfterSeconds: NO_BACKEND_RETRY_AFTER_SECONDS,
  });
}
