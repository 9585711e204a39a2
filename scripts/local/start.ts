// `npm start`: runs the local stack until Ctrl-C and tells the user how to reach it — URLs, the dev
// key, a ready curl line — and writes the same to .tinyscale/local.json for the CLI and examples.
import { join } from "node:path";
import { assertBuilt, NotBuiltError } from "./prerequisites.js";
import { repoRoot } from "./repo-root.js";

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
  console.log("starting the gpu-backend (tiny bundle, CPU) and the edge (workerd) on 127.0.0.1 …");
  const stack = await startLocalStack({
    repoRoot,
    edgePort: port("TINYSCALE_EDGE_PORT", 8787),
    backendPort: port("TINYSCALE_BACKEND_PORT", 8090),
    logDir: stateDir,
    keyName: "local development",
    ...(process.env.TINYSCALE_BUNDLE ? { bundle: process.env.TINYSCALE_BUNDLE } : {}),
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
  const body = JSON.stringify({ prompt: "a red fox in the snow", budget_ms: 1000, seed: 42 });
  console.log(
    [
      "",
      `  edge (the API)   ${stack.edgeUrl}`,
      `  gpu-backend      ${stack.backendUrl}   (log: ${stack.backendLog})`,
      `  dev API key      ${stack.apiKey}`,
      `  admin token      ${stack.adminToken}`,
      `  written to       ${file}`,
      "",
      "try it:",
      `  curl -sS ${stack.edgeUrl}/v1/generate -H 'Authorization: Bearer ${stack.apiKey}' \\`,
      `    -H 'Content-Type: application/json' -d '${body}' | head -c 600; echo`,
      "",
      "Ctrl-C stops everything.",
    ].join("\n"),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping …`);
    removeLocalFile(repoRoot);
    await stack.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof NotBuiltError) console.error(error.message);
  else console.error("npm start failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
