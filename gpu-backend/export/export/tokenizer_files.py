"""Small real tokenizers for built bundles (tiny, proportional), trained deterministically with the
`tokenizers` library: a byte-level BPE with Qwen's chat specials for the verifier, a Gemma-like one for text."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

from .verifier_template import default_template

VERIFIER_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
TEXT_SPECIALS = ["<pad>", "<eos>", "<bos>", "<unk>"]  # Gemma's ids: pad 0, eos 1, bos 2, unk 3

_OBJECTS = "cat dog car bus bird apple banana clock chair cup horse train boat pizza tree cake sheep kite vase bench".split()
_COLORS = "red blue green yellow purple orange pink black white brown".split()
_COUNTS = "one two three four".split()
_RELATIONS = "left of,right of,above,below,next to".split(",")


def _prompts() -> list[str]:
    """GenEval-style prompts: enough text for merges that make everyday words single tokens."""
    out = []
    for color, obj in itertools.product(_COLORS, _OBJECTS):
        out.append(f"a photo of a {color} {obj}")
    for count, obj in itertools.product(_COUNTS, _OBJECTS):
        out.append(f"a photo of {count} {obj}s")
    for (a, b), rel in zip(itertools.permutations(_OBJECTS[:8], 2), itertools.cycle(_RELATIONS)):
        out.append(f"a photo of a {a} {rel} a {b}")
    return out


def _corpus(chi: list[str]) -> list[str]:
    prompts = _prompts()
    template = default_template()
    chat = [template.prefix + template.suffix.format(prompt=p) + answer for p, answer in zip(prompts, itertools.cycle(["yes", "no"]))]
    answers = ["yes\n", "no\n"] * 200  # "yes"/"no" after "assistant\n" must each be one token
    return chat + answers + ["\n".join(chi) + p for p in prompts]


@dataclass(frozen=True)
class VerifierTokens:
    yes_token_id: int
    no_token_id: int
    vocab_size: int


def build_verifier_tokenizer(vocab_size: int, path: Path, corpus: list[str] | None = None) -> VerifierTokens:
    """corpus: the texts the merges are learned from (default: GenEval-style prompts in the VHS template)."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=VERIFIER_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus if corpus is not None else _corpus([]), trainer)
    ids = {word: tok.encode(word).ids for word in ("yes", "no")}
    for word, word_ids in ids.items():
        if len(word_ids) != 1:
            raise RuntimeError(f"verifier tokenizer: {word!r} is not a single token ({word_ids})")
    tok.save(str(path))
    return VerifierTokens(ids["yes"][0], ids["no"][0], tok.get_vocab_size())


def build_text_tokenizer(vocab_size: int, chi: list[str], path: Path, corpus: list[str] | None = None) -> int:
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=TEXT_SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus if corpus is not None else _corpus(chi), trainer)
    # Gemma's tokenizer prepends <bos> when add_special_tokens=True (SANA calls it that way)
    tok.post_processor = processors.TemplateProcessing(single="<bos> $A", pair="<bos> $A $B", special_tokens=[("<bos>", 2)])
    tok.save(str(path))
    return tok.get_vocab_size()
