"""The shape of one bundle configuration: the upstream classes' constructor arguments and the sizes the
export and the backend agree on. The named configurations live in configs.py and proportional.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BundleConfig:
    name: str
    bundle_id: str
    transformer: dict[str, Any]  # diffusers SanaTransformer2DModel kwargs
    vae: dict[str, Any]  # diffusers AutoencoderDC kwargs
    text_encoder: dict[str, Any]  # transformers Gemma2Config kwargs
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

    @property
    def hidden_size(self) -> int:
        return self.transformer["num_attention_heads"] * self.transformer["attention_head_dim"]

    @property
    def vae_compression(self) -> int:
        return 2 ** (len(self.vae["decoder_block_out_channels"]) - 1)

    @property
    def image_size(self) -> int:
        return self.latent_size * self.vae_compression
