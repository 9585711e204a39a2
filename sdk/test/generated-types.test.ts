// src/generated/openapi.ts must equal what openapi-typescript renders from the committed shared/openapi.json:
// when shared's schemas change, this fails until `npm run generate-types -w tinyscale` is run.
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { GENERATED_PATH, renderTypes } from "../scripts/render-types.js";

it("generated types are up to date with shared/openapi.json", async () => {
  const committed = await readFile(GENERATED_PATH, "utf8");
  const fresh = await renderTypes();
  expect(
    committed === fresh,
    "sdk/src/generated/openapi.ts is stale: run `npm run generate-types -w tinyscale`",
  ).toBe(true);
  expect(committed).toContain('"/v1/generate"');
});
