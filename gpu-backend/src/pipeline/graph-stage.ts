// Base of every pipeline stage that wraps one ONNX graph: runs it under the job's trace and releases the
// session on dispose(). Stages subclass it with a typed run method.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import type { JobTrace } from "./trace.js";

export abstract class GraphStage {
  constructor(
    protected readonly session: GraphSession,
    readonly stageName: string,
  ) {}

  protected async runGraph(
    trace: JobTrace,
    batch: number,
    feeds: Record<string, HostTensor>,
  ): Promise<Record<string, HostTensor>> {
    return trace.time(this.stageName, batch, () => this.session.run(feeds));
  }

  protected output(outputs: Record<string, HostTensor>, name: string): HostTensor {
    const tensor = outputs[name];
    if (!tensor) throw new Error(`${this.session.file}: run returned no "${name}" output`);
    return tensor;
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
