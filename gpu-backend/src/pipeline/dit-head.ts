// DiT layers 0..ℓ* on a batch of candidates, without scoring: noise → hidden state at ℓ*. Used by the
// modes that do not fuse the verifier into the generator (none, clip, ae).

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { PromptRows } from "./prompt-rows.js";
import type { JobTrace } from "./trace.js";

export class DitHeadStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "dit_head");
  }

  async run(noise: HostTensor, rows: PromptRows, trace: JobTrace): Promise<HostTensor> {
    const outputs = await this.runGraph(trace, noise.dims[0] ?? 1, { noise, ...rows.textFeeds() });
    return this.output(outputs, "hidden");
  }
}
