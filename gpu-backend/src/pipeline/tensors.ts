// Small helpers to build and slice host tensors along the batch axis, so stages can hand one candidate
// (the winner) from a batch to the next graph without copying the whole batch.

import type { HostTensor, TensorData } from "../onnx/session.js";

export function int64Tensor(values: readonly number[]): HostTensor {
  return { dtype: "int64", dims: [1, values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) };
}

function rowSize(tensor: HostTensor): number {
  return tensor.dims.slice(1).reduce((a, b) => a * b, 1);
}

/** Rows [start, start+count) of the batch axis. */
export function sliceBatch(tensor: HostTensor, start: number, count: number): HostTensor {
  const size = rowSize(tensor);
  const data = tensor.data.slice(start * size, (start + count) * size) as TensorData;
  return { dtype: tensor.dtype, dims: [count, ...tensor.dims.slice(1)], data };
}

/** Concatenates tensors of the same dtype and row shape along the batch axis. */
export function concatBatch(tensors: readonly HostTensor[]): HostTensor {
  const first = tensors[0];
  if (!first) throw new Error("concatBatch needs at least one tensor");
  const rows = tensors.reduce((sum, t) => sum + (t.dims[0] ?? 0), 0);
  const total = tensors.reduce((sum, t) => sum + t.data.length, 0);
  const Ctor = first.data.constructor as new (n: number) => TensorData;
  const data = new Ctor(total);
  let offset = 0;
  for (const t of tensors) {
    (data as Float32Array).set(t.data as Float32Array, offset);
    offset += t.data.length;
  }
  return { dtype: first.dtype, dims: [rows, ...first.dims.slice(1)], data };
}

/** The same row repeated `count` times (used to build profiling inputs). */
export function repeatBatch(tensor: HostTensor, count: number): HostTensor {
  return concatBatch(Array.from({ length: count }, () => sliceBatch(tensor, 0, 1)));
}

export function scoresOf(tensor: HostTensor): number[] {
  if (!(tensor.data instanceof Float32Array)) throw new Error("scores must be float32");
  return Array.from(tensor.data);
}
