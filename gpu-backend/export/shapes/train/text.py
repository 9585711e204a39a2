"""The world's tokenizers (byte-level BPE learned from every prompt and caption of the world) and the
exact id layouts the backend feeds the graphs: text-encoder ids (lower-cased prompt, <bos>, right-padded)
and the verifier's template prefix / suffix around the image tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from export.score_tokens import ScoreTokens, score_tokens
from export.tokenizer_files import build_text_tokenizer, build_verifier_tokenizer
from export.verifier_template import DEFAULT_CHAT_TEMPLATE, default_template

from .. import world

CAPTION_END = "<|im_end|>"
# the verifier prompt the export writes into the bundle for a tokenizer without its own chat template
VHS_PREFIX = default_template().prefix
VHS_SUFFIX = default_template().suffix


def world_prompts() -> list[str]:
    return [p.text for task in world.TASKS for p in world.all_prompts(task)]


def _captions(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [world.describe(world.random_scene(rng)) for _ in range(count)]


def verifier_corpus() -> list[str]:
    prompts = world_prompts()
    chat = [VHS_PREFIX + VHS_SUFFIX.format(prompt=p) + a for p, a in zip(prompts, ["yes", "no"] * len(prompts))]
    return chat + [c + CAPTION_END for c in _captions(400, 1)] + ["yes\n", "no\n"] * 100


@dataclass
class Tokenizers:
    text: Tokenizer
    verifier: Tokenizer
    yes_id: int
    no_id: int
    score: ScoreTokens  # the served score head's answer tokens (its yes set)


def build_tokenizers(out: Path, text_vocab: int, verifier_vocab: int) -> Tokenizers:
    """tokenizer/tokenizer.json (text encoder) and verifier/tokenizer.json, as the export's --weights expects."""
    (out / "tokenizer").mkdir(parents=True, exist_ok=True)
    (out / "verifier").mkdir(parents=True, exist_ok=True)
    build_text_tokenizer(text_vocab, [], out / "tokenizer" / "tokenizer.json", corpus=world_prompts() + [""])
    build_verifier_tokenizer(verifier_vocab, out / "verifier" / "tokenizer.json", corpus=verifier_corpus())
    write_chat_template(out / "verifier")
    return load_tokenizers(out)


def write_chat_template(folder: Path) -> None:
    """tokenizer_config.json with the chat template the verifier was trained under (Qwen2.5's), which the
    export renders into the bundle's template prefix / suffix, as for a released checkpoint."""
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "chat_template": DEFAULT_CHAT_TEMPLATE}
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")


def load_tokenizers(out: Path) -> Tokenizers:
    verifier = Tokenizer.from_file(str(out / "verifier" / "tokenizer.json"))
    yes = verifier.encode("yes", add_special_tokens=False).ids
    no = verifier.encode("no", add_special_tokens=False).ids
    return Tokenizers(Tokenizer.from_file(str(out / "tokenizer" / "tokenizer.json")), verifier, yes[0], no[0], score_tokens(verifier))


def text_ids(tok: Tokenizer, prompts: list[str], length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """As the backend: lower-cased, stripped, <bos> + ids, truncated and right-padded with pad id 0."""
    ids = torch.zeros(len(prompts), length, dtype=torch.int64)
    mask = torch.zeros(len(prompts), length, dtype=torch.int64)
    for row, prompt in enumerate(prompts):
        enc = tok.encode(prompt.strip().lower()).ids[:length]
        ids[row, : len(enc)] = torch.tensor(enc)
        mask[row, : len(enc)] = 1
    return ids, mask


def prefix_ids(tok: Tokenizer) -> list[int]:
    return tok.encode(VHS_PREFIX, add_special_tokens=False).ids


def suffix_ids(tok: Tokenizer, prompt: str) -> list[int]:
    """The template suffix with the prompt substituted (the verifier sees the prompt's original case)."""
    return tok.encode(VHS_SUFFIX.replace("{prompt}", prompt), add_special_tokens=False).ids


def caption_ids(tok: Tokenizer, caption: str) -> list[int]:
    return tok.encode(caption + CAPTION_END, add_special_tokens=False).ids
