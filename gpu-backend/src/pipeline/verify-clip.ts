// The CLIP-verifier baseline: decoded pixels → CLIP vision tower → MLLM yes/no score, per candidate.
// Every candidate must be finished and decoded first, which is exactly what vhs avoids.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { PromptRows } from "./prompt-rows.js";
import { scoresOf } from "./tensors.js";
import type { JobTrace } from "./trace.js";

export class ClipVerifyStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "clip_verify");
  }

  async run(images: HostTensor, rows: PromptRows, trace: JobTrace): Promise<number[]> {
    const outputs = await this.runGraph(trace, images.dims[0] ?? 1, {
      image: images,
      ...rows.verifierFeeds(),
    });
    return scoresOf(this.output(outputs, "scores"));
  }
}
