// The per-row prompt inputs of one graph batch. Every row carries its own prompt (embeddings, mask,
// verifier suffix ids and their length), so one batch can hold the candidates of several requests; a
// request alone is one group whose prompt repeats on every row. Suffixes are right-padded to the longest
// in the batch: the verifier reads each row's score at its own last real token, before the padding.

import type { HostTensor } from "../onnx/session.js";
import type { EncodedPrompt } from "./text-encode.js";

/** `rows` consecutive rows of a batch that belong to one request with this prompt. */
export interface RowGroup {
  prompt: EncodedPrompt;
  rows: number;
}

/** Id written after a row's real suffix ids; the verifier never reads past a row's suffix_length. */
const SUFFIX_PAD_ID = 0n;

function repeatRows(tensor: HostTensor, groups: readonly RowGroup[], pick: (p: EncodedPrompt) => HostTensor) {
  const rowSize = tensor.dims.slice(1).reduce((a, b) => a * b, 1);
  const total = groups.reduce((sum, g) => sum + g.rows, 0);
  const Ctor = tensor.data.constructor as new (n: number) => Float32Array | BigInt64Array;
  const data = new Ctor(total * rowSize);
  let offset = 0;
  for (const group of groups) {
    const source = pick(group.prompt).data as Float32Array | BigInt64Array;
    for (let r = 0; r < group.rows; r++, offset += rowSize) {
      (data as Float32Array).set((source as Float32Array).subarray(0, rowSize), offset);
    }
  }
  return { dtype: tensor.dtype, dims: [total, ...tensor.dims.slice(1)], data } as HostTensor;
}

export class PromptRows {
  readonly total: number;

  constructor(readonly groups: readonly RowGroup[]) {
    if (groups.length === 0 || groups.some((g) => g.rows < 1)) {
      throw new Error("a batch needs at least one group of at least one row");
    }
    this.total = groups.reduce((sum, g) => sum + g.rows, 0);
  }

  /** One request's prompt on every row of a batch of `rows`. */
  static single(prompt: EncodedPrompt, rows: number): PromptRows {
    return new PromptRows([{ prompt, rows }]);
  }

  private get first(): EncodedPrompt {
    return (this.groups[0] as RowGroup).prompt;
  }

  /** prompt_embeds [B, L, D] and prompt_mask [B, L] for the DiT graphs. */
  textFeeds(): { prompt_embeds: HostTensor; prompt_mask: HostTensor } {
    return {
      prompt_embeds: repeatRows(this.first.promptEmbeds, this.groups, (p) => p.promptEmbeds),
      prompt_mask: repeatRows(this.first.promptMask, this.groups, (p) => p.promptMask),
    };
  }

  /** prefix_ids [1, P] (the template's constant head), suffix_ids [B, S] right-padded, suffix_length [B]. */
  verifierFeeds(): { prefix_ids: HostTensor; suffix_ids: HostTensor; suffix_length: HostTensor } {
    const width = Math.max(...this.groups.map((g) => g.prompt.suffixIds.data.length));
    const ids = new BigInt64Array(this.total * width).fill(SUFFIX_PAD_ID);
    const lengths = new BigInt64Array(this.total);
    let row = 0;
    for (const group of this.groups) {
      const suffix = group.prompt.suffixIds.data as BigInt64Array;
      for (let r = 0; r < group.rows; r++, row++) {
        ids.set(suffix, row * width);
        lengths[row] = BigInt(suffix.length);
      }
    }
    return {
      prefix_ids: this.first.prefixIds,
      suffix_ids: { dtype: "int64", dims: [this.total, width], data: ids },
      suffix_length: { dtype: "int64", dims: [this.total], data: lengths },
    };
  }

  /** group_mask [G, B]: 1 where row b belongs to group g (propose picks one winner per group). */
  groupMask(): HostTensor {
    const data = new BigInt64Array(this.groups.length * this.total);
    let row = 0;
    this.groups.forEach((group, g) => {
      data.fill(1n, g * this.total + row, g * this.total + row + group.rows);
      row += group.rows;
    });
    return { dtype: "int64", dims: [this.groups.length, this.total], data };
  }
}
