// Sequential request latency (one in flight) and throughput (autocannon, many in flight) against a URL.
// Latency compares paths on the same machine; throughput shows what one process can push through.

import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { round, summarize } from "../stats/summarize.js";

export interface RequestSpec {
  url: string;
  method: "GET" | "POST";
  /** Fresh headers per request (signatures, idempotency keys must not repeat). */
  headers: () => Promise<Record<string, string>> | Record<string, string>;
  body?: string;
}

export interface LatencyStats {
  requests: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  mean_ms: number;
}

export async function sequentialLatency(
  spec: RequestSpec,
  warmup: number,
  count: number,
): Promise<LatencyStats> {
  const once = async () => {
    const headers = await spec.headers();
    const t0 = performance.now();
    const res = await fetch(spec.url, { method: spec.method, headers, body: spec.body });
    await res.arrayBuffer();
    const dt = performance.now() - t0;
    if (!res.ok) throw new Error(`${spec.method} ${spec.url} answered ${res.status}`);
    return dt;
  };
  for (let i = 0; i < warmup; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) samples.push(await once());
  const s = summarize(samples);
  return {
    requests: count,
    p50_ms: round(s.median),
    p90_ms: round(s.p90),
    p99_ms: round(s.p99),
    mean_ms: round(s.mean),
  };
}

export interface ThroughputStats {
  connections: number;
  duration_s: number;
  requests_per_s: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  non_2xx: number;
  errors: number;
}

/**
 * Requests/s with `connections` in flight for `durationS`. Headers are fixed for the whole run, so this
 * path must accept repeated identical requests (bearer/API-key auth, not one-shot signatures).
 */
export async function throughput(
  spec: Omit<RequestSpec, "headers"> & { headers: Record<string, string> },
  connections: number,
  durationS: number,
): Promise<ThroughputStats> {
  const result = await autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections,
    duration: durationS,
  });
  return {
    connections,
    duration_s: durationS,
    requests_per_s: round(result.requests.average, 1),
    latency_p50_ms: round(result.latency.p50),
    latency_p99_ms: round(result.latency.p99),
    non_2xx: result.non2xx,
    errors: result.errors,
  };
}
