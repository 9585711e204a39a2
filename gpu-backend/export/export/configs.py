"""Named bundle configurations: the upstream classes' constructor arguments for each bundle size.
tiny = toy widths for CPU tests, proportional = CPU-sized with the real pipeline's FLOP ratios, real = SANA-Sprint 1.6B;
pixart-tiny and pixart-real are the PixArt-α-DMD bundles (pixart_configs.py)."""

from __future__ import annotations

import copy

from .bundle_config import BundleConfig
from .pixart_configs import pixart_real, pixart_tiny
from .proportional import proportional_config
from .shapes_config import shapes_config


def _tiny() -> BundleConfig:
    return BundleConfig(
        name="tiny",
        bundle_id="tiny",
        transformer=dict(
            in_channels=32, out_channels=32, num_attention_heads=4, attention_head_dim=16, num_layers=6,
            num_cross_attention_heads=2, cross_attention_head_dim=32, cross_attention_dim=64,
            caption_channels=32, mlp_ratio=2.5, attention_bias=False, sample_size=4, patch_size=1,
            norm_elementwise_affine=False, norm_eps=1e-6, interpolation_scale=None, guidance_embeds=True,
            guidance_embeds_scale=0.1, qk_norm="rms_norm_across_heads",
        ),
        vae=dict(
            in_channels=3, latent_channels=32, attention_head_dim=8,
            encoder_block_types=["ResBlock", "ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock", "EfficientViTBlock"],
            decoder_block_types=["ResBlock", "ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock", "EfficientViTBlock"],
            encoder_block_out_channels=[8, 8, 16, 16, 32, 32],
            decoder_block_out_channels=[8, 8, 16, 16, 32, 32],
            encoder_layers_per_block=[1, 1, 1, 1, 1, 1],
            decoder_layers_per_block=[1, 1, 1, 1, 1, 1],
            encoder_qkv_multiscales=[[], [], [], [5], [5], [5]],
            decoder_qkv_multiscales=[[], [], [], [5], [5], [5]],
            upsample_block_type="interpolate", downsample_block_type="Conv",
            decoder_norm_types="rms_norm", decoder_act_fns="silu", scaling_factor=0.41407,
        ),
        text_encoder=dict(
            vocab_size=384, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
            num_key_value_heads=1, head_dim=16, query_pre_attn_scalar=16, sliding_window=64,
            max_position_embeddings=256, pad_token_id=0, eos_token_id=1, bos_token_id=2, initializer_range=0.2,
        ),
        verifier=dict(
            vocab_size=512, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=512, rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
            initializer_range=0.1,  # wider than the 0.02 default, so tiny scores differ visibly between candidates
        ),
        clip=dict(
            hidden_size=32, intermediate_size=64, projection_dim=32, num_hidden_layers=3, num_attention_heads=2,
            image_size=32, patch_size=8, hidden_act="quick_gelu",
        ),
        split_layer=2,
        latent_size=4,
        text_max_length=38,  # SANA: len(tok(CHI)) + output_length − 2 (checked at export)
        text_output_length=16,
        complex_human_instruction=["Given a user prompt, describe the image in detail.", "User Prompt: "],
    )


def _sana_sprint_chi() -> list[str]:
    """The complex human instruction SanaSprintPipeline prepends by default (read from its signature)."""
    import inspect

    from diffusers import SanaSprintPipeline

    return list(inspect.signature(SanaSprintPipeline.__call__).parameters["complex_human_instruction"].default)


def _real() -> BundleConfig:
    return BundleConfig(
        name="real",
        bundle_id="real-shape",
        weights_bundle_id="sana-sprint-vhs",
        # SanaSprint_1600M_P1_D20 (diffusers scripts/convert_sana_to_diffusers.py)
        transformer=dict(
            in_channels=32, out_channels=32, num_attention_heads=70, attention_head_dim=32, num_layers=20,
            num_cross_attention_heads=20, cross_attention_head_dim=112, cross_attention_dim=2240,
            caption_channels=2304, mlp_ratio=2.5, attention_bias=False, sample_size=32, patch_size=1,
            norm_elementwise_affine=False, norm_eps=1e-6, interpolation_scale=None, guidance_embeds=True,
            guidance_embeds_scale=0.1, qk_norm="rms_norm_across_heads",
        ),
        # dc-ae-f32c32-sana-1.1 (diffusers scripts/convert_dcae_to_diffusers.py)
        vae=dict(
            in_channels=3, latent_channels=32, attention_head_dim=32,
            encoder_block_types=["ResBlock", "ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock", "EfficientViTBlock"],
            decoder_block_types=["ResBlock", "ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock", "EfficientViTBlock"],
            encoder_block_out_channels=[128, 256, 512, 512, 1024, 1024],
            decoder_block_out_channels=[128, 256, 512, 512, 1024, 1024],
            encoder_layers_per_block=[2, 2, 2, 3, 3, 3],
            decoder_layers_per_block=[3, 3, 3, 3, 3, 3],
            encoder_qkv_multiscales=[[], [], [], [5], [5], [5]],
            decoder_qkv_multiscales=[[], [], [], [5], [5], [5]],
            upsample_block_type="interpolate", downsample_block_type="Conv",
            decoder_norm_types="rms_norm", decoder_act_fns="silu", scaling_factor=0.41407,
        ),
        # google/gemma-2-2b-it
        text_encoder=dict(
            vocab_size=256000, hidden_size=2304, intermediate_size=9216, num_hidden_layers=26,
            num_attention_heads=8, num_key_value_heads=4, head_dim=256, query_pre_attn_scalar=256,
            sliding_window=4096, max_position_embeddings=8192, pad_token_id=0, eos_token_id=1, bos_token_id=2,
        ),
        # Qwen/Qwen2.5-0.5B
        verifier=dict(
            vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
            num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768, rms_norm_eps=1e-6,
            tie_word_embeddings=True, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
        ),
        # openai/clip-vit-large-patch14-336
        clip=dict(
            hidden_size=1024, intermediate_size=4096, projection_dim=768, num_hidden_layers=24,
            num_attention_heads=16, image_size=336, patch_size=14, hidden_act="quick_gelu",
        ),
        split_layer=7,
        latent_size=32,
        # SANA: len(tok(CHI)) + 300 - 2 ≈ 500 ids, embeddings cut to [0] + last 299
        text_max_length=500,
        text_output_length=300,
        complex_human_instruction=_sana_sprint_chi(),
        max_batch=16,
        prefix_len=64,  # Qwen2.5 tokenizer estimate until a real tokenizer is copied in
    )


def _pixart_tiny() -> BundleConfig:
    return pixart_tiny(_tiny())  # the same toy verifier and CLIP tower as the SANA tiny bundle


def _pixart_real() -> BundleConfig:
    return pixart_real(_real())  # the same Qwen2.5-0.5B verifier and CLIP ViT-L/14@336 as SANA-Sprint


_BUILDERS = {
    "tiny": _tiny,
    "real": _real,
    "proportional": proportional_config,
    "pixart-tiny": _pixart_tiny,
    "pixart-real": _pixart_real,
    "shapes": shapes_config,
}
CONFIG_NAMES = tuple(_BUILDERS)


def get_config(name: str, split_layer: int | None = None) -> BundleConfig:
    if name not in _BUILDERS:
        raise ValueError(f"unknown config {name!r}; choose one of {', '.join(CONFIG_NAMES)}")
    cfg = copy.deepcopy(_BUILDERS[name]())
    if split_layer is not None:
        layers = cfg.transformer["num_layers"]
        if not 0 <= split_layer < layers:  # ℓ* = L−1: the tail runs no block, only norm_out/proj_out/TrigFlow
            raise ValueError(f"--split-layer must be in 0..{layers - 1} for {name} ({layers} layers)")
        cfg.split_layer = split_layer
    return cfg
