// Stage 5: DiT layers ℓ*+1..L−1, final layer, TrigFlow output and DC-AE decode in one graph: hidden
// state at ℓ* → uint8 pixels. In vhs mode it runs on the winner only; in clip/none on every candidate.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { PromptRows } from "./prompt-rows.js";
import type { JobTrace } from "./trace.js";

export class FinishStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "finish");
  }

  /** Returns images uint8 [batch, H, W, 3]. */
  async run(hidden: HostTensor, noise: HostTensor, rows: PromptRows, trace: JobTrace): Promise<HostTensor> {
    const outputs = await this.runGraph(trace, hidden.dims[0] ?? 1, {
      hidden,
      noise,
      ...rows.textFeeds(),
    });
    return this.output(outputs, "image");
  }
}
