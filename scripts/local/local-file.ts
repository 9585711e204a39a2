// `.tinyscale/local.json`: where a running `npm start` stack can be found by the SDK CLI, the examples
// and the benchmarks. Written when the stack is up, removed when it stops so nothing reads a dead stack.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface LocalStackFile {
  edge_url: string;
  backend_url: string;
  api_key: string;
  admin_token: string;
  /** Bearer token for calling the backend directly (bypassing the edge). */
  backend_token: string;
  pid: number;
  started_at: string;
}

export function localFilePath(repoRoot: string): string {
  return join(repoRoot, ".tinyscale", "local.json");
}

export function writeLocalFile(repoRoot: string, contents: LocalStackFile): string {
  const path = localFilePath(repoRoot);
  mkdirSync(dirname(path), { recursive: true });
  // Owner-only: it holds the admin token.
  writeFileSync(path, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600 });
  return path;
}

export function removeLocalFile(repoRoot: string): void {
  rmSync(localFilePath(repoRoot), { force: true });
}
