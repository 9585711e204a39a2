// Writes sdk/src/generated/openapi.ts from shared/openapi.json (`npm run generate-types -w tinyscale`).
// The output is never hand-edited; test/generated-types.test.ts fails when it no longer matches.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { GENERATED_PATH, renderTypes } from "./render-types.js";

const text = await renderTypes();
await mkdir(dirname(GENERATED_PATH), { recursive: true });
await writeFile(GENERATED_PATH, text);
console.log(`wrote ${relative(process.cwd(), GENERATED_PATH)} (${text.length} chars)`);
