// DiT layers ℓ*+1..L−1 and the TrigFlow output without decoding: hidden state → latent (the VAE's input
// before the scaling factor). Used by the ae mode, which scores latents before decoding only the winner.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { PromptRows } from "./prompt-rows.js";
import type { JobTrace } from "./trace.js";

export class DitTailStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "dit_tail");
  }

  async run(hidden: HostTensor, noise: HostTensor, rows: PromptRows, trace: JobTrace): Promise<HostTensor> {
    const outputs = await this.runGraph(trace, hidden.dims[0] ?? 1, {
      hidden,
      noise,
      ...rows.textFeeds(),
    });
    return this.output(outputs, "latent");
  }
}
