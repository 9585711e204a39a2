// Loads a model bundle inside a worker: manifest checks, one session per graph, each session's I/O checked
// against the manifest, both tokenizers. Any problem is a BundleError naming the file and the mismatch.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Verifier } from "@tinyscale/shared";
import { loadTokenizer } from "../tokenizer/load-tokenizer.js";
import type { TemplateTokenizer } from "../tokenizer/template-tokenizer.js";
import { availableModes, checkManifestGraphs, type GraphName, MODE_GRAPHS } from "./graph-contract.js";
import { BundleError, type Manifest, manifestPath, readManifest } from "./manifest.js";
import { type GraphSession, openGraphSession, type SessionConfig } from "./session.js";
import { validateSession } from "./validate-session.js";

export interface LoadedBundle {
  dir: string;
  manifest: Manifest;
  sessions: Partial<Record<GraphName, GraphSession>>;
  textTokenizer: TemplateTokenizer;
  verifierTokenizer: TemplateTokenizer;
  modes: Verifier[];
}

/** Manifest-only checks (no onnxruntime): cheap enough for the HTTP thread to run before spawning workers. */
export function checkBundleFiles(dir: string): { manifest: Manifest; modes: Verifier[] } {
  const manifest = readManifest(dir);
  const file = manifestPath(dir);
  checkManifestGraphs(file, manifest);
  const needed = [
    ...Object.values(manifest.graphs).map((g) => g.file),
    manifest.text_encoder.tokenizer,
    manifest.verifier.tokenizer,
  ];
  for (const name of needed) {
    if (!existsSync(join(dir, name))) throw new BundleError(`${join(dir, name)}: missing (named in ${file})`);
  }
  return { manifest, modes: availableModes(manifest) };
}

export async function loadBundle(dir: string, config: SessionConfig): Promise<LoadedBundle> {
  const { manifest, modes } = checkBundleFiles(dir);
  const sessions: Partial<Record<GraphName, GraphSession>> = {};
  try {
    // Only graphs some serving mode runs are opened (vhs_verify is for the export tool's reference path).
    const used = new Set<string>(Object.values(MODE_GRAPHS).flat());
    for (const [name, spec] of Object.entries(manifest.graphs)) {
      if (!used.has(name)) continue;
      const session = await openGraphSession(join(dir, spec.file), config);
      sessions[name as GraphName] = session;
      validateSession(spec, session);
    }
  } catch (error) {
    await Promise.all(Object.values(sessions).map((s) => s.dispose()));
    throw error instanceof BundleError ? error : new BundleError((error as Error).message);
  }
  return {
    dir,
    manifest,
    sessions,
    textTokenizer: loadTokenizer(dir, manifest.text_encoder.tokenizer),
    verifierTokenizer: loadTokenizer(dir, manifest.verifier.tokenizer),
    modes,
  };
}
