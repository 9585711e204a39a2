// Rewrites a tokenizer.json so tokenizers.js splits byte-level text where Python `tokenizers` does:
// its built-in ByteLevel regex uses JS `\s` (U+FEFF in, U+0085 out), unlike the Rust crate's Unicode one.

/** GPT-2's split pattern, which the Rust ByteLevel pre-tokenizer applies (Isolated) before byte mapping. */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A ByteLevel pre-tokenizer with `use_regex` becomes Split(GPT-2 pattern) + ByteLevel without regex, as the
 * Rust implementation is built. tokenizers.js compiles a Split pattern's `\s` to `\p{White_Space}` (the
 * oniguruma meaning), so the split points match Python's. `add_prefix_space: true` is left as it is: a
 * space prefix applies once per section in Rust but would apply to every split piece here.
 */
function rewritePreTokenizer(node: unknown): unknown {
  if (!isObject(node)) return node;
  if (node.type === "Sequence" && Array.isArray(node.pretokenizers)) {
    return { ...node, pretokenizers: node.pretokenizers.map(rewritePreTokenizer) };
  }
  if (node.type === "ByteLevel" && node.use_regex !== false && node.add_prefix_space !== true) {
    return {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: GPT2_PATTERN }, behavior: "Isolated", invert: false },
        { ...node, use_regex: false },
      ],
    };
  }
  return node;
}

export function withUnicodeWhitespaceSplits(json: Json): Json {
  return "pre_tokenizer" in json ? { ...json, pre_tokenizer: rewritePreTokenizer(json.pre_tokenizer) } : json;
}
