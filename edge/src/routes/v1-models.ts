// GET /v1/models: the model bundles the reachable backends serve (merged by id), so callers can pick
// a size and verifier before generating. Needs an API key, as the contract's route declares.

import type { Model, ModelsResponse } from "@tinyscale/shared";
import { honoPath, modelsRoute } from "@tinyscale/shared";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { fetchModels } from "../backends/backend-status.js";
import { noBackendError } from "../backends/no-backend.js";
import { apiKeyAuth } from "../middleware/api-key-auth.js";
import { rateLimitToken } from "../middleware/rate-limit-token.js";

function merge(into: Map<string, Model>, model: Model): void {
  const known = into.get(model.id);
  if (!known) {
    into.set(model.id, model);
    return;
  }
  // Backends of one bundle may differ in hardware; advertise only what every one of them can do.
  into.set(model.id, {
    ...known,
    sizes: known.sizes.filter((size) => model.sizes.includes(size)),
    verifiers: known.verifiers.filter((verifier) => model.verifiers.includes(verifier)),
    max_n: Math.min(known.max_n, model.max_n),
    max_batch: Math.min(known.max_batch, model.max_batch),
  });
}

export function registerV1Models(app: Hono<AppEnv>): void {
  app.on(modelsRoute.method, honoPath(modelsRoute), apiKeyAuth(), rateLimitToken(), async function models(c) {
    const services = c.get("services");
    const requestId = c.get("requestId");
    const ranked = await services.backends.ranked(requestId);
    const answers = await Promise.all(
      ranked.map((backend) => fetchModels(backend.url, requestId).catch(() => null)),
    );
    const merged = new Map<string, Model>();
    for (const answer of answers) for (const model of answer?.data ?? []) merge(merged, model);
    if (ranked.length === 0) {
      throw noBackendError(services.backends, c.get("requestId"));
    }
    const body: ModelsResponse = { data: [...merged.values()] };
    return c.json(body, 200, { "cache-control": "public, max-age=30" });
  });
}
