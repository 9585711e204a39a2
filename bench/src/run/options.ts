// Command line of the bench runner: which bundle, how long it may take, and a quick mode for smoke runs.
// `npm run bench` uses the defaults: export the proportional bundle, full run within the time budget.

export interface RunOptions {
  /** Export config (`proportional`) unless `bundleDir` points at an existing bundle. */
  config: string;
  bundleDir: string | undefined;
  /** Wall-clock budget of the whole run (export included), in seconds; sections size themselves to it. */
  budgetS: number;
  quick: boolean;
  /** Write results here instead of bench/results (smoke runs must not overwrite the record). */
  outDir: string | undefined;
  sections: Set<Section>;
}

export const SECTIONS = ["proportions", "pipeline", "planner", "overhead", "edge", "load"] as const;
export type Section = (typeof SECTIONS)[number];

export const HELP = `Usage: npm run bench [-- options]

  --config <name>     export config to benchmark (default proportional)
  --bundle <dir>      use an existing bundle folder instead of exporting
  --budget-s <s>      wall-clock budget of the whole run, export included (default 800)
  --quick             few repeats (smoke test of the whole runner)
  --out <dir>         write results to <dir> instead of bench/results
  --only <a,b>        run only these sections: ${SECTIONS.join(", ")}
`;

export function parseRunOptions(argv: readonly string[]): RunOptions | "help" {
  const opts: RunOptions = {
    config: "proportional",
    bundleDir: undefined,
    budgetS: 800,
    quick: false,
    outDir: undefined,
    sections: new Set(SECTIONS),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--help" || arg === "-h") return "help";
    else if (arg === "--config") opts.config = value();
    else if (arg === "--bundle") opts.bundleDir = value();
    else if (arg === "--budget-s") opts.budgetS = Number(value());
    else if (arg === "--quick") opts.quick = true;
    else if (arg === "--out") opts.outDir = value();
    else if (arg === "--only") {
      const names = value().split(",");
      for (const n of names)
        if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`unknown section ${n}`);
      opts.sections = new Set(names as Section[]);
    } else throw new Error(`unknown option ${arg}\n${HELP}`);
  }
  if (!(opts.budgetS > 0)) throw new Error("--budget-s must be a positive number");
  return opts;
}
