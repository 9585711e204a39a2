// A corrupt model bundle: the backend CLI (as deployed) refuses to start — exit code 1, never ready — with
// a message naming the broken file. Each case breaks a private copy of the tiny bundle.
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runUntilExit } from "../src/backend-process.js";
import { TINY_BUNDLE } from "../src/paths.js";
import { writeSection } from "../src/results.js";

const copies: string[] = [];
const outcomes: Record<string, { exit_code: number | null; ms: number; names_file: boolean }> = {};

afterAll(() => {
  writeSection("faults-bundle", { faults_injected: Object.keys(outcomes).length, by_fault: outcomes });
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

function brokenCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "tinyscale-reliability-bundle-"));
  cpSync(TINY_BUNDLE, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

type Manifest = { graphs: Record<string, { file: string; inputs: { name: string }[] }> };

function editManifest(dir: string, edit: (manifest: Manifest) => void): void {
  const file = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  edit(manifest);
  writeFileSync(file, JSON.stringify(manifest));
}

const CORRUPTIONS: [string, string, (dir: string) => void][] = [
  ["manifest.json truncated", "manifest.json", (dir) => truncateSync(join(dir, "manifest.json"), 100)],
  [
    "propose.onnx overwritten with garbage",
    "propose.onnx",
    (dir) => writeFileSync(join(dir, "propose.onnx"), Buffer.alloc(4096, 0x5a)),
  ],
  [
    "finish.onnx cut in half",
    "finish.onnx",
    (dir) => {
      const file = join(dir, "finish.onnx");
      truncateSync(file, Math.floor(readFileSync(file).byteLength / 2));
    },
  ],
  ["text_encoder.onnx deleted", "text_encoder.onnx", (dir) => rmSync(join(dir, "text_encoder.onnx"))],
  [
    "verifier_tokenizer.json not JSON",
    "verifier_tokenizer.json",
    (dir) => writeFileSync(join(dir, "verifier_tokenizer.json"), "{ nope"),
  ],
  [
    "dit_head input renamed in the manifest",
    "manifest.json",
    (dir) => {
      editManifest(dir, (m) => {
        const input = m.graphs.dit_head?.inputs[0];
        if (input) input.name = "not_the_real_input";
      });
    },
  ],
  [
    "vae_decode graph no longer matches its manifest entry",
    "vae_decode.onnx",
    (dir) => {
      // The manifest stays self-consistent; the graph file is swapped for another graph of the bundle.
      cpSync(join(dir, "dit_tail.onnx"), join(dir, "vae_decode.onnx"));
    },
  ],
];

describe("corrupt bundle → start-up refused, naming the file", () => {
  it.each(CORRUPTIONS)("%s", async (name, file, corrupt) => {
    const dir = brokenCopy();
    corrupt(dir);
    const result = await runUntilExit({ bundle: dir });
    const names = result.output.includes(join(dir, file));
    outcomes[name] = { exit_code: result.code, ms: result.ms, names_file: names };
    expect(result.code, result.output).toBe(1);
    expect(result.output).toMatch(/cannot start/);
    expect(names, `output should name ${join(dir, file)}:\n${result.output}`).toBe(true);
    expect(result.output).not.toMatch(/"msg":"ready"/);
  });
});
