// Stage 1: the prompt to token ids, for the text encoder (instruction lines + prompt, padded/truncated to
// max_length) and for the verifier template (prefix, and suffix with the prompt substituted as plain text).

import type { Manifest } from "../onnx/manifest.js";
import type { TemplateTokenizer, TextPart } from "../tokenizer/template-tokenizer.js";

export interface PromptTokens {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** Tokens the prompt had before padding/truncation (for logs and tests). */
  textLength: number;
  prefixIds: number[];
  suffixIds: number[];
}

/**
 * Text-encoder ids: `"\n".join(complex_human_instruction) + prompt`, right-padded or truncated. The prompt
 * is lower-cased and stripped first, as SanaSprintPipeline's _text_preprocessing (clean_caption=False) does
 * before Gemma sees it (docs/contracts.md, Changes: export); the verifier keeps the original case.
 */
export function tokenizeForTextEncoder(tokenizer: TemplateTokenizer, manifest: Manifest, original: string) {
  const te = manifest.text_encoder;
  const prompt = original.toLowerCase().trim();
  const parts: TextPart[] = [];
  if (te.complex_human_instruction.length > 0) {
    parts.push({ text: te.complex_human_instruction.join("\n"), trusted: true });
  }
  parts.push({ text: prompt, trusted: false });
  const ids = tokenizer.encode(parts, true);
  const inputIds = new BigInt64Array(te.max_length).fill(BigInt(te.pad_token_id));
  const attentionMask = new BigInt64Array(te.max_length);
  const kept = Math.min(ids.length, te.max_length);
  for (let i = 0; i < kept; i++) {
    inputIds[i] = BigInt(ids[i] ?? te.pad_token_id);
    attentionMask[i] = 1n;
  }
  return { inputIds, attentionMask, textLength: ids.length };
}

/** Verifier ids around the image tokens: the prefix, then the suffix with every `{prompt}` substituted. */
export function tokenizeVerifierTemplate(tokenizer: TemplateTokenizer, manifest: Manifest, prompt: string) {
  const v = manifest.verifier;
  const prefixIds = tokenizer.encode([{ text: v.template_prefix, trusted: true }], false);
  const pieces = v.template_suffix.split("{prompt}");
  const parts: TextPart[] = [];
  pieces.forEach((piece, i) => {
    if (i > 0) parts.push({ text: prompt, trusted: false });
    if (piece.length > 0) parts.push({ text: piece, trusted: true });
  });
  const suffixIds = tokenizer.encode(parts, false);
  return { prefixIds, suffixIds };
}

export function tokenizePrompt(
  textTokenizer: TemplateTokenizer,
  verifierTokenizer: TemplateTokenizer,
  manifest: Manifest,
  prompt: string,
): PromptTokens {
  return {
    ...tokenizeForTextEncoder(textTokenizer, manifest, prompt),
    ...tokenizeVerifierTemplate(verifierTokenizer, manifest, prompt),
  };
}
