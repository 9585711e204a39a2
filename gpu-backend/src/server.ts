#!/usr/bin/env node
// Command-line entry (`npm start -w gpu-backend`): reads options from env and flags (--help lists them),
// starts the backend, and drains on SIGTERM/SIGINT. Start-up problems exit 1 with one clear line.

import { helpText, OptionsError, parseOptions } from "./config/options.js";
import { createLogger } from "./log/logger.js";
import { BundleError } from "./onnx/manifest.js";
import { startBackend } from "./start-backend.js";

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options === "help") {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  const logger = createLogger(options.logLevel);
  const backend = await startBackend({ ...options, logger, waitReady: false });
  backend.ready.catch((error: Error) => {
    process.stderr.write(`tinyscale-backend: cannot start: ${error.message}\n`);
    process.exitCode = 1;
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("signal received, draining", { signal });
    backend.drain().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("drain failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  const known = error instanceof OptionsError || error instanceof BundleError;
  process.stderr.write(
    `tinyscale-backend: cannot start: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});
