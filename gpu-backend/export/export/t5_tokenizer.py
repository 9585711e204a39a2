"""T5's tokenizer for PixArt bundles: a small SentencePiece-style Unigram trained deterministically with the
`tokenizers` library for built bundles, in the layout transformers gives google/t5-v1_1-xxl (Metaspace "▁"
prepended always, `</s>` appended, pad 0 / eos 1 / unk 2), or the checkpoint's own converted to tokenizer.json."""

from __future__ import annotations

import shutil
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

from .tokenizer_files import _prompts

T5_SPECIALS = ["<pad>", "</s>", "<unk>"]  # T5's ids 0, 1, 2


def build_t5_tokenizer(vocab_size: int, path: Path) -> int:
    tok = Tokenizer(models.Unigram())
    # transformers' SpmConverter normalizer (a trained SentencePiece model adds its Precompiled NFKC map first)
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKC(), normalizers.Strip(left=False, right=True), normalizers.Replace(Regex(" {2,}"), "▁")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=T5_SPECIALS, unk_token="<unk>", show_progress=False,
        initial_alphabet=list("abcdefghijklmnopqrstuvwxyz0123456789.,'-"),
    )
    tok.train_from_iterator(_prompts() * 2, trainer)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)])
    tok.save(str(path))
    return tok.get_vocab_size()


def copy_t5_tokenizer(folder: Path, path: Path) -> None:
    """The checkpoint's tokenizer.json, or (a T5 folder usually has spiece.model only) transformers' conversion."""
    if (folder / "tokenizer.json").exists():
        shutil.copyfile(folder / "tokenizer.json", path)
        return
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    backend = getattr(tokenizer, "backend_tokenizer", None) or getattr(tokenizer, "_tokenizer", None)
    if backend is None:
        raise ValueError(f"{folder}: the T5 tokenizer could not be converted to tokenizer.json")
    backend.save(str(path))
