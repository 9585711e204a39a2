// The backend's probes for orchestrators and the edge: liveness with its load, readiness, Prometheus
// metrics. Unauthenticated, backend only, outside the public document.
import { createRoute, z } from "@hono/zod-openapi";

export const HealthSchema = z.object({
  status: z.literal("ok"),
  phase: z.string(),
  // Requests waiting and requests running (the batching scheduler: within one batch per worker); each
  // request held is in exactly one of the two, and the edge breaks ties between backends by their sum.
  queue_depth: z.number().int().nonnegative(),
  in_flight: z.number().int().nonnegative(),
  // Predicted wait before a request sent now would start; the edge ranks backends and plans by it.
  estimated_wait_ms: z.number().nonnegative(),
  // The most requests held at once (queued + running); the edge refuses beyond it without forwarding.
  max_in_flight: z.number().int().nonnegative(),
  // The batching scheduler's admission terms besides the wait: the ms it keeps ahead of a new request's first
  // candidate (running batch, lateness margin, slack, way back) and the factor its costs are scaled by now.
  admission_lead_ms: z.number().nonnegative().optional(),
  slowdown: z.number().positive().optional(),
  scheduler: z.enum(["batched", "legacy"]),
});

export type Health = z.infer<typeof HealthSchema>;

export const ReadinessSchema = z.object({
  ready: z.boolean(),
  phase: z.string(),
  model: z.string(),
  queue_depth: z.number().int().nonnegative(),
  in_flight: z.number().int().nonnegative(),
});

export type Readiness = z.infer<typeof ReadinessSchema>;

export const healthzRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "healthz",
  tags: ["backend"],
  summary: "The process answers; its queue depth and requests in flight (the edge ranks backends by them)",
  responses: {
    200: { description: "Alive.", content: { "application/json": { schema: HealthSchema } } },
  },
});

export const readyzRoute = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "readyz",
  tags: ["backend"],
  summary: "Bundle loaded, warmed up and profiled, and not draining",
  responses: {
    200: { description: "Ready to serve.", content: { "application/json": { schema: ReadinessSchema } } },
    503: {
      description: "Not ready yet, or draining.",
      content: { "application/json": { schema: ReadinessSchema } },
    },
  },
});

export const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "metrics",
  tags: ["backend"],
  summary: "Prometheus text exposition",
  responses: {
    200: { description: "The metrics.", content: { "text/plain": { schema: { type: "string" as const } } } },
  },
});
