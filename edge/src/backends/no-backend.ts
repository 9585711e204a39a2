// The 503 answered when no backend is usable: the reasons go to the log with the request id, the
// client gets a count and a Retry-After (backend addresses are internal and stay out of responses).
import { TinyscaleError } from "@tinyscale/shared";
import type { Backends } from "./backend-pool.js";

export const NO_BACKEND_RETRY_AFTER_SECONDS = 5;

export function noBackendError(pool: Backends, requestId: string): TinyscaleError {
  console.error(
    JSON.stringify({ request_id: requestId, code: "no_backend", backends: pool.describeUnavailable() }),
  );
  return new TinyscaleError(
    "no_backend",
    `none of the ${pool.size} configured backends is reachable; retry shortly`,
    {
      retryAfterSeconds: NO_BACKEND_RETRY_AFTER_SECONDS,
    },
  );
}
