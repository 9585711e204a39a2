// The FLOPs parser (export.flops --json output) and the proportions table on fixed numbers.

import { describe, expect, it } from "vitest";
import { parseFlopsJson } from "../src/bundle/graph-flops.js";
import { parsePrometheus, sumBy } from "../src/overhead/prometheus.js";
import { proportionTable } from "../src/proportions/proportion-table.js";

describe("parseFlopsJson", () => {
  it("reads fixed + per-candidate FLOPs per graph as GFLOP of one batch-1 call", () => {
    const stdout = `progress line\n${JSON.stringify({
      config: "proportional",
      graphs: {
        text_encoder: { fixed: 2_051_539_968, per_candidate: 0 },
        dit_head: { fixed: 8_257_536, per_candidate: 1_233_616_896 },
      },
    })}`;
    const g = parseFlopsJson(stdout);
    expect(g.text_encoder).toBeCloseTo(2.0515, 4);
    expect(g.dit_head).toBeCloseTo(1.2419, 4);
  });

  it("rejects output without graph counts", () => {
    expect(() => parseFlopsJson("no json here")).toThrow(/no JSON/);
    expect(() => parseFlopsJson('{"graphs": {"x": {"gflop": 1}}}')).toThrow(/no graph/);
  });
});

describe("proportionTable", () => {
  it("puts counted FLOP shares next to real shares and measured time shares", () => {
    const rows = proportionTable(
      { dit_head: 1, vae_decode: 7, text_encoder: 2, propose: 2 },
      {
        dit_head: { median_ms: 10, runs: 3 },
        vae_decode: { median_ms: 80, runs: 3 },
        text_encoder: { median_ms: 10, runs: 3 },
        propose: { median_ms: 25, runs: 3 },
      },
    );
    expect(rows.map((r) => r.graph)).toEqual(["text_encoder", "dit_head", "vae_decode", "propose"]);
    const vae = rows.find((r) => r.graph === "vae_decode");
    expect(vae).toMatchObject({ flop_share: 0.7, time_share: 0.8, gflop_per_s: 87.5 });
    // Real shares over the same three primary graphs: 8.37 / (2.1 + 1.18 + 8.37).
    expect(vae?.real_share).toBeCloseTo(8.37 / 11.65, 4);
    // A fused graph is shown against the same denominators.
    expect(rows.find((r) => r.graph === "propose")?.time_share).toBe(0.25);
  });
});

describe("prometheus text", () => {
  it("sums a histogram's _sum series by label", () => {
    const text = [
      "# HELP tinyscale_stage_duration_seconds x",
      'tinyscale_stage_duration_seconds_sum{stage="propose",batch="4"} 0.5',
      'tinyscale_stage_duration_seconds_sum{stage="propose",batch="1"} 0.25',
      'tinyscale_stage_duration_seconds_sum{stage="finish",batch="1"} 1e-3',
      'tinyscale_stage_duration_seconds_count{stage="finish",batch="1"} 3',
    ].join("\n");
    expect(sumBy(parsePrometheus(text), "tinyscale_stage_duration_seconds_sum", "stage")).toEqual({
      propose: 0.75,
      finish: 0.001,
    });
  });
});

describe("edge Server-Timing", () => {
  it("reads each phase's duration", async () => {
    const { parseServerTiming } = await import("../src/overhead/server-timing.js");
    expect(parseServerTiming("auth;dur=1, plan;dur=0, meter;dur=4.5, backend;desc=x;dur=2")).toEqual({
      auth: 1,
      plan: 0,
      meter: 4.5,
      backend: 2,
    });
    expect(parseServerTiming(null)).toEqual({});
  });
});
