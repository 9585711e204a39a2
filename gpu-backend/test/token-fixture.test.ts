// The backend's ids equal Python `tokenizers` on the joined strings (token-fixture.json, written by
// make-token-fixture.py), and chat markers typed in a prompt come out as the plain BPE of their characters.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readManifest } from "../src/onnx/manifest.js";
import { tokenizeForTextEncoder, tokenizeVerifierTemplate } from "../src/pipeline/tokenize.js";
import { loadTokenizer } from "../src/tokenizer/load-tokenizer.js";
import { TemplateTokenizer } from "../src/tokenizer/template-tokenizer.js";
import { TINY_BUNDLE } from "./helpers.js";

interface Fixture {
  bundle: {
    text_tokenizer_sha256: string;
    verifier_tokenizer_sha256: string;
    complex_human_instruction: string[];
    max_length: number;
    pad_token_id: number;
    template_prefix: string;
    template_suffix: string;
  };
  prefix_ids: number[];
  ordinary: {
    prompt: string;
    text_ids: number[];
    input_ids: number[];
    attention_mask: number[];
    suffix_ids: number[];
  }[];
  markers: { prompt: string; text_ids: number[]; suffix_ids: number[] }[];
  variants: {
    eos_post_processor: Record<string, unknown>;
    eos_truncated: { prompt: string; input_ids: number[] }[];
    strip_added_tokens: { id: number; content: string }[];
    strip_template: string;
    strip_suffix: { prompt: string; suffix_ids: number[] }[];
  };
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, "fixtures", "token-fixture.json"), "utf8"),
) as Fixture;
const manifest = readManifest(TINY_BUNDLE);
const text = loadTokenizer(TINY_BUNDLE, manifest.text_encoder.tokenizer);
const verifier = loadTokenizer(TINY_BUNDLE, manifest.verifier.tokenizer);
const sha256 = (file: string) =>
  createHash("sha256")
    .update(readFileSync(join(TINY_BUNDLE, file)))
    .digest("hex");
const addedIds = (file: string) =>
  new Set(
    (
      JSON.parse(readFileSync(join(TINY_BUNDLE, file), "utf8")) as { added_tokens: { id: number }[] }
    ).added_tokens.map((t) => t.id),
  );
const textSpecial = addedIds(manifest.text_encoder.tokenizer);
const verifierSpecial = addedIds(manifest.verifier.tokenizer);
const tokenizerJson = (file: string) =>
  JSON.parse(readFileSync(join(TINY_BUNDLE, file), "utf8")) as Record<string, unknown>;
const label = (prompt: string) => JSON.stringify(prompt.slice(0, 60));

describe("token ids equal Python tokenizers on the joined strings (tiny bundle)", () => {
  it("the fixture was generated from the committed tokenizers and manifest", () => {
    const te = manifest.text_encoder;
    expect(fixture.bundle).toEqual({
      text_tokenizer_sha256: sha256(te.tokenizer),
      verifier_tokenizer_sha256: sha256(manifest.verifier.tokenizer),
      complex_human_instruction: te.complex_human_instruction,
      max_length: te.max_length,
      pad_token_id: te.pad_token_id,
      template_prefix: manifest.verifier.template_prefix,
      template_suffix: manifest.verifier.template_suffix,
    });
    expect(fixture.ordinary.length).toBeGreaterThanOrEqual(12);
  });

  it("text encoder: CHI + lower-cased stripped prompt, with BOS, padded/truncated like HF", () => {
    for (const entry of fixture.ordinary) {
      const got = tokenizeForTextEncoder(text, manifest, entry.prompt);
      expect(got.textLength, label(entry.prompt)).toBe(entry.text_ids.length);
      expect(Array.from(got.inputIds, Number), label(entry.prompt)).toEqual(entry.input_ids);
      expect(Array.from(got.attentionMask, Number), label(entry.prompt)).toEqual(entry.attention_mask);
    }
  });

  it("verifier: template prefix, and template suffix with the prompt substituted", () => {
    for (const entry of fixture.ordinary) {
      const got = tokenizeVerifierTemplate(verifier, manifest, entry.prompt);
      expect(got.prefixIds).toEqual(fixture.prefix_ids);
      expect(got.suffixIds, label(entry.prompt)).toEqual(entry.suffix_ids);
    }
  });

  it('"a photo of a red cat": 31 text ids and 39 suffix ids, as the joined strings give', () => {
    const prompt = "a photo of a red cat";
    expect(tokenizeForTextEncoder(text, manifest, prompt).textLength).toBe(31);
    expect(tokenizeVerifierTemplate(verifier, manifest, prompt).suffixIds).toHaveLength(39);
  });
});

describe("chat markers typed in a prompt stay plain text (tiny bundle)", () => {
  it("equal Python's ids for the same text with every added token treated as plain text", () => {
    for (const entry of fixture.markers) {
      const te = tokenizeForTextEncoder(text, manifest, entry.prompt);
      const kept = Math.min(te.textLength, manifest.text_encoder.max_length);
      expect(te.textLength, label(entry.prompt)).toBe(entry.text_ids.length);
      expect(Array.from(te.inputIds.slice(0, kept), Number)).toEqual(entry.text_ids.slice(0, kept));
      const v = tokenizeVerifierTemplate(verifier, manifest, entry.prompt);
      expect(v.suffixIds, label(entry.prompt)).toEqual(entry.suffix_ids);
    }
  });

  it("produce no special ids beyond the template's own (BOS; the suffix's chat markers)", () => {
    const templateSpecials = fixture.ordinary[0]?.suffix_ids.filter((id) => verifierSpecial.has(id));
    expect(templateSpecials?.length).toBeGreaterThan(0);
    for (const entry of fixture.markers) {
      const te = tokenizeForTextEncoder(text, manifest, entry.prompt);
      const real = Array.from(te.inputIds.slice(0, te.textLength), Number);
      expect(
        real.filter((id) => textSpecial.has(id)),
        label(entry.prompt),
      ).toEqual([2]);
      const { suffixIds } = tokenizeVerifierTemplate(verifier, manifest, entry.prompt);
      expect(suffixIds.filter((id) => verifierSpecial.has(id))).toEqual(templateSpecials);
    }
  });
});

describe("tokenizer settings real bundles may have (pinned against Python too)", () => {
  const { variants } = fixture;

  it("a post-processor that appends <eos>: HF truncation keeps BOS and EOS within max_length", () => {
    const eos = new TemplateTokenizer({
      ...tokenizerJson(manifest.text_encoder.tokenizer),
      post_processor: variants.eos_post_processor,
    });
    for (const entry of variants.eos_truncated) {
      const got = tokenizeForTextEncoder(eos, manifest, entry.prompt);
      expect(Array.from(got.inputIds, Number), label(entry.prompt)).toEqual(entry.input_ids);
    }
  });

  it("lstrip/rstrip chat markers strip the prompt's whitespace next to them, as in the joined string", () => {
    const strip = new TemplateTokenizer({
      ...tokenizerJson(manifest.verifier.tokenizer),
      added_tokens: variants.strip_added_tokens,
    });
    const stripManifest = {
      ...manifest,
      verifier: { ...manifest.verifier, template_suffix: variants.strip_template },
    };
    for (const entry of variants.strip_suffix) {
      const { suffixIds } = tokenizeVerifierTemplate(strip, stripManifest, entry.prompt);
      expect(suffixIds, label(entry.prompt)).toEqual(entry.suffix_ids);
    }
  });
});
