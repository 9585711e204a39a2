"""The committed text_encoder graph, fed the way docs/contracts.md §1 tells the backend to tokenize, equals
SanaSprintPipeline.encode_prompt (its own tokenizer call, CHI, max_length rule and [0]+last selection)."""

from __future__ import annotations

import numpy as np
import torch
from diffusers import SanaSprintPipeline
from tokenizers import Tokenizer
from transformers import PreTrainedTokenizerFast

from export.check import relative_error, session
from export.configs import get_config
from export.pipeline import build_upstream

PROMPTS = ["A Photo of a red CAT ", "two dogs next to a bench, at night"]


def backend_ids(tokenizer: Tokenizer, text: dict, prompt: str) -> tuple[np.ndarray, np.ndarray]:
    """What the backend does (contracts §1 Changes): lower/strip, prepend the CHI, encode with specials, pad right."""
    full = "\n".join(text["complex_human_instruction"]) + prompt.lower().strip()
    ids = tokenizer.encode(full, add_special_tokens=True).ids[: text["max_length"]]
    mask = [1] * len(ids) + [0] * (text["max_length"] - len(ids))
    ids = ids + [text["pad_token_id"]] * (text["max_length"] - len(ids))
    return np.array([ids], dtype=np.int64), np.array([mask], dtype=np.int64)


def test_text_encoder_matches_sana_sprint_encode_prompt(committed_bundle, committed_manifest):
    text = committed_manifest["text_encoder"]
    cfg = get_config("tiny")
    up = build_upstream(cfg, seed=0)
    hf_tok = PreTrainedTokenizerFast(tokenizer_file=str(committed_bundle / text["tokenizer"]), pad_token="<pad>", bos_token="<bos>", eos_token="<eos>", unk_token="<unk>")
    pipe = SanaSprintPipeline(tokenizer=hf_tok, text_encoder=up.text_encoder, vae=None, transformer=None, scheduler=None)
    graph = session(committed_bundle / "text_encoder.onnx")
    raw = Tokenizer.from_file(str(committed_bundle / text["tokenizer"]))
    for prompt in PROMPTS:
        with torch.no_grad():
            want_embeds, want_mask = pipe.encode_prompt(
                prompt, device="cpu", max_sequence_length=text["output_length"], complex_human_instruction=text["complex_human_instruction"]
            )
        ids, mask = backend_ids(raw, text, prompt)
        embeds, out_mask = graph.run(None, {"input_ids": ids, "attention_mask": mask})
        assert embeds.shape == tuple(want_embeds.shape) == (1, text["output_length"], cfg.transformer["caption_channels"])
        np.testing.assert_array_equal(out_mask, want_mask.numpy())
        assert relative_error(embeds, want_embeds.numpy()) <= 1e-4
