// @tinyscale/gpu-backend/internals: the pieces benchmarks and the reliability suite drive on their own —
// bundle loading (the one onnxruntime module), graph sessions, tokenizers, the text-encode stage, traces,
// tensor helpers, image encoding, the logger. Not the server's API (that is the package root).

export { type PixelDifference, pixelDifference } from "./image/pixel-difference.js";
export { createLogger } from "./log/logger.js";
export { type LoadedBundle, loadBundle } from "./onnx/bundle.js";
export type { GraphSession, HostTensor, SessionConfig } from "./onnx/session.js";
export { openGraphSession } from "./onnx/session.js";
export { validateSession } from "./onnx/validate-session.js";
export { encodeImage } from "./pipeline/encode-image.js";
export { PromptRows } from "./pipeline/prompt-rows.js";
export { int64Tensor, repeatBatch, scoresOf } from "./pipeline/tensors.js";
export { TextEncodeStage } from "./pipeline/text-encode.js";
export { tokenizeForTextEncoder, tokenizePrompt, tokenizeVerifierTemplate } from "./pipeline/tokenize.js";
export { JobTrace } from "./pipeline/trace.js";
export { loadTokenizer } from "./tokenizer/load-tokenizer.js";
