// Stage 4 (vhs): one fused graph over a batch of candidates: DiT layers 0..ℓ*, hidden-state verifier,
// in-graph argmax per group. A batch may hold several requests' candidates (one group each); only the
// scores and each group's winning hidden state come back to the host.

import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import type { PromptRows } from "./prompt-rows.js";
import { scoresOf, sliceBatch } from "./tensors.js";
import type { JobTrace } from "./trace.js";

export interface GroupWinner {
  /** Row of the winner inside its group (0-based from the group's first row). */
  row: number;
  /** Its hidden state at ℓ*, [1, h·w, D]. */
  hidden: HostTensor;
}

export interface ProposeResult {
  /** Scores of every row of the batch, in row order. */
  scores: number[];
  /** One winner per group of `rows`, in group order. */
  winners: GroupWinner[];
}

export class ProposeStage extends GraphStage {
  constructor(session: GraphSession) {
    super(session, "propose");
  }

  async run(noise: HostTensor, rows: PromptRows, trace: JobTrace): Promise<ProposeResult> {
    const outputs = await this.runGraph(trace, rows.total, {
      noise,
      ...rows.textFeeds(),
      ...rows.verifierFeeds(),
      group_mask: rows.groupMask(),
    });
    const indices = this.output(outputs, "winner_index").data as BigInt64Array;
    const hidden = this.output(outputs, "winner_hidden");
    let first = 0;
    const winners = rows.groups.map((group, g) => {
      const winner = { row: Number(indices[g] ?? 0n) - first, hidden: sliceBatch(hidden, g, 1) };
      first += group.rows;
      return winner;
    });
    return { scores: scoresOf(this.output(outputs, "scores")), winners };
  }
}
