// POST /v1/generate: read the raw body (limit), authenticate it, validate with shared's schema, plan the
// job, admit it to a worker, and answer with the image and every candidate's score.

import { createHash } from "node:crypto";
import {
  DEADLINE_HEADER,
  GenerateRequestSchema,
  generateRoute,
  honoPath,
  METADATA_HEADER,
  parseRequestBody,
  type TinyscaleError,
} from "@tinyscale/shared";
import type { Hono } from "hono";
import type { Scheduler } from "../admission/scheduler.js";
import type { Authenticator } from "../auth/authenticate.js";
import type { BackendState } from "../backend-state.js";
import type { AppEnv } from "../http/app-env.js";
import { errorResponse } from "../http/error-response.js";
import { readBody } from "../http/read-body.js";
import { type Logger, promptSummary } from "../log/logger.js";
import type { BackendMetrics } from "../metrics/metrics.js";
import { planJob } from "./generate-plan.js";
import { buildJsonResponse, buildMetadata } from "./generate-response.js";

export interface GenerateDeps {
  state: BackendState;
  admission: Scheduler;
  authenticate: Authenticator;
  metrics: BackendMetrics;
  logger: Logger;
  bodyLimitBytes: number;
}

export function registerGenerate(app: Hono<AppEnv>, deps: GenerateDeps): void {
  const { state, admission, metrics } = deps;
  app.on(generateRoute.method, honoPath(generateRoute), async (c) => {
    const arrival = Date.now();
    const requestId = c.get("requestId");
    const log = deps.logger.child({ request_id: requestId });
    if (state.phase !== "ready") {
      const message = state.phase === "draining" ? "backend is shutting down" : "backend is not ready";
      return errorResponse(c, "overloaded", message, 1);
    }
    const body = await readBody(c.req.raw, deps.bodyLimitBytes);
    const url = new URL(c.req.url);
    // The signed path is the path as sent, query string included (shared signing.ts).
    await deps.authenticate({
      method: "POST",
      path: url.pathname + url.search,
      headers: c.req.raw.headers,
      body,
    });
    const request = parseRequestBody(GenerateRequestSchema, body);
    const planned = planJob(request, state, requestId, arrival, c.req.header(DEADLINE_HEADER));
    const hash = createHash("sha256").update(request.prompt).digest("hex");
    log.info("generate admitted", {
      ...promptSummary(request.prompt, hash),
      verifier: planned.job.verifier,
      n: planned.job.n,
      seed: planned.job.seed,
      deadline_ms: planned.job.deadlineMs,
    });
    log.debug("generate prompt", { prompt: request.prompt });
    let outcome: Awaited<ReturnType<Scheduler["submit"]>>;
    try {
      outcome = await admission.submit({ ...planned, signal: c.req.raw.signal });
    } catch (error) {
      metrics.requests.inc({
        verifier: planned.job.verifier,
        status: String((error as TinyscaleError).status ?? 500),
      });
      throw error;
    }
    const { result, queueMs } = outcome;
    const totalMs = Date.now() - arrival;
    metrics.recordGeneration(planned.job.verifier, result, totalMs);
    log.info("generate done", {
      n: result.nRun,
      n_requested: planned.job.n,
      chosen_index: result.chosenIndex,
      queue_ms: queueMs,
      total_ms: totalMs,
    });
    const ctx = {
      requestId,
      model: state.manifest.bundle_id,
      nRequested: planned.job.n,
      plannedMs: planned.plannedMs,
      queueMs,
      totalMs,
    };
    if (planned.responseFormat === "bytes") {
      return c.body(result.image as Uint8Array<ArrayBuffer>, 200, {
        "content-type": result.mimeType,
        [METADATA_HEADER]: JSON.stringify(buildMetadata(result, ctx)),
      });
    }
    return c.json(buildJsonResponse(result, ctx));
  });
}
