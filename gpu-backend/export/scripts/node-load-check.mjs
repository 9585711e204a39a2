// Loads every graph of a bundle in onnxruntime-node at graphOptimizationLevel 'all' and runs each once at batch 2.
// The backend's runtime, not Python's, is the one that must accept the files (e.g. the no-op Cast bug of ORT 1.30).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node node-load-check.mjs <bundle dir>");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
const TYPED = { float32: Float32Array, int64: BigInt64Array, uint8: Uint8Array };
const dims = (shape) =>
  shape.map((d) => (d === "batch" ? 2 : d === "suffix_len" ? 9 : d === "groups" ? 1 : d));

let failed = 0;
for (const [name, graph] of Object.entries(manifest.graphs)) {
  try {
    const session = await ort.InferenceSession.create(join(dir, graph.file), {
      graphOptimizationLevel: "all",
    });
    const feeds = {};
    for (const input of graph.inputs) {
      const shape = dims(input.shape);
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new TYPED[input.dtype](size);
      if (input.dtype === "float32") for (let i = 0; i < size; i++) data[i] = Math.sin(i) * 0.5;
      if (input.dtype === "int64")
        for (let i = 0; i < size; i++)
          data[i] = input.name.endsWith("mask")
            ? 1n
            : input.name === "suffix_length"
              ? 9n
              : BigInt((i * 7 + 3) % 50);
      feeds[input.name] = new ort.Tensor(input.dtype, data, shape);
    }
    const start = performance.now();
    const out = await session.run(feeds);
    const ms = performance.now() - start;
    for (const output of graph.outputs) {
      const t = out[output.name];
      if (!t || t.type !== output.dtype) throw new Error(`output ${output.name}: got ${t?.type}`);
      if (output.dtype === "float32" && !t.data.every(Number.isFinite))
        throw new Error(`output ${output.name}: non-finite values`);
    }
    console.log(`ok ${name} ${ms.toFixed(1)} ms`);
    await session.release();
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);
