// Where the compiled worker entry lives. Worker threads need a .js file: from dist/ it sits beside this
// module; when this module runs from src/ (vitest on sources) the compiled copy in dist/ is used.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function workerEntryPath(): string {
  const here = fileURLToPath(new URL("./worker-entry.js", import.meta.url));
  if (existsSync(here)) return here;
  const compiled = here.replace(/([\\/])src([\\/]worker[\\/])/, "$1dist$2");
  if (existsSync(compiled)) return compiled;
  throw new Error(
    `worker entry not found at ${here} or ${compiled}: build gpu-backend first (npx tsc -b gpu-backend)`,
  );
}
