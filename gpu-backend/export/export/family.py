"""Generator families: what differs between SANA-Sprint and PixArt-α-DMD bundles (upstream classes, the
one-step sampler, the text encoder and its tokenizer, the VAE), chosen by BundleConfig.family. Everything
downstream (graphs, verifiers, manifest I/O, the backend) is shared."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from torch import nn

from .configs import BundleConfig


@dataclass(frozen=True)
class GeneratorFamily:
    name: str
    build_transformer: Callable[[BundleConfig], nn.Module]
    build_vae: Callable[[BundleConfig], nn.Module]
    build_text_encoder: Callable[[BundleConfig], nn.Module]
    split: Callable[[BundleConfig, nn.Module], nn.Module]  # head/tail module over the transformer
    decode: Callable[[nn.Module], nn.Module]  # latent → uint8 image
    text: Callable[[BundleConfig, nn.Module], nn.Module]  # ids → prompt_embeds, prompt_mask
    generator_manifest: Callable[[BundleConfig], dict]
    text_manifest: Callable[[BundleConfig], dict]
    build_text_tokenizer: Callable[[BundleConfig, Path], None]
    copy_text_tokenizer: Callable[[Path, Path], None]  # (--weights DIR, destination)
    load_upstream: Callable  # (cfg, --weights DIR) → pipeline.Upstream


def _sana() -> GeneratorFamily:
    import shutil

    from .decoder import VaeDecode, build_vae
    from .generator import GUIDANCE_SCALE, MAX_TIMESTEP, SIGMA_DATA, SanaSplit, build_transformer
    from .text_encoder import TextEncoder, build_text_encoder
    from .tokenizer_files import build_text_tokenizer
    from .weights import WeightsError, load_upstream

    def copy_text(weights: Path, path: Path) -> None:
        source = weights / "tokenizer" / "tokenizer.json"
        if not source.exists():
            raise WeightsError(f"{source}: missing (the Gemma tokenizer)")
        shutil.copyfile(source, path)

    return GeneratorFamily(
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
        copy_text_tokenizer=copy_text,
        load_upstream=load_upstream,
    )


def _pixart() -> GeneratorFamily:
    from .pixart import PixArtSplit, SdVaeDecode, T5TextEncoder, build_pixart_transformer, build_sd_vae, build_t5_encoder, sampler_for
    from .pixart_weights import load_pixart_upstream
    from .t5_tokenizer import build_t5_tokenizer, copy_t5_tokenizer

    return GeneratorFamily(
        name="pixart-dmd",
        build_transformer=lambda cfg: build_pixart_transformer(cfg.transformer),
        build_vae=lambda cfg: build_sd_vae(cfg.vae),
        build_text_encoder=lambda cfg: build_t5_encoder(cfg.text_encoder),
        split=lambda cfg, tr: PixArtSplit(tr, cfg.split_layer, sampler_for(cfg)),
        decode=SdVaeDecode,
        text=lambda cfg, model: T5TextEncoder(model, cfg.text_max_length),
        generator_manifest=lambda cfg: {
            "architecture": "pixart-alpha",
            "sampler": sampler_for(cfg).manifest(cfg.extra["scheduler"], cfg.extra["guidance_scale"]),
        },
        text_manifest=lambda cfg: {"architecture": "t5", "select": "all"},
        build_text_tokenizer=lambda cfg, path: build_t5_tokenizer(cfg.text_vocab_size, path),
        copy_text_tokenizer=lambda weights, path: copy_t5_tokenizer(weights / "tokenizer", path),
        load_upstream=load_pixart_upstream,
    )


_FAMILIES = {"sana-sprint": _sana, "pixart-dmd": _pixart}
FAMILY_NAMES = tuple(_FAMILIES)


def family_of(cfg: BundleConfig) -> GeneratorFamily:
    if cfg.family not in _FAMILIES:
        raise ValueError(f"unknown generator family {cfg.family!r}; choose one of {', '.join(FAMILY_NAMES)}")
    return _FAMILIES[cfg.family]()
