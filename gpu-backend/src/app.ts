// The Hono app factory: wires request ids, error handling and the routes onto the backend's parts.
// Testable without a socket through app.request(); start-backend.ts serves it over HTTP.

import { allowedMethods, BACKEND_ROUTES } from "@tinyscale/shared";
import { Hono } from "hono";
import type { Scheduler } from "./admission/scheduler.js";
import type { Authenticator } from "./auth/authenticate.js";
import type { BackendState } from "./backend-state.js";
import type { AppEnv } from "./http/app-env.js";
import { countErrors, createErrorHandler, errorResponse } from "./http/error-response.js";
import { requestId } from "./http/request-id.js";
import type { Logger } from "./log/logger.js";
import type { BackendMetrics } from "./metrics/metrics.js";
import { registerGenerate } from "./routes/generate.js";
import { registerHealth } from "./routes/health.js";
import { registerInfo } from "./routes/info.js";

export interface AppDeps {
  state: BackendState;
  admission: Scheduler;
  authenticate: Authenticator;
  metrics: BackendMetrics;
  logger: Logger;
  bodyLimitBytes: number;
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(countErrors(deps.metrics));
  app.onError(createErrorHandler(deps.logger));
  // A path in the route table with another method is a 405 naming the methods it serves (RFC 9110).
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allow = allowedMethods(BACKEND_ROUTES, path);
    if (allow.length === 0) return errorResponse(c, "not_found", `no route for ${c.req.method} ${path}`);
    const response = errorResponse(c, "method_not_allowed", `${c.req.method} is not allowed on ${path}`);
    response.headers.set("Allow", allow.join(", "));
    return response;
  });
  registerGenerate(app, deps);
  registerInfo(app, deps.state);
  registerHealth(app, deps.state, deps.admission, deps.metrics);
  return app;
}
