// Results of one suite run: each test file writes its own section (files run in separate workers), and
// the global teardown merges them into one results file with the totals: the committed
// bench/results/reliability.json when the run records (RELIABILITY_RECORD=1), a temporary file otherwise.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { RECORDED_RESULTS_FILE, SCRATCH_RESULTS_FILE, SECTIONS_DIR } from "./paths.js";

/** What every section may contribute to the totals (absent counts as 0). */
export interface SectionCounts {
  bad_inputs_tried?: number;
  faults_injected?: number;
  requests_under_load?: number;
  ledger_mismatches?: number;
  http_500s?: number;
  hangs?: number;
  backend_rss_growth_mb?: number;
}

export type Section = SectionCounts & Record<string, unknown>;

export function writeSection(name: string, section: Section): void {
  mkdirSync(SECTIONS_DIR, { recursive: true });
  writeFileSync(
    join(SECTIONS_DIR, `${name}.json`),
    `${JSON.stringify({ ...section, written_at: new Date().toISOString() }, null, 2)}\n`,
  );
}

export function clearSections(): void {
  if (!existsSync(SECTIONS_DIR)) return;
  for (const file of readdirSync(SECTIONS_DIR)) rmSync(join(SECTIONS_DIR, file), { force: true });
}

function readSections(): Record<string, Section> {
  if (!existsSync(SECTIONS_DIR)) return {};
  const sections: Record<string, Section> = {};
  for (const file of readdirSync(SECTIONS_DIR).sort()) {
    const text = readFileSync(join(SECTIONS_DIR, file), "utf8");
    if (file.endsWith(".json") && text.trim() !== "")
      sections[file.slice(0, -5)] = JSON.parse(text) as Section;
  }
  return sections;
}

/** Every section a test file writes; a previous file's sections outside this list are dropped. */
const SECTION_NAMES = new Set([
  "bad-input-edge",
  "bad-input-backend",
  "template-markers",
  "auth-static",
  "auth-attacks",
  "auth-leaks",
  "faults-process",
  "faults-worker",
  "faults-bundle",
  "overload-and-drain",
  "collisions",
  "load",
  "load-soak",
  "quota",
  "quota-soak",
]);

/** Only a run started to record (the soak and record scripts set RELIABILITY_RECORD=1) writes the record. */
export function resultsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.RELIABILITY_RECORD === "1" ? RECORDED_RESULTS_FILE : SCRATCH_RESULTS_FILE;
}

function previousSections(file: string): Record<string, Section> {
  if (!existsSync(file)) return {};
  try {
    const previous = JSON.parse(readFileSync(file, "utf8")) as { sections?: Record<string, Section> };
    return Object.fromEntries(
      Object.entries(previous.sections ?? {}).filter(([name]) => SECTION_NAMES.has(name)),
    );
  } catch {
    return {};
  }
}

/**
 * Merges this run's sections over the previous file's (a soak run re-runs only the load file, so the
 * other sections keep their last values) and recomputes the totals.
 */
export function mergeResults(
  mode: string,
  file: string = resultsFile(),
): { file: string; totals: Required<SectionCounts> } | null {
  const fresh = readSections();
  if (Object.keys(fresh).length === 0) return null;
  const sections = { ...previousSections(file), ...fresh };
  const totals: Required<SectionCounts> = {
    bad_inputs_tried: 0,
    faults_injected: 0,
    requests_under_load: 0,
    ledger_mismatches: 0,
    http_500s: 0,
    hangs: 0,
    backend_rss_growth_mb: 0,
  };
  for (const section of Object.values(sections)) {
    for (const key of Object.keys(totals) as (keyof SectionCounts)[]) {
      const value = section[key];
      if (typeof value === "number" && key !== "backend_rss_growth_mb") totals[key] += value;
    }
  }
  // RSS growth is not additive: the soak run's (long enough to be meaningful) when there is one.
  const rss = (name: string) => sections[name]?.backend_rss_growth_mb;
  totals.backend_rss_growth_mb = rss("load-soak") ?? rss("load") ?? 0;
  const latency = (name: string) =>
    (sections[name] as { latency_ms?: unknown } | undefined)?.latency_ms ?? null;
  const document = {
    generated_at: new Date().toISOString(),
    last_run_mode: mode,
    machine: { node: process.version, cpus: cpus().length, platform: process.platform },
    totals,
    load_latency_ms: { short: latency("load"), soak: latency("load-soak") },
    sections,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return { file, totals };
}

export function mode(): "short" | "soak" {
  return process.env.RELIABILITY_MODE === "soak" ? "soak" : "short";
}
