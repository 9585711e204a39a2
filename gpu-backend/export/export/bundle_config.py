"""The shape of one bundle configuration: the upstream classes' constructor arguments and the sizes the
export and the backend agree on. The named configurations live in configs.py, proportional.py and pixart_configs.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BundleConfig:
    name: str
    bundle_id: str
    transformer: dict[str, Any]  # diffusers SanaTransformer2DModel (PixArt: PixArtTransformer2DModel) kwargs
    vae: dict[str, Any]  # diffusers AutoencoderDC (PixArt: AutoencoderKL) kwargs
    text_encoder: dict[str, Any]  # transformers Gemma2Config (PixArt: T5Config) kwargs
    verifier: dict[str, Any]  # transformers Qwen2Config kwargs
    clip: dict[str, Any]  # transformers CLIPVisionConfig kwargs
    split_layer: int
    latent_size: int  # latent h = w
    text_max_length: int
    text_output_length: int
    complex_human_instruction: list[str] = field(default_factory=list)
    max_batch: int = 16
    clip_select_layer: int = -2  # LLaVA: penultimate layer, patch tokens only
    # built tokenizers (tiny/proportional): vocabulary sizes the models are sized to
    text_vocab_size: int = 384
    verifier_vocab_size: int = 512
    # token count of the verifier template prefix (prefix_ids is [1, prefix_len]); set from the tokenizer
    prefix_len: int = 54
    # the verifier prompt around the image tokens, rendered at export (verifier_template.py)
    template_prefix: str = ""
    template_suffix: str = ""
    # generator family (export.family): which upstream classes, sampler and text encoder the graphs wrap
    family: str = "sana-sprint"
    # bundle id when exported from released checkpoints (--weights); None keeps bundle_id
    weights_bundle_id: str | None = None
    # family-specific facts (e.g. the PixArt-DMD scheduler config), read by that family's modules
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def hidden_size(self) -> int:
        return self.transformer["num_attention_heads"] * self.transformer["attention_head_dim"]

    @property
    def vae_compression(self) -> int:
        # AutoencoderDC names its stages decoder_block_out_channels, AutoencoderKL block_out_channels
        stages = self.vae.get("decoder_block_out_channels") or self.vae["block_out_channels"]
        return 2 ** (len(stages) - 1)

    @property
    def latent_channels(self) -> int:
        """Channels of the noise/latent (PixArt's out_channels is twice this: learned sigma)."""
        return self.transformer["in_channels"]

    @property
    def patch_size(self) -> int:
        return self.transformer.get("patch_size") or 1

    @property
    def tokens(self) -> int:
        """Image tokens of h_ℓ*: latent pixels ÷ patch_size²."""
        return (self.latent_size // self.patch_size) ** 2

    @property
    def image_size(self) -> int:
        return self.latent_size * self.vae_compression
