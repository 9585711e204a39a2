// Request validation in one place: a body read as UTF-8 JSON and checked with a shared zod schema, answered
// with the one `invalid_json` text or the one `invalid_request` message (a clause per bad field), so the
// edge and the backend answer the same input with the same words.
import type { z } from "@hono/zod-openapi";
import { TinyscaleError } from "./errors.js";

/** Clauses a message names at most: a body wrong everywhere still gets a readable answer. */
const MAX_CLAUSES = 5;

export const INVALID_JSON_MESSAGE = "the body is not valid UTF-8 JSON";

/** "prompt: prompt must not be empty…; n: n must be at most 64", one clause per issue. */
export function describeIssues(error: z.ZodError): string {
  const clauses = error.issues.slice(0, MAX_CLAUSES).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length - clauses.length;
  return more > 0 ? `${clauses.join("; ")}; and ${more} more` : clauses.join("; ");
}

export function invalidRequest(error: z.ZodError): TinyscaleError {
  return new TinyscaleError("invalid_request", describeIssues(error), { cause: error });
}

/** The body as JSON; anything that is not UTF-8 JSON is `invalid_json`. */
export function parseJsonBody(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (error) {
    throw new TinyscaleError("invalid_json", INVALID_JSON_MESSAGE, { cause: error });
  }
}

/** The body parsed and validated by `schema`: its output, or `invalid_json` / `invalid_request`. */
export function parseRequestBody<S extends z.ZodType>(schema: S, raw: Uint8Array): z.output<S> {
  const parsed = schema.safeParse(parseJsonBody(raw));
  if (!parsed.success) throw invalidRequest(parsed.error);
  return parsed.data;
}
