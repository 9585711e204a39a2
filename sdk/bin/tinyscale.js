#!/usr/bin/env node
// The `tinyscale` command. The CLI itself is built by tsup into dist/cli.js (`npm run build -w tinyscale`).
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("tinyscale: the CLI is not built yet; run `npm run build -w tinyscale` first.\n");
  process.exit(1);
}
await import(cli.href);
