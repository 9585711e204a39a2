// Public surface of @tinyscale/gpu-backend for other workspaces (edge integration tests, demo, benchmarks):
// start a real backend in-process, or build its pieces.

export { type AppDeps, createApp } from "./app.js";
export {
  type BackendOptions,
  DEFAULT_OPTIONS,
  helpText,
  OptionsError,
  parseOptions,
} from "./config/options.js";
export { BundleError, type Manifest, readManifest } from "./onnx/manifest.js";
export type { CandidateScore, GenerationResult, OutputFormat, Verifier } from "./pipeline/types.js";
export {
  type RunningBackend,
  resolveBundleDir,
  type StartBackendOptions,
  startBackend,
} from "./start-backend.js";
