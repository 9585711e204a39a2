// Stage 1: the prompt to token ids, for the text encoder (instruction lines + prompt, padded/truncated to
// max_length) and for the verifier template (prefix, and suffix with the prompt substituted as plain text).

import type { Manifest } from "../onnx/manifest.js";
import { pythonLower, pythonStrip } from "../tokenizer/python-text.js";
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
 * Text-encoder ids: `"\n".join(complex_human_instruction) + prompt` as one string, truncated and
 * right-padded to max_length like HF's tokenizer(padding="max_length", truncation=True). The prompt is
 * lower-cased and stripped first (Python's str.lower/str.strip), as SanaSprintPipeline's _text_preprocessing
 * (clean_caption=False) does before Gemma sees it (docs/contracts.md, Changes: export); the verifier keeps
 * the original case.
 */
export function tokenizeForTextEncoder(tokenizer: TemplateTokenizer, manifest: Manifest, original: string) {
  const te = manifest.text_encoder;
  const prompt = pythonStrip(pythonLower(original));
  const parts: TextPart[] = [];
  if (te.complex_human_instruction.length > 0) {
    parts.push({ text: te.complex_human_instruction.join("\n"), trusted: true });
  }
  parts.push({ text: prompt, trusted: false });
  const { ids, fullLength } = tokenizer.encodeTruncated(parts, true, te.max_length);
  const inputIds = new BigInt64Array(te.max_length).fill(BigInt(te.pad_token_id));
  const attentionMask = new BigInt64Array(te.max_length);
  ids.forEach((id, i) => {
    inputIds[i] = BigInt(id);
    attentionMask[i] = 1n;
  });
  return { inputIds, attentionMask, textLength: fullLength };
}

/**
 * Verifier ids around the image tokens: the prefix, then the suffix with every `{prompt}` substituted (as
 * Python's str.replace, so a `{prompt}` typed in the prompt stays text). The prompt is tokenized together
 * with the template text around it; only the template's own chat markers become special tokens.
 */
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
