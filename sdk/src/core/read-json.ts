// Turns a successful response's body into its JSON value, or an InvalidResponseError naming the request id:
// a 2xx the SDK cannot read is a server or proxy fault, never retried (the server already did the work).

import { InvalidResponseError } from "./errors.js";
import type { RawResponse } from "./transport.js";

export function readJson<T>(response: RawResponse): T {
  try {
    return JSON.parse(new TextDecoder().decode(response.body)) as T;
  } catch (cause) {
    throw new InvalidResponseError(
      `Expected a JSON body (HTTP ${response.status}, ${response.body.length} bytes)`,
      response.status,
      response.headers,
      cause,
    );
  }
}
