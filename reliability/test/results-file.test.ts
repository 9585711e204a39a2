// A test run never rewrites the committed record: only a run started to record (RELIABILITY_RECORD=1,
// set by `npm run soak` and `npm run reliability:record`) writes bench/results/reliability.json.
import { tmpdir } from "node:os";
import { expect, it } from "vitest";
import { RECORDED_RESULTS_FILE, SCRATCH_RESULTS_FILE } from "../src/paths.js";
import { resultsFile } from "../src/results.js";

it("writes results under the temporary folder unless the run records", () => {
  expect(resultsFile({})).toBe(SCRATCH_RESULTS_FILE);
  expect(resultsFile({ RELIABILITY_RECORD: "0" })).toBe(SCRATCH_RESULTS_FILE);
  expect(SCRATCH_RESULTS_FILE.startsWith(tmpdir())).toBe(true);
  expect(resultsFile({ RELIABILITY_RECORD: "1" })).toBe(RECORDED_RESULTS_FILE);
  expect(RECORDED_RESULTS_FILE).toMatch(/bench[/\\]results[/\\]reliability\.json$/);
});
