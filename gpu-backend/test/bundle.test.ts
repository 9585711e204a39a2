// A corrupt or mismatched bundle stops start-up with a message naming the file and the mismatch; so do a
// missing auth configuration and an unknown execution provider. Each case breaks a private copy.

import { readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBackend } from "../src/start-backend.js";
import { copyTinyBundle, startTestBackend } from "./helpers.js";

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

type ManifestJson = {
  format_version: number;
  graphs: Record<
    string,
    { file: string; inputs: { name: string; dtype: string; shape: (number | string)[] }[] }
  >;
  [key: string]: unknown;
};

function brokenCopy(edit: (dir: string, manifest: ManifestJson) => void): string {
  const dir = copyTinyBundle();
  copies.push(dir);
  const file = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as ManifestJson;
  edit(dir, manifest);
  writeFileSync(file, JSON.stringify(manifest));
  return dir;
}

async function expectRefused(bundle: string, ...fragments: (string | RegExp)[]) {
  const attempt = startTestBackend({ bundle });
  await expect(attempt).rejects.toThrow();
  const message = await attempt.then(
    () => "",
    (error: Error) => error.message,
  );
  for (const fragment of fragments) expect(message).toMatch(fragment);
}

describe("bundle validation at start-up", () => {
  it("refuses an unknown format_version", async () => {
    const dir = brokenCopy((_, m) => {
      m.format_version = 99;
    });
    await expectRefused(dir, join(dir, "manifest.json"), /format_version 99/);
  });

  it("refuses a manifest that is not JSON", async () => {
    const dir = copyTinyBundle();
    copies.push(dir);
    writeFileSync(join(dir, "manifest.json"), "{ nope");
    await expectRefused(dir, join(dir, "manifest.json"), /not valid JSON/);
  });

  it("refuses a manifest missing a field", async () => {
    const dir = brokenCopy((_, m) => {
      delete m.max_batch;
    });
    await expectRefused(dir, join(dir, "manifest.json"), /max_batch/);
  });

  it("refuses a missing graph file, naming it", async () => {
    const dir = brokenCopy(() => {});
    rmSync(join(dir, "finish.onnx"));
    await expectRefused(dir, join(dir, "finish.onnx"), /missing/);
  });

  it("refuses a manifest whose declared dtype breaks the contract", async () => {
    const dir = brokenCopy((_, m) => {
      const noise = m.graphs.propose?.inputs.find((i) => i.name === "noise");
      if (noise) noise.dtype = "int64";
    });
    await expectRefused(dir, join(dir, "manifest.json"), /propose.*noise.*int64/);
  });

  it("refuses a graph whose real inputs differ from the manifest (wrong file wired in)", async () => {
    const dir = brokenCopy((_, m) => {
      const dit = m.graphs.dit_head;
      if (dit) dit.file = "text_encoder.onnx";
    });
    await expectRefused(dir, join(dir, "text_encoder.onnx"), /in the graph but .* in manifest\.json/);
  });

  it("refuses a shape in the manifest that the graph does not have", async () => {
    const dir = brokenCopy((_, m) => {
      const ids = m.graphs.text_encoder?.inputs.find((i) => i.name === "input_ids");
      const other = m.graphs.text_encoder?.inputs.find((i) => i.name === "attention_mask");
      // Both text inputs say a length the graph was not exported with (and max_length follows, so the
      // contract check passes and the session check must catch it).
      if (ids && other) {
        ids.shape = [1, 7];
        other.shape = [1, 7];
        (m.text_encoder as { max_length: number }).max_length = 7;
      }
    });
    await expectRefused(dir, join(dir, "text_encoder.onnx"), /input_ids.*shape/);
  });

  it("refuses a corrupt graph file, naming it", async () => {
    const dir = brokenCopy(() => {});
    truncateSync(join(dir, "propose.onnx"), 100);
    await expectRefused(dir, join(dir, "propose.onnx"));
  });

  it("refuses a corrupt tokenizer, naming it", async () => {
    const dir = brokenCopy(() => {});
    writeFileSync(join(dir, "verifier_tokenizer.json"), "{");
    await expectRefused(dir, join(dir, "verifier_tokenizer.json"));
  });

  it("refuses to start without auth unless --allow-unauthenticated, then binds 127.0.0.1", async () => {
    await expect(startBackend({ port: 0, bundle: copyTinyBundle() })).rejects.toThrow(
      /TINYSCALE_SIGNING_SECRET.*TINYSCALE_BACKEND_TOKEN.*--allow-unauthenticated/,
    );
    await expect(startTestBackend({ ep: "tpu" as "cpu" })).rejects.toThrow(
      /unknown execution provider "tpu"/,
    );
  });
});
