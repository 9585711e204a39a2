// What the local stack needs from the other parts before it can start, checked up front so a new user
// sees "not built yet: <what>, run <command>" instead of a stack trace from deep inside an import.
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface Missing {
  what: string;
  fix: string;
}

export function missingPieces(repoRoot: string): Missing[] {
  const missing: Missing[] = [];
  const need = (path: string, what: string, fix: string) => {
    if (!existsSync(join(repoRoot, path))) missing.push({ what: `${what} (${path})`, fix });
  };
  need("node_modules", "the npm dependencies", "npm ci");
  need("gpu-backend/models/tiny/manifest.json", "the committed tiny model bundle", "git pull");
  need("gpu-backend/dist/server.js", "the gpu-backend build", "npm run build");
  need("edge/dist/index.js", "the edge build", "npm run build");
  need("sdk/dist/index.js", "the SDK build", "npm run build -w tinyscale");
  return missing;
}

export class NotBuiltError extends Error {
  override name = "NotBuiltError";
  constructor(readonly missing: Missing[]) {
    super(
      `not built yet: ${missing.map((m) => m.what).join("; ")}\n` +
        `  fix: ${[...new Set(missing.map((m) => m.fix))].join(" && ")}`,
    );
  }
}

export function assertBuilt(repoRoot: string): void {
  const missing = missingPieces(repoRoot);
  if (missing.length > 0) throw new NotBuiltError(missing);
}
