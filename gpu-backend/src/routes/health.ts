// Probes and metrics: GET /healthz (the process answers), GET /readyz (bundle loaded, warm, profiled, not
// draining), GET /metrics (Prometheus text).

import {
  type Health,
  healthzRoute,
  honoPath,
  metricsRoute,
  type Readiness,
  readyzRoute,
  roundMs,
} from "@tinyscale/shared";
import type { Hono } from "hono";
import type { Scheduler } from "../admission/scheduler.js";
import type { BackendState } from "../backend-state.js";
import type { AppEnv } from "../http/app-env.js";
import type { BackendMetrics } from "../metrics/metrics.js";

export function registerHealth(
  app: Hono<AppEnv>,
  state: BackendState,
  admission: Scheduler,
  metrics: BackendMetrics,
) {
  // The edge ranks backends by estimated_wait_ms (then queue_depth + in_flight) from here, and plans what a
  // budget buys now from it (edge/src/backends/backend-status.ts).
  app.on(healthzRoute.method, honoPath(healthzRoute), (c) => {
    const terms = admission.admissionTerms?.();
    const body: Health = {
      status: "ok",
      phase: state.phase,
      queue_depth: admission.depth,
      in_flight: admission.inFlight,
      estimated_wait_ms: roundMs(admission.estimatedWaitMs()),
      max_in_flight: admission.capacity,
      ...(terms
        ? { admission_lead_ms: roundMs(terms.leadMs), slowdown: Math.round(terms.slowdown * 1000) / 1000 }
        : {}),
      scheduler: admission.name,
    };
    return c.json(body);
  });
  app.on(readyzRoute.method, honoPath(readyzRoute), (c) => {
    const ready = state.phase === "ready";
    const body: Readiness = {
      ready,
      phase: state.phase,
      model: state.manifest.bundle_id,
      queue_depth: admission.depth,
      in_flight: admission.inFlight,
    };
    return c.json(body, ready ? 200 : 503);
  });
  app.on(metricsRoute.method, honoPath(metricsRoute), async (c) => {
    metrics.queueDepth.set(admission.depth);
    metrics.inFlight.set(admission.inFlight);
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });
}
