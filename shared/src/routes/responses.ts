// Response pieces every route shares: the error responses (always the one error body) and the headers
// the edge sends — request id everywhere, RateLimit fields on metered routes, Retry-After on 429/503.
import { codesForStatus } from "../errors.js";
import { ErrorBodySchema } from "../schemas/error-body.js";

const stringHeader = (description: string) => ({ description, schema: { type: "string" as const } });

export const REQUEST_ID_HEADERS = {
  "X-Request-Id": stringHeader("The request id, accepted from the caller or generated; on every log line."),
};

export const RATE_LIMIT_HEADERS = {
  ...REQUEST_ID_HEADERS,
  "RateLimit-Policy": stringHeader(
    'IETF draft form, e.g. `"rpm";q=60;w=60, "credits";q=1000;w=86400`. Every keyed request spends one ' +
      '"rpm" token; a generation also spends credits.',
  ),
  RateLimit: stringHeader(
    'IETF draft form, e.g. `"rpm";r=59;t=1`: `r` left, `t` the seconds within which no more than `r` can ' +
      "be used (until the next token; for credits, until the period ends).",
  ),
};

const RETRY_AFTER_HEADERS = {
  ...RATE_LIMIT_HEADERS,
  "Retry-After": stringHeader("Seconds to wait before retrying."),
};

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid input",
  401: "Missing or invalid credentials",
  402: "Credits quota exhausted",
  403: "Key revoked or not allowed",
  404: "Not found",
  409: "Conflict with the current state: a request with this Idempotency-Key still in flight, or a revoked key",
  413: "Body too large",
  422: "Valid by this document, refused by the deployment: a size its model does not offer, a budget below its minimum, an Idempotency-Key reused with a different body",
  429: "Rate, concurrency or quota limit reached",
  500: "Internal error",
  502: "The backend failed",
  503: "No capacity right now",
  504: "The deadline passed",
};

type HeaderObjects = Record<string, { description: string; schema: { type: "string" } }>;

export interface ErrorResponse {
  description: string;
  headers: HeaderObjects;
  content: { "application/json": { schema: typeof ErrorBodySchema } };
}

/** One error response per status, each with the error body and the codes it may carry. */
export function errorResponses<const S extends readonly number[]>(
  statuses: S,
): Record<S[number], ErrorResponse> {
  const responses: Record<number, ErrorResponse> = {};
  for (const status of statuses) {
    const codes = codesForStatus(status);
    responses[status] = {
      description: `${STATUS_TEXT[status] ?? "Error"}. Codes: ${codes.map((c) => `\`${c}\``).join(", ")}.`,
      headers: status === 429 || status === 503 ? RETRY_AFTER_HEADERS : REQUEST_ID_HEADERS,
      content: { "application/json": { schema: ErrorBodySchema } },
    };
  }
  return responses;
}

/** Failures any API-key route can answer with. */
export const API_KEY_ERRORS = [400, 401, 403, 413, 429, 500] as const;
/** Failures any admin route can answer with. */
export const ADMIN_ERRORS = [400, 401, 413, 500] as const;
