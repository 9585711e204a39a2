// DC-AE decode of latents to uint8 pixels [batch, H, W, 3]; the ae mode decodes its winner only.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { JobTrace } from "./trace.js";

export class VaeDecodeStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "vae_decode");
  }

  async run(latent: HostTensor, trace: JobTrace): Promise<HostTensor> {
    const outputs = await this.runGraph(trace, latent.dims[0] ?? 1, { latent });
    return this.output(outputs, "image");
  }
}
