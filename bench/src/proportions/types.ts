// One row of the proportions check: a graph's FLOPs (from the export tool) next to its measured time,
// so the bench shows whether the proportional bundle's stage costs really follow the real pipeline's.

export interface ProportionRow {
  graph: string;
  /** GFLOP of one call at batch 1, as counted by `python -m export.flops`. */
  gflop: number;
  /** TFLOP of the same stage in the real pipeline, null if it has no counterpart. */
  real_tflop: number | null;
  /** This graph's share of the listed graphs' FLOPs, and the real pipeline's share for the same set. */
  flop_share: number;
  real_share: number | null;
  /** Median ms of one call at batch 1, and its share of the listed graphs' summed ms. */
  measured_ms: number;
  time_share: number;
  /** Achieved throughput: gflop / measured seconds. */
  gflop_per_s: number;
}
