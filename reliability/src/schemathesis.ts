// Runs schemathesis, the schema-driven fuzzer, against a running edge: it reads the served /openapi.json,
// generates requests for the operations selected, and checks every answer against the document.
// Its Python venv is the contract test's own (reliability/contract/requirements.txt), made on first use.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./paths.js";

const REQUIREMENTS = "reliability/contract/requirements.txt";
const CONFIG = join(REPO_ROOT, "reliability", "contract", "schemathesis.toml");

/** The schemathesis executable, after creating its venv if this machine has none yet (~30 s, once). */
export function schemathesisBin(): string {
  const python = execFileSync("bash", [join(REPO_ROOT, "scripts", "python-env.sh"), REQUIREMENTS], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  return join(dirname(python), "schemathesis");
}

export interface FuzzRun {
  exitCode: number;
  output: string;
  /** Test cases schemathesis generated and sent; a run that sent none proves nothing. */
  generated: number;
}

export interface FuzzTarget {
  baseUrl: string;
  /** Bearer credential sent with every request: an API key or the admin token. */
  bearer: string;
  /** Operations whose path matches this are tested, e.g. `^/v1/`. */
  pathRegex: string;
}

export function runSchemathesis(bin: string, target: FuzzTarget, timeoutMs: number): Promise<FuzzRun> {
  const args = [
    "--config-file",
    CONFIG,
    "--no-color",
    "run",
    `${target.baseUrl}/openapi.json`,
    "--url",
    target.baseUrl,
    "--header",
    `Authorization: Bearer ${target.bearer}`,
    "--include-path-regex",
    target.pathRegex,
  ];
  // Its crash cache goes to the working directory: a temporary one, so a run leaves the clone as it was.
  const cwd = mkdtempSync(join(tmpdir(), "schemathesis-"));
  return new Promise<FuzzRun>((resolve, reject) => {
    execFile(
      bin,
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1" },
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error && typeof error.code !== "number") {
          reject(new Error(`schemathesis did not finish (${error.message}):\n${output}`));
          return;
        }
        const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
        resolve({ exitCode: typeof error?.code === "number" ? error.code : 0, output, generated });
      },
    );
  }).finally(() => rmSync(cwd, { recursive: true, force: true }));
}
