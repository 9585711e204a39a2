// Which model bundle the local stack serves: the trained `shapes` world by default, the random-weight
// `tiny` one while shapes is not exported in this checkout; TINYSCALE_BUNDLE (a folder) overrides both.
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";

/** The bundle `npm start` and `npm run demo` serve when TINYSCALE_BUNDLE is unset. */
export const DEFAULT_BUNDLE = "shapes";
const FALLBACK_BUNDLE = "tiny";

export interface ServedBundle {
  dir: string;
  name: string;
  /** Why the default was not used, for the user to read. */
  note?: string;
}

export function servedBundle(repoRoot: string, env: NodeJS.ProcessEnv = process.env): ServedBundle {
  const override = env.TINYSCALE_BUNDLE;
  if (override) return { dir: resolve(override), name: basename(resolve(override)) };
  const models = join(repoRoot, "gpu-backend", "models");
  const dir = join(models, DEFAULT_BUNDLE);
  if (existsSync(join(dir, "manifest.json"))) return { dir, name: DEFAULT_BUNDLE };
  return {
    dir: join(models, FALLBACK_BUNDLE),
    name: FALLBACK_BUNDLE,
    note: `the ${DEFAULT_BUNDLE} bundle is not in this checkout (${dir}); serving the random-weight ${FALLBACK_BUNDLE} bundle`,
  };
}
