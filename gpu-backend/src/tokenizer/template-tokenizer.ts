// Tokenizes "template text + user text" the way the model's chat template expects, except that user text
// is always plain: added/special tokens (<|im_start|>, <image>, …) are recognized in template text only.

import { Tokenizer } from "@huggingface/tokenizers";
import { withUnicodeWhitespaceSplits } from "./byte-level-regex.js";

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

/** A template's added token, or a maximal run of text (template and user text joined) between two. */
type Segment = { kind: "text"; text: string } | { kind: "token"; token: AddedTokenJson };

const LEADING_SPACE = /^\p{White_Space}+/u;
const TRAILING_SPACE = /\p{White_Space}+$/u;

export class TemplateTokenizer {
  /**
   * The same tokenizer with no added tokens: everything it sees is plain text. Python `tokenizers` also
   * normalizes and pre-tokenizes each stretch between added tokens on its own, so a run encoded here gives
   * the ids the joined string gives there whenever the user text holds no added-token content.
   */
  private readonly plain: Tokenizer;
  private readonly added: AddedTokenJson[];
  /** Ids the post-processor puts around a sequence (e.g. Gemma's <bos>). */
  private readonly specialPrefix: number[];
  private readonly specialSuffix: number[];

  constructor(json: TokenizerJson, config: Record<string, unknown> = {}) {
    const full = new Tokenizer(json, config);
    // Longest first, so that at one position the longest token wins (HF matches leftmost-longest).
    this.added = [...(json.added_tokens ?? [])].sort((a, b) => b.content.length - a.content.length);
    this.plain = new Tokenizer(withUnicodeWhitespaceSplits({ ...json, added_tokens: [] }), config);
    // Probe the post-processor: which ids does it add around a one-word text?
    const bare = full.encode("a", { add_special_tokens: false }).ids;
    const wrapped = full.encode("a", { add_special_tokens: true }).ids;
    const at = indexOfRun(wrapped, bare);
    this.specialPrefix = at < 0 ? [] : wrapped.slice(0, at);
    this.specialSuffix = at < 0 ? [] : wrapped.slice(at + bare.length);
  }

  /** Splits trusted template text at added tokens: leftmost match first, longest at one position. */
  private splitTemplate(text: string): Segment[] {
    const segments: Segment[] = [];
    let rest = text;
    while (rest.length > 0) {
      let best: { at: number; token: AddedTokenJson } | undefined;
      for (const token of this.added) {
        const at = rest.indexOf(token.content);
        if (at >= 0 && (best === undefined || at < best.at)) best = { at, token };
      }
      if (!best) {
        segments.push({ kind: "text", text: rest });
        break;
      }
      if (best.at > 0) segments.push({ kind: "text", text: rest.slice(0, best.at) });
      segments.push({ kind: "token", token: best.token });
      rest = rest.slice(best.at + best.token.content.length);
    }
    return segments;
  }

  /** Template tokens and maximal text runs: user text joins the template text on either side of it. */
  private segments(parts: readonly TextPart[]): Segment[] {
    const segments: Segment[] = [];
    for (const part of parts) {
      const pieces: Segment[] = part.trusted
        ? this.splitTemplate(part.text)
        : [{ kind: "text", text: part.text }];
      for (const piece of pieces) {
        const last = segments[segments.length - 1];
        if (piece.kind === "text" && last?.kind === "text") last.text += piece.text;
        else segments.push(piece.kind === "text" ? { ...piece } : piece);
      }
    }
    // An added token's lstrip/rstrip eats the whitespace of the run next to it, whoever wrote that run.
    segments.forEach((segment, i) => {
      if (segment.kind !== "token") return;
      const before = segments[i - 1];
      const after = segments[i + 1];
      if (segment.token.lstrip && before?.kind === "text")
        before.text = before.text.replace(TRAILING_SPACE, "");
      if (segment.token.rstrip && after?.kind === "text") after.text = after.text.replace(LEADING_SPACE, "");
    });
    return segments;
  }

  /** Ids of the parts' concatenation, without anything the post-processor adds. */
  private encodeContent(parts: readonly TextPart[]): number[] {
    const ids: number[] = [];
    for (const segment of this.segments(parts)) {
      if (segment.kind === "token") ids.push(segment.token.id);
      else if (segment.text.length > 0)
        ids.push(...this.plain.encode(segment.text, { add_special_tokens: false }).ids);
    }
    return ids;
  }

  private wrap(content: readonly number[], addSpecialTokens: boolean): number[] {
    return addSpecialTokens ? [...this.specialPrefix, ...content, ...this.specialSuffix] : [...content];
  }

  /**
   * Token ids for the concatenation of `parts`. Each run of text between two template tokens is tokenized
   * as one string, so word boundaries match tokenizing the whole joined string at once.
   */
  encode(parts: readonly TextPart[], addSpecialTokens: boolean): number[] {
    return this.wrap(this.encodeContent(parts), addSpecialTokens);
  }

  /**
   * Like `encode`, truncated to `maxLength` as HF's tokenizer does (truncation=True): the content is cut
   * so that it fits with the post-processor's tokens, which are kept. `fullLength` is the untruncated count.
   */
  encodeTruncated(
    parts: readonly TextPart[],
    addSpecialTokens: boolean,
    maxLength: number,
  ): { ids: number[]; fullLength: number } {
    const content = this.encodeContent(parts);
    const fullLength = this.wrap(content, addSpecialTokens).length;
    if (fullLength <= maxLength) return { ids: this.wrap(content, addSpecialTokens), fullLength };
    const added = addSpecialTokens ? this.specialPrefix.length + this.specialSuffix.length : 0;
    const kept = content.slice(0, Math.max(0, maxLength - added));
    return { ids: this.wrap(kept, addSpecialTokens).slice(0, maxLength), fullLength };
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
