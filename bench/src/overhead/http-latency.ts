// Throughput against a URL with many requests in flight (autocannon), for the edge bench: requests/s
// and the latency percentiles autocannon saw under that load.

import autocannon from "autocannon";
import { round } from "../stats/summarize.js";

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
  spec: { url: string; method: "GET" | "POST"; headers: Record<string, string>; body?: string },
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
