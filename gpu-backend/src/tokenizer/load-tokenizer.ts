// Reads a bundle's tokenizer.json (and an optional sibling *_config.json) into a TemplateTokenizer,
// with errors naming the file.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BundleError } from "../onnx/manifest.js";
import { TemplateTokenizer } from "./template-tokenizer.js";

export function loadTokenizer(bundleDir: string, fileName: string): TemplateTokenizer {
  const file = join(bundleDir, fileName);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new BundleError(`${file}: cannot read tokenizer (${(error as Error).message})`);
  }
  // tokenizer_config.json is optional: tokenizers.js only reads a few flags from it.
  const configFile = file.replace(/\.json$/, "_config.json");
  const config = existsSync(configFile)
    ? (JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown>)
    : {};
  try {
    return new TemplateTokenizer(json, config);
  } catch (error) {
    throw new BundleError(`${file}: tokenizer could not be built (${(error as Error).message})`);
  }
}
