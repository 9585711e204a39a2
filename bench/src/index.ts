// Public surface of the bench workspace: the harness pieces (statistics, repeats, writers, plots)
// that other scripts (e.g. bench/gpu) may reuse. The benchmark itself runs from src/run-all.ts.
export * from "./harness/repeat.js";
export * from "./plots/render-svg.js";
export * from "./plots/specs.js";
export * from "./report/markdown.js";
export * from "./report/targets.js";
export * from "./report/write-json.js";
export * from "./stats/summarize.js";
