// The only module that imports onnxruntime-node: opens a graph on the configured execution provider and
// runs it on plain host tensors, so the rest of the backend never sees onnxruntime types.

import * as ort from "onnxruntime-node";
import type { ExecutionProviderName } from "../config/options.js";

export type TensorDType = "float32" | "int64" | "uint8";

export type TensorData = Float32Array | BigInt64Array | Uint8Array;

export interface HostTensor {
  dtype: TensorDType;
  dims: readonly number[];
  data: TensorData;
}

/** What the loaded graph says about one of its inputs or outputs (dtype/shape when onnxruntime exposes them). */
export interface ValueInfo {
  name: string;
  dtype: string | undefined;
  shape: readonly (number | string)[] | undefined;
}

export interface SessionConfig {
  ep: ExecutionProviderName;
  deviceId: number;
  intraOpThreads: number | undefined;
}

export interface GraphSession {
  readonly file: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  run(feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>>;
  dispose(): Promise<void>;
}

function providerList(config: SessionConfig): ort.InferenceSession.ExecutionProviderConfig[] {
  // onnxruntime-node's CUDA EP takes only deviceId; cpu needs no options.
  if (config.ep === "cuda") return [{ name: "cuda", deviceId: config.deviceId }];
  return ["cpu"];
}

function describe(meta: ort.InferenceSession.ValueMetadata): ValueInfo {
  if (!meta.isTensor) return { name: meta.name, dtype: "non-tensor", shape: undefined };
  return { name: meta.name, dtype: meta.type, shape: [...meta.shape] };
}

function fromOrt(name: string, value: ort.OnnxValue): HostTensor {
  const data = value.data;
  if (value.type === "float32" && data instanceof Float32Array)
    return { dtype: "float32", dims: value.dims, data };
  if (value.type === "int64" && data instanceof BigInt64Array)
    return { dtype: "int64", dims: value.dims, data };
  if ((value.type === "uint8" || value.type === "bool") && data instanceof Uint8Array) {
    return { dtype: "uint8", dims: value.dims, data };
  }
  throw new Error(`output "${name}" has unsupported type ${value.type}`);
}

export async function openGraphSession(file: string, config: SessionConfig): Promise<GraphSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: providerList(config),
    graphOptimizationLevel: "all",
    // onnxruntime warns on stderr about unused initializers etc.; keep stdout/stderr for our JSON logs.
    logSeverityLevel: 3,
    ...(config.intraOpThreads !== undefined ? { intraOpNumThreads: config.intraOpThreads } : {}),
    // Graphs run back to back (propose → finish): spinning pool threads of the last run would steal the
    // cores of the next one (measured by the bench on 2 cores: finish after propose 68.8 ms → 45.8 ms).
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint =
      config.ep === "cuda" ? " (is the CUDA provider installed? set ONNXRUNTIME_NODE_INSTALL=cuda12)" : "";
    throw new Error(`${file}: onnxruntime could not load the graph on ${config.ep}${hint}: ${reason}`);
  }
  return {
    file,
    inputs: session.inputMetadata.map(describe),
    outputs: session.outputMetadata.map(describe),
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(feeds)) {
        ortFeeds[name] = new ort.Tensor(tensor.dtype, tensor.data, tensor.dims);
      }
      const results = await session.run(ortFeeds);
      const out: Record<string, HostTensor> = {};
      for (const [name, value] of Object.entries(results)) out[name] = fromOrt(name, value);
      return out;
    },
    dispose: () => session.release(),
  };
}
