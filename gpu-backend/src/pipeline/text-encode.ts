// Stage 2: prompt → text embeddings + the verifier's template ids, once per prompt: results are kept in
// an LRU cache keyed by the prompt text, so repeated prompts skip tokenizing and the text encoder.

import { LruCache } from "@tinyscale/shared";
import type { LoadedBundle } from "../onnx/bundle.js";
import type { GraphSession, HostTensor } from "../onnx/session.js";
import { GraphStage } from "./graph-stage.js";
import { int64Tensor } from "./tensors.js";
import { tokenizePrompt } from "./tokenize.js";
import type { JobTrace } from "./trace.js";

/** Everything a request needs from its prompt; graphs take these tensors as is. */
export interface EncodedPrompt {
  promptEmbeds: HostTensor;
  promptMask: HostTensor;
  prefixIds: HostTensor;
  suffixIds: HostTensor;
  textLength: number;
}

export class TextEncodeStage extends GraphStage {
  private readonly cache: LruCache<string, EncodedPrompt>;

  constructor(
    session: GraphSession,
    private readonly bundle: LoadedBundle,
    cacheSize: number,
  ) {
    super(session, "text_encode");
    this.cache = new LruCache(cacheSize);
  }

  async encode(prompt: string, trace: JobTrace): Promise<{ encoded: EncodedPrompt; cacheHit: boolean }> {
    const cached = this.cache.get(prompt);
    if (cached) return { encoded: cached, cacheHit: true };
    const { manifest, textTokenizer, verifierTokenizer } = this.bundle;
    const tokens = tokenizePrompt(textTokenizer, verifierTokenizer, manifest, prompt);
    const length = manifest.text_encoder.max_length;
    const outputs = await this.runGraph(trace, 1, {
      input_ids: { dtype: "int64", dims: [1, length], data: tokens.inputIds },
      attention_mask: { dtype: "int64", dims: [1, length], data: tokens.attentionMask },
    });
    const encoded: EncodedPrompt = {
      promptEmbeds: this.output(outputs, "prompt_embeds"),
      promptMask: this.output(outputs, "prompt_mask"),
      prefixIds: int64Tensor(tokens.prefixIds),
      suffixIds: int64Tensor(tokens.suffixIds),
      textLength: tokens.textLength,
    };
    this.cache.set(prompt, encoded);
    return { encoded, cacheHit: false };
  }

  clearCache(): void {
    this.cache.clear();
  }

  override dispose(): Promise<void> {
    this.cache.clear();
    return super.dispose();
  }
}
