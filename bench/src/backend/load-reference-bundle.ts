// Loads the bundle for the reference re-creation and the per-graph timer: the backend's loadBundle opens
// only the graphs a serving mode runs, so `vhs_verify` (reference-only) is opened and checked here too.

import { join } from "node:path";
import {
  type LoadedBundle,
  loadBundle,
  openGraphSession,
  type SessionConfig,
  validateSession,
} from "./internals.js";

export async function loadReferenceBundle(dir: string, config: SessionConfig): Promise<LoadedBundle> {
  const bundle = await loadBundle(dir, config);
  const spec = bundle.manifest.graphs.vhs_verify;
  if (spec && !bundle.sessions.vhs_verify) {
    const session = await openGraphSession(join(dir, spec.file), config);
    validateSession(spec, session);
    bundle.sessions.vhs_verify = session;
  }
  return bundle;
}
