"""T5's tokenizer for PixArt bundles: a small SentencePiece-style Unigram trained deterministically with the
`tokenizers` library for built bundles, in the layout transformers gives google/t5-v1_1-xxl (Metaspace "▁"
prepended always, `</s>` appended, pad 0 / eos 1 / unk 2), or the checkpoint's own converted to tokenizer.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import AutoTokenizer

from .tokenizer_files import _prompts
from .weights import WeightsError

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
    tok.model = _canonical(tok)
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)])
    tok.save(str(path))
    return tok.get_vocab_size()


def _canonical(tok: Tokenizer) -> models.Unigram:
    """The trained pieces in a reproducible order. The trainer's run-to-run differences come from hash-map
    order: scores vary in the last bits (near-equal pieces swap), and the required characters it appends
    below every learned piece get their evenly spaced scores in hash order. Round the scores, give those
    characters the same scores in character order, and sort by (score, piece) after the specials (T5's
    ids 0, 1, 2)."""
    vocab = [(p, round(s, 6)) for p, s in json.loads(tok.to_str())["model"]["vocab"] if p not in T5_SPECIALS]
    first = len(vocab) - 1  # the appended tail: trainer order, scores 1e-4 apart (or equal)
    while first > 0 and abs(vocab[first - 1][1] - vocab[first][1]) <= 1.5e-4:
        first -= 1
    rest, tail = vocab[:first], vocab[first:]
    appended = list(zip(sorted(p for p, _ in tail), sorted((s for _, s in tail), reverse=True)))
    pieces = sorted(rest + appended, key=lambda x: (-x[1], x[0]))
    specials = [(piece, 0.0) for piece in T5_SPECIALS]
    return models.Unigram(specials + pieces, unk_id=T5_SPECIALS.index("<unk>"), byte_fallback=False)


def copy_t5_tokenizer(folder: Path, path: Path) -> None:
    """The checkpoint's tokenizer.json, or (a T5 folder usually has spiece.model only) transformers' conversion."""
    if (folder / "tokenizer.json").exists():
        shutil.copyfile(folder / "tokenizer.json", path)
        return
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
    except Exception as err:  # missing files, or sentencepiece/protobuf absent for spiece.model
        raise WeightsError(f"{folder}: no tokenizer.json and the T5 tokenizer could not be converted ({err})") from err
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise WeightsError(f"{folder}: {type(tokenizer).__name__} has no tokenizers backend to write tokenizer.json from")
    backend.save(str(path))
