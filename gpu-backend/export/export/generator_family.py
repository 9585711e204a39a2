"""What differs between generator families (SANA-Sprint, PixArt-α-DMD): the upstream classes, the one-step
sampler, the text encoder and its tokenizer, the VAE. Each family's module builds one GeneratorFamily;
family.py chooses among them by BundleConfig.family."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from torch import nn

from .bundle_config import BundleConfig
from .upstream import Upstream


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
    load_upstream: Callable[[BundleConfig, Path], Upstream]  # (cfg, --weights DIR)
