// Checks a loaded graph against what the manifest declares for it: names, dtypes and shapes, as far as
// onnxruntime exposes them. A mismatch stops start-up with a message naming the .onnx file.

import { BundleError, type GraphSpec, type TensorSpec } from "./manifest.js";
import type { GraphSession, ValueInfo } from "./session.js";

/** Dims the backend varies per request: the graph must leave them dynamic. */
const VARYING_DIMS = new Set(["batch", "suffix_len"]);

function isDynamic(dim: number | string): boolean {
  return typeof dim === "string" || dim < 0;
}

function compareOne(file: string, side: string, spec: TensorSpec, actual: ValueInfo): void {
  if (actual.dtype !== undefined && actual.dtype !== spec.dtype) {
    throw new BundleError(
      `${file}: ${side} "${spec.name}" is ${actual.dtype} in the graph but ${spec.dtype} in manifest.json`,
    );
  }
  const shape = actual.shape;
  if (shape === undefined || shape.length === 0) return; // onnxruntime gave no shape: nothing to compare
  const mismatch = () =>
    new BundleError(
      `${file}: ${side} "${spec.name}" has shape [${shape.join(", ")}] in the graph but [${spec.shape.join(", ")}] in manifest.json`,
    );
  if (shape.length !== spec.shape.length) throw mismatch();
  spec.shape.forEach((declared, i) => {
    const real = shape[i] as number | string;
    if (typeof declared === "number" && !isDynamic(real) && real !== declared) throw mismatch();
    if (typeof declared === "string" && VARYING_DIMS.has(declared) && !isDynamic(real)) throw mismatch();
  });
}

function compareSide(
  file: string,
  side: "input" | "output",
  specs: readonly TensorSpec[],
  actual: readonly ValueInfo[],
) {
  const actualNames = actual.map((v) => v.name);
  const declaredNames = specs.map((s) => s.name);
  const missing = declaredNames.filter((n) => !actualNames.includes(n));
  const extra = actualNames.filter((n) => !declaredNames.includes(n));
  if (missing.length > 0 || (side === "input" && extra.length > 0)) {
    throw new BundleError(
      `${file}: ${side}s are [${actualNames.join(", ")}] in the graph but [${declaredNames.join(", ")}] in manifest.json`,
    );
  }
  for (const spec of specs) {
    const info = actual.find((v) => v.name === spec.name);
    if (info) compareOne(file, side, spec, info);
  }
}

export function validateSession(spec: GraphSpec, session: GraphSession): void {
  compareSide(session.file, "input", spec.inputs, session.inputs);
  compareSide(session.file, "output", spec.outputs, session.outputs);
}
