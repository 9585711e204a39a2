// Tokenizes "template text + user text" the way the model's chat template expects, except that user text
// is always plain: added/special tokens (<|im_start|>, <image>, …) are recognized in template text only.

import { Tokenizer } from "@huggingface/tokenizers";

/** One piece of the text to tokenize: template text may contain special tokens, user text never does. */
export interface TextPart {
  text: string;
  trusted: boolean;
}

interface AddedTokenJson {
  id: number;
  content: string;
  lstrip?: boolean;
  rstrip?: boolean;
}

interface TokenizerJson {
  added_tokens?: AddedTokenJson[];
  [key: string]: unknown;
}

type Segment = { kind: "text"; text: string } | { kind: "token"; id: number };

export class TemplateTokenizer {
  /** Tokenizer with the added tokens removed: everything it sees is plain text. */
  private readonly plain: Tokenizer;
  private readonly added: AddedTokenJson[];
  /** Ids the post-processor puts around a sequence (e.g. Gemma's <bos>). */
  private readonly specialPrefix: number[];
  private readonly specialSuffix: number[];

  constructor(json: TokenizerJson, config: Record<string, unknown> = {}) {
    const full = new Tokenizer(json, config);
    this.added = [...(json.added_tokens ?? [])].sort((a, b) => b.content.length - a.content.length);
    this.plain = new Tokenizer({ ...json, added_tokens: [] }, config);
    // Probe the post-processor: which ids does it add around a one-word text?
    const bare = full.encode("a", { add_special_tokens: false }).ids;
    const wrapped = full.encode("a", { add_special_tokens: true }).ids;
    const at = indexOfRun(wrapped, bare);
    this.specialPrefix = at < 0 ? [] : wrapped.slice(0, at);
    this.specialSuffix = at < 0 ? [] : wrapped.slice(at + bare.length);
  }

  /** Splits trusted template text at added tokens (longest match first), honoring lstrip/rstrip. */
  private segmentTemplate(text: string): Segment[] {
    const segments: Segment[] = [];
    let rest = text;
    let pendingRstrip = false;
    while (rest.length > 0) {
      let best: { at: number; token: AddedTokenJson } | undefined;
      for (const token of this.added) {
        const at = rest.indexOf(token.content);
        if (at >= 0 && (best === undefined || at < best.at)) best = { at, token };
      }
      let before = best ? rest.slice(0, best.at) : rest;
      if (pendingRstrip) before = before.trimStart();
      if (best?.token.lstrip) before = before.trimEnd();
      if (before.length > 0) segments.push({ kind: "text", text: before });
      if (!best) break;
      segments.push({ kind: "token", id: best.token.id });
      pendingRstrip = best.token.rstrip === true;
      rest = rest.slice(best.at + best.token.content.length);
    }
    return segments;
  }

  /**
   * Token ids for the concatenation of `parts`. Adjacent text (template or user) is tokenized as one run,
   * so word boundaries match tokenizing the whole string at once.
   */
  encode(parts: readonly TextPart[], addSpecialTokens: boolean): number[] {
    const segments: Segment[] = [];
    for (const part of parts) {
      const pieces: Segment[] = part.trusted
        ? this.segmentTemplate(part.text)
        : [{ kind: "text", text: part.text }];
      for (const piece of pieces) {
        const last = segments[segments.length - 1];
        if (piece.kind === "text" && last?.kind === "text") last.text += piece.text;
        else segments.push({ ...piece });
      }
    }
    const ids: number[] = addSpecialTokens ? [...this.specialPrefix] : [];
    for (const segment of segments) {
      if (segment.kind === "token") ids.push(segment.id);
      else if (segment.text.length > 0)
        ids.push(...this.plain.encode(segment.text, { add_special_tokens: false }).ids);
    }
    if (addSpecialTokens) ids.push(...this.specialSuffix);
    return ids;
  }

  /** For tests and logs: the token strings of ids. */
  decode(ids: readonly number[]): string {
    return this.plain.decode([...ids], { skip_special_tokens: false });
  }
}

function indexOfRun(haystack: readonly number[], needle: readonly number[]): number {
  if (needle.length === 0) return -1;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((id, j) => haystack[i + j] === id)) return i;
  }
  return -1;
}
