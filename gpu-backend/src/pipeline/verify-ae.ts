// The latent (autoencoder-space) verifier: finished latents → MLLM yes/no score, per candidate; the
// winner alone is then decoded.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { PromptRows } from "./prompt-rows.js";
import { scoresOf } from "./tensors.js";
import type { JobTrace } from "./trace.js";

export class AeVerifyStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "ae_verify");
  }

  async run(latent: HostTensor, rows: PromptRows, trace: JobTrace): Promise<number[]> {
    const outputs = await this.runGraph(trace, latent.dims[0] ?? 1, {
      latent,
      ...rows.verifierFeeds(),
    });
    return scoresOf(this.output(outputs, "scores"));
  }
}
