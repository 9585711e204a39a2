// The backend internals the reference re-creation and the per-graph timer build on: bundle loading (the
// one onnxruntime module), the text-encode stage, traces and tensor helpers. @tinyscale/gpu-backend's
// index does not export these, so they are imported from its build output here, in this one file.

export { type LoadedBundle, loadBundle } from "../../../gpu-backend/dist/onnx/bundle.js";
export type { GraphSession, HostTensor, SessionConfig } from "../../../gpu-backend/dist/onnx/session.js";
export { openGraphSession } from "../../../gpu-backend/dist/onnx/session.js";
export { validateSession } from "../../../gpu-backend/dist/onnx/validate-session.js";
export { encodeImage } from "../../../gpu-backend/dist/pipeline/encode-image.js";
export { PromptRows } from "../../../gpu-backend/dist/pipeline/prompt-rows.js";
export { int64Tensor, repeatBatch, scoresOf } from "../../../gpu-backend/dist/pipeline/tensors.js";
export { TextEncodeStage } from "../../../gpu-backend/dist/pipeline/text-encode.js";
export { tokenizePrompt } from "../../../gpu-backend/dist/pipeline/tokenize.js";
export { JobTrace } from "../../../gpu-backend/dist/pipeline/trace.js";
