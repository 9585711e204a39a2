// Turns a failed schema parse into the one `invalid_request` error, with a message naming each bad
// field, so the edge and the backend answer the same input with the same words.
import type { z } from "@hono/zod-openapi";
import { TinyscaleError } from "./errors.js";

/** "prompt: prompt must not be empty…; n: n must be at most 64", one clause per issue. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join(".") : "body";
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}

export function invalidRequest(error: z.ZodError): TinyscaleError {
  return new TinyscaleError("invalid_request", describeIssues(error), { cause: error });
}
