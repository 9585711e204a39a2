// Writes shared/openapi.json from the route definitions: `npm run openapi -w shared`.
// The committed file is checked against a fresh render by test/openapi.test.ts.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderOpenApiDocument } from "../src/openapi.js";

const target = fileURLToPath(new URL("../openapi.json", import.meta.url));
writeFileSync(target, renderOpenApiDocument());
console.log(`wrote ${target}`);
