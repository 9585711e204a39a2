"""The PixArt-α-DMD family: PixArtTransformer2DModel with the DDPM one-step sampler, the SD VAE
(AutoencoderKL) and the T5 prompt encoder."""

from __future__ import annotations

from .generator_family import GeneratorFamily
from .pixart import PixArtSplit, SdVaeDecode, T5TextEncoder, build_pixart_transformer, build_sd_vae, build_t5_encoder, sampler_for
from .pixart_weights import load_pixart_upstream
from .t5_tokenizer import build_t5_tokenizer, copy_t5_tokenizer

PIXART_DMD = GeneratorFamily(
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
