// Stage 4 (vhs): one fused graph over a batch of candidates: DiT layers 0..ℓ*, hidden-state verifier,
// in-graph argmax. Only the scores and the batch winner's hidden state come back to the host.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import { scoresOf } from "./tensors.js";
import type { EncodedPrompt } from "./text-encode.js";
import type { JobTrace } from "./trace.js";

export interface ProposeResult {
  scores: number[];
  winnerIndex: number;
  winnerHidden: HostTensor;
}

export class ProposeStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "propose");
  }

  async run(noise: HostTensor, prompt: EncodedPrompt, trace: JobTrace): Promise<ProposeResult> {
    const batch = noise.dims[0] ?? 1;
    const outputs = await this.runGraph(trace, batch, {
      noise,
      prompt_embeds: prompt.promptEmbeds,
      prompt_mask: prompt.promptMask,
      prefix_ids: prompt.prefixIds,
      suffix_ids: prompt.suffixIds,
    });
    const index = this.output(outputs, "winner_index").data[0];
    return {
      scores: scoresOf(this.output(outputs, "scores")),
      winnerIndex: Number(index ?? 0),
      winnerHidden: this.output(outputs, "winner_hidden"),
    };
  }
}
