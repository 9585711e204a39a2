// Prometheus metrics of one backend (own registry, so several backends can live in one test process):
// stage latency by batch, per-graph run and row counters, queue depth, in-flight, errors by code.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GenerationResult, StageSample } from "../pipeline/types.js";

/** Stage name in the trace → ONNX graph name (image_encode is sharp, not a graph). */
const STAGE_GRAPH: Record<string, string> = {
  text_encode: "text_encoder",
  propose: "propose",
  finish: "finish",
  dit_head: "dit_head",
  dit_tail: "dit_tail",
  vae_decode: "vae_decode",
  clip_verify: "clip_verify",
  ae_verify: "ae_verify",
};

export interface BackendMetrics {
  registry: Registry;
  queueDepth: Gauge;
  inFlight: Gauge;
  errors: Counter<"code">;
  requests: Counter<"verifier" | "status">;
  requestSeconds: Histogram<"verifier">;
  candidates: Counter<"verifier">;
  textCache: Counter<"result">;
  workerCrashes: Counter;
  recordSamples(samples: readonly StageSample[]): void;
  /** Everything a successful generation adds: its graph runs, candidates, cache result, latency. */
  recordGeneration(verifier: string, result: GenerationResult, totalMs: number): void;
}

export function createMetrics(): BackendMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tinyscale_process_" });
  const registers = [registry];
  const stageSeconds = new Histogram({
    name: "tinyscale_stage_duration_seconds",
    help: "Duration of one pipeline stage call, by stage and batch size.",
    labelNames: ["stage", "batch"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const graphRuns = new Counter({
    name: "tinyscale_graph_runs_total",
    help: "ONNX graph runs (session.run calls) for requests, by graph.",
    labelNames: ["graph"],
    registers,
  });
  const graphRows = new Counter({
    name: "tinyscale_graph_rows_total",
    help: "Candidates (batch rows) processed by each ONNX graph for requests.",
    labelNames: ["graph"],
    registers,
  });
  const metrics: BackendMetrics = {
    registry,
    queueDepth: new Gauge({
      name: "tinyscale_queue_depth",
      help: "Requests waiting for a worker.",
      registers,
    }),
    inFlight: new Gauge({ name: "tinyscale_in_flight", help: "Requests running on a worker.", registers }),
    errors: new Counter({
      name: "tinyscale_errors_total",
      help: "Error responses by error code.",
      labelNames: ["code"],
      registers,
    }),
    requests: new Counter({
      name: "tinyscale_requests_total",
      help: "Generate requests answered, by verifier and HTTP status.",
      labelNames: ["verifier", "status"],
      registers,
    }),
    requestSeconds: new Histogram({
      name: "tinyscale_request_duration_seconds",
      help: "Generate request time from arrival to response, successful requests.",
      labelNames: ["verifier"],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    candidates: new Counter({
      name: "tinyscale_candidates_total",
      help: "Candidates generated and scored.",
      labelNames: ["verifier"],
      registers,
    }),
    textCache: new Counter({
      name: "tinyscale_text_cache_total",
      help: "Prompt-embedding cache lookups by result (hit|miss).",
      labelNames: ["result"],
      registers,
    }),
    workerCrashes: new Counter({
      name: "tinyscale_worker_crashes_total",
      help: "Inference worker threads that died and were replaced.",
      registers,
    }),
    recordSamples(samples) {
      for (const sample of samples) {
        stageSeconds.observe({ stage: sample.stage, batch: String(sample.batch) }, sample.ms / 1000);
        const graph = STAGE_GRAPH[sample.stage];
        if (graph) {
          graphRuns.inc({ graph });
          graphRows.inc({ graph }, sample.batch);
        }
      }
    },
    recordGeneration(verifier, result, totalMs) {
      metrics.recordSamples(result.samples);
      metrics.candidates.inc({ verifier }, result.nRun);
      metrics.textCache.inc({ result: result.textCacheHit ? "hit" : "miss" });
      metrics.requests.inc({ verifier, status: "200" });
      metrics.requestSeconds.observe({ verifier }, totalMs / 1000);
    },
  };
  return metrics;
}
