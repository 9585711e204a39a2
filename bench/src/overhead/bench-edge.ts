// The edge's own cost: the real Worker in workerd (startLocalEdge) in front of a fast backend that answers
// instantly (signature verified). Added latency = via-edge − direct, measured interleaved in one run;
// throughput = requests/s through the edge with many requests in flight.

import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { startLocalEdge } from "@tinyscale/edge";
import type { Profile } from "@tinyscale/shared";
import { median, round, summarize } from "../stats/summarize.js";
import { createBenchKey } from "./bench-key.js";
import { startFastBackend } from "./fast-backend.js";
import { type ThroughputStats, throughput } from "./http-latency.js";
import { parseServerTiming } from "./server-timing.js";

export interface EdgeResult {
  requests: number;
  body: string;
  direct_ms: { p50: number; p90: number; p99: number };
  via_edge_ms: { p50: number; p90: number; p99: number };
  /** p50(via edge) − p50(direct), and the same at p99. */
  added_ms: { p50: number; p99: number };
  /** Median ms of each edge phase from its Server-Timing header (ms clock that advances on I/O). */
  edge_phases_p50_ms: Record<string, number>;
  throughput: { via_edge: ThroughputStats; direct: ThroughputStats };
  backend_counts: { ok: number; rejected: number };
}

export interface EdgeOptions {
  profile: Profile;
  warmup: number;
  requests: number;
  connections: number;
  durationS: number;
}

async function timedPost(
  url: string,
  headers: Record<string, string>,
  body: string,
  phases?: Record<string, number[]>,
): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers, body });
  await res.arrayBuffer();
  const dt = performance.now() - t0;
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}`);
  if (phases) {
    for (const [name, ms] of Object.entries(parseServerTiming(res.headers.get("server-timing")))) {
      const list = phases[name] ?? [];
      list.push(ms);
      phases[name] = list;
    }
  }
  return dt;
}

export async function benchEdge(opts: EdgeOptions): Promise<EdgeResult> {
  const secret = randomBytes(32).toString("hex");
  const bearer = randomBytes(16).toString("hex");
  const adminToken = randomBytes(16).toString("hex");
  const backend = await startFastBackend({ secret, bearerToken: bearer, profile: opts.profile });
  const edge = await startLocalEdge({ backends: [backend.url], signingSecret: secret, adminToken });
  try {
    const key = await createBenchKey(edge.url, adminToken);
    const body = JSON.stringify({ prompt: "a lighthouse at dusk", n: 4, verifier: "vhs", seed: 7 });
    const edgeUrl = `${edge.url}/v1/generate`;
    const directUrl = `${backend.url}/v1/generate`;
    const edgeHeaders = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const directHeaders = { authorization: `Bearer ${bearer}`, "content-type": "application/json" };

    for (let i = 0; i < opts.warmup; i++) {
      await timedPost(directUrl, directHeaders, body);
      await timedPost(edgeUrl, edgeHeaders, body);
    }
    // Interleaved so drift (GC, CPU frequency, other load) hits both paths alike.
    const direct: number[] = [];
    const viaEdge: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let i = 0; i < opts.requests; i++) {
      direct.push(await timedPost(directUrl, directHeaders, body));
      viaEdge.push(await timedPost(edgeUrl, edgeHeaders, body, phases));
    }
    const d = summarize(direct);
    const e = summarize(viaEdge);
    const tpEdge = await throughput(
      { url: edgeUrl, method: "POST", headers: edgeHeaders, body },
      opts.connections,
      opts.durationS,
    );
    const tpDirect = await throughput(
      { url: directUrl, method: "POST", headers: directHeaders, body },
      opts.connections,
      opts.durationS,
    );
    return {
      requests: opts.requests,
      body,
      direct_ms: { p50: round(d.median), p90: round(d.p90), p99: round(d.p99) },
      via_edge_ms: { p50: round(e.median), p90: round(e.p90), p99: round(e.p99) },
      added_ms: { p50: round(e.median - d.median), p99: round(e.p99 - d.p99) },
      edge_phases_p50_ms: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(median(v))])),
      throughput: { via_edge: tpEdge, direct: tpDirect },
      backend_counts: { ...backend.counts },
    };
  } finally {
    await edge.close();
    await backend.close();
  }
}
