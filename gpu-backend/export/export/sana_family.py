"""The SANA-Sprint family: SanaTransformer2DModel with the TrigFlow one-step sampler, the DC-AE decoder and
the Gemma-2 prompt encoder."""

from __future__ import annotations

import shutil
from pathlib import Path

from .decoder import VaeDecode, build_vae
from .generator import GUIDANCE_SCALE, MAX_TIMESTEP, SIGMA_DATA, SanaSplit, build_transformer
from .generator_family import GeneratorFamily
from .text_encoder import TextEncoder, build_text_encoder
from .tokenizer_files import build_text_tokenizer
from .weights import WeightsError, load_upstream


def _copy_text_tokenizer(weights: Path, path: Path) -> None:
    source = weights / "tokenizer" / "tokenizer.json"
    if not source.exists():
        raise WeightsError(f"{source}: missing (the Gemma tokenizer)")
    shutil.copyfile(source, path)


SANA_SPRINT = GeneratorFamily(
    name="sana-sprint",
    build_transformer=lambda cfg: build_transformer(cfg.transformer),
    build_vae=lambda cfg: build_vae(cfg.vae),
    build_text_encoder=lambda cfg: build_text_encoder(cfg.text_encoder),
    split=lambda cfg, tr: SanaSplit(tr, cfg.split_layer),
    decode=VaeDecode,
    text=lambda cfg, model: TextEncoder(model, cfg.text_output_length, cfg.text_max_length),
    generator_manifest=lambda cfg: {
        "architecture": "sana-sprint",
        "trigflow": {
            "max_timestep": MAX_TIMESTEP,
            "sigma_data": SIGMA_DATA,
            "guidance": GUIDANCE_SCALE,
            "guidance_embeds_scale": cfg.transformer["guidance_embeds_scale"],
        },
    },
    text_manifest=lambda cfg: {"architecture": "gemma2", "select": "first_and_last"},
    build_text_tokenizer=lambda cfg, path: build_text_tokenizer(cfg.text_vocab_size, cfg.complex_human_instruction, path),
    copy_text_tokenizer=_copy_text_tokenizer,
    load_upstream=load_upstream,
)
