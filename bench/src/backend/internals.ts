// The backend internals the reference re-creation and the per-graph timer build on, from the backend's
// `internals` entry: bundle loading (the one onnxruntime module), the text-encode stage, traces and
// tensor helpers.

export {
  encodeImage,
  type GraphSession,
  type HostTensor,
  int64Tensor,
  JobTrace,
  type LoadedBundle,
  loadBundle,
  openGraphSession,
  PromptRows,
  repeatBatch,
  type SessionConfig,
  scoresOf,
  TextEncodeStage,
  tokenizePrompt,
  validateSession,
} from "@tinyscale/gpu-backend/internals";
