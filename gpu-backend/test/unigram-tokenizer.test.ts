// The pixart-tiny bundle's T5-style SentencePiece Unigram tokenizer (Metaspace "▁", Viterbi segmentation,
// `</s>` appended) gives the ids Python `tokenizers` gives (unigram-fixture.json, make-unigram-fixture.py).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readManifest } from "../src/onnx/manifest.js";
import { tokenizeForTextEncoder } from "../src/pipeline/tokenize.js";
import { loadTokenizer } from "../src/tokenizer/load-tokenizer.js";

interface UnigramFixture {
  text_tokenizer_sha256: string;
  model_type: string;
  max_length: number;
  entries: {
    text: string;
    plain_ids: number[];
    text_ids: number[];
    input_ids: number[];
    attention_mask: number[];
  }[];
}

const PIXART_BUNDLE = resolve(import.meta.dirname, "..", "models", "pixart-tiny");
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "unigram-fixture.json"), "utf8"),
) as UnigramFixture;
const manifest = readManifest(PIXART_BUNDLE);
const tokenizer = loadTokenizer(PIXART_BUNDLE, manifest.text_encoder.tokenizer);
const label = (text: string) => JSON.stringify(text.slice(0, 60));

describe("T5 Unigram tokenizer (pixart-tiny) equals Python tokenizers", () => {
  it("the fixture was generated from the committed tokenizer", () => {
    const file = join(PIXART_BUNDLE, manifest.text_encoder.tokenizer);
    expect(fixture.text_tokenizer_sha256).toBe(createHash("sha256").update(readFileSync(file)).digest("hex"));
    expect(fixture.model_type).toBe("Unigram");
    expect(fixture.max_length).toBe(manifest.text_encoder.max_length);
    expect(fixture.entries.length).toBeGreaterThanOrEqual(12);
  });

  it("segments plain text as the Rust Unigram model does (Viterbi over the Metaspace pieces)", () => {
    for (const entry of fixture.entries) {
      expect(tokenizer.encode([{ text: entry.text, trusted: false }], false), label(entry.text)).toEqual(
        entry.plain_ids,
      );
    }
  });

  it("text encoder ids: lower-cased stripped prompt, </s> appended, truncated and padded to max_length", () => {
    for (const entry of fixture.entries.filter((e) => e.text.trim().length > 0)) {
      const got = tokenizeForTextEncoder(tokenizer, manifest, entry.text);
      expect(got.textLength, label(entry.text)).toBe(entry.text_ids.length);
      expect(Array.from(got.inputIds, Number), label(entry.text)).toEqual(entry.input_ids);
      expect(Array.from(got.attentionMask, Number), label(entry.text)).toEqual(entry.attention_mask);
    }
  });
});
