// `npm start`: runs the local stack until Ctrl-C and tells the user how to reach it — URLs, the dev
// key, a ready curl line — and writes the same to .tinyscale/local.json for the CLI and examples.
import { join } from "node:path";
import { portIsFree } from "./free-port.js";
import { assertBuilt, NotBuiltError } from "./prerequisites.js";
import { repoRoot } from "./repo-root.js";
import { servedBundle } from "./served-bundle.js";

// A prompt of the shapes world (GenEval's colour-attribution phrasing), which the default bundle draws.
const EXAMPLE_PROMPT = "a photo of a red circle and a blue square";

const port = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return value;
};

async function main(): Promise<void> {
  assertBuilt(repoRoot);
  const { startLocalStack } = await import("./stack.js");
  const { removeLocalFile, writeLocalFile } = await import("./local-file.js");
  const stateDir = join(repoRoot, ".tinyscale");
  const ports = {
    TINYSCALE_EDGE_PORT: port("TINYSCALE_EDGE_PORT", 8787),
    TINYSCALE_BACKEND_PORT: port("TINYSCALE_BACKEND_PORT", 8090),
  };
  for (const [name, value] of Object.entries(ports)) {
    if (value !== 0 && !(await portIsFree(value))) {
      throw new Error(
        `port ${value} is in use (another npm start?): stop it or set ${name}=<port> (0 = any free port)`,
      );
    }
  }
  const bundle = servedBundle(repoRoot);
  if (bundle.note) console.log(`note: ${bundle.note}`);
  console.log(`starting the gpu-backend (${bundle.name} bundle, CPU) and the edge (workerd) on 127.0.0.1 …`);
  const stack = await startLocalStack({
    repoRoot,
    edgePort: ports.TINYSCALE_EDGE_PORT,
    backendPort: ports.TINYSCALE_BACKEND_PORT,
    logDir: stateDir,
    keyName: "local development",
    bundle: bundle.dir,
  });
  const file = writeLocalFile(repoRoot, {
    edge_url: stack.edgeUrl,
    backend_url: stack.backendUrl,
    api_key: stack.apiKey,
    admin_token: stack.adminToken,
    backend_token: stack.backendToken,
    pid: process.pid,
    started_at: new Date().toISOString(),
  });
  const body = JSON.stringify({
    prompt: EXAMPLE_PROMPT,
    budget_ms: 500,
    seed: 42,
    response_format: "bytes",
  });
  console.log(
    [
      "",
      `  edge (the API)   ${stack.edgeUrl}`,
      `  gpu-backend      ${stack.backendUrl}   (log: ${stack.backendLog})`,
      `  dev API key      ${stack.apiKey}`,
      `  admin token      ${stack.adminToken}`,
      `  written to       ${file}`,
      "",
      "try it (the image goes to shapes.png, its N, scores and timings are in the metadata header):",
      `  curl -sS ${stack.edgeUrl}/v1/generate -H 'Authorization: Bearer ${stack.apiKey}' \\`,
      `    -H 'Content-Type: application/json' -d '${body}' \\`,
      "    -o shapes.png -D - | grep -i '^x-tinyscale-metadata'",
      "or with the SDK's CLI, which reads .tinyscale/local.json:",
      `  npx tinyscale generate "${EXAMPLE_PROMPT}" --budget 500 --out shapes.png`,
      "",
      "Ctrl-C stops everything.",
    ].join("\n"),
  );
  // Synchronous on purpose: Miniflare's signal hook exits the process right after the listeners that
  // were added before it, so this runs first (prepended) and must not await. The stack's own
  // prepended hook SIGTERMs the backend, which drains by itself.
  const onSignal = (signal: NodeJS.Signals) => {
    removeLocalFile(repoRoot);
    console.log(
      `\n${signal}: stopping the edge; the gpu-backend drains and exits (log: ${stack.backendLog})`,
    );
  };
  process.prependListener("SIGINT", onSignal);
  process.prependListener("SIGTERM", onSignal);
}

main().catch((error: unknown) => {
  if (error instanceof NotBuiltError) console.error(error.message);
  else console.error("npm start failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
