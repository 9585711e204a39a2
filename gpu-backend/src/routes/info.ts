// Read-only descriptions of this backend: GET /v1/profile (the planner's input, measured at start-up)
// and GET /v1/models (the bundle served, its size, verifier modes and limits).

import type { ModelsResponse } from "@tinyscale/shared";
import { honoPath, modelsRoute, profileRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import { type BackendState, nativeSize } from "../backend-state.js";
import type { AppEnv } from "../http/app-env.js";
import { errorResponse } from "../http/error-response.js";

export function registerInfo(app: Hono<AppEnv>, state: BackendState): void {
  app.on(profileRoute.method, honoPath(profileRoute), (c) => {
    if (!state.profile) return errorResponse(c, "overloaded", "profile not measured yet", 1);
    return c.json(state.profile);
  });
  app.on(modelsRoute.method, honoPath(modelsRoute), (c) => {
    const size = nativeSize(state.manifest);
    const body: ModelsResponse = {
      data: [
        {
          id: state.manifest.bundle_id,
          sizes: [size],
          default_size: size,
          verifiers: state.modes,
          max_n: state.maxN,
          max_batch: state.maxBatch,
        },
      ],
    };
    return c.json(body);
  });
}
