"""The `proportional` config: CPU-sized (≈1/1000 of the real FLOPs) with each stage's cost in the real
pipeline's proportions (real: DiT 0–7 1.18, DiT 0–19 2.96, DC-AE 8.37, CLIP 0.38, Qwen 0.92,
Gemma 2.1 TFLOP); `python -m export.flops --config proportional` prints the counted FLOPs per stage."""

from __future__ import annotations

from .bundle_config import BundleConfig

_BLOCKS = ["ResBlock", "ResBlock", "ResBlock", "EfficientViTBlock", "EfficientViTBlock", "EfficientViTBlock"]


def proportional_config() -> BundleConfig:
    # Scaling rules (each keeps the real architecture's shape): tokens ÷16 (latent 8×8 instead of 32×32, image
    # 256 px, text 42 ids), then widths chosen so each stage's FLOPs are ≈ real/1000.
    return BundleConfig(
        name="proportional",
        bundle_id="proportional",
        # 20 layers split at 7 as SANA-Sprint + VHS; FLOPs ∝ N·D² ⇒ D = 288 at N = 64
        transformer=dict(
            in_channels=32, out_channels=32, num_attention_heads=9, attention_head_dim=32, num_layers=20,
            num_cross_attention_heads=4, cross_attention_head_dim=72, cross_attention_dim=288,
            caption_channels=288, mlp_ratio=2.5, attention_bias=False, sample_size=8, patch_size=1,
            norm_elementwise_affine=False, norm_eps=1e-6, interpolation_scale=None, guidance_embeds=True,
            guidance_embeds_scale=0.1, qk_norm="rms_norm_across_heads",
        ),
        # f32c32 layout, channels ÷8 at ÷16 pixels ⇒ ÷1024 FLOPs
        vae=dict(
            in_channels=3, latent_channels=32, attention_head_dim=32,
            encoder_block_types=_BLOCKS, decoder_block_types=_BLOCKS,
            encoder_block_out_channels=[16, 32, 64, 64, 128, 128],
            decoder_block_out_channels=[16, 32, 64, 64, 128, 128],
            encoder_layers_per_block=[2, 2, 2, 3, 3, 3],
            decoder_layers_per_block=[3, 3, 3, 3, 3, 3],
            encoder_qkv_multiscales=[[], [], [], [5], [5], [5]],
            decoder_qkv_multiscales=[[], [], [], [5], [5], [5]],
            upsample_block_type="interpolate", downsample_block_type="Conv",
            decoder_norm_types="rms_norm", decoder_act_fns="silu", scaling_factor=0.41407,
        ),
        # Gemma-2 layout (GQA 8/4, soft-capping) at width 288, 20 layers over 42 ids
        text_encoder=dict(
            vocab_size=384, hidden_size=288, intermediate_size=1152, num_hidden_layers=20, num_attention_heads=8,
            num_key_value_heads=4, head_dim=32, query_pre_attn_scalar=32, sliding_window=4096,
            max_position_embeddings=512, pad_token_id=0, eos_token_id=1, bos_token_id=2,
        ),
        # Qwen2 over 54 + 64 + ~39 ≈ 157 tokens (real: ≈1130)
        verifier=dict(
            vocab_size=512, hidden_size=192, intermediate_size=1024, num_hidden_layers=4, num_attention_heads=6,
            num_key_value_heads=2, max_position_embeddings=1024, rms_norm_eps=1e-6, tie_word_embeddings=True,
            rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}, initializer_range=0.1,
        ),
        # ViT with 36 patch tokens: the CLIP-mode LLM input keeps the real 576 : 1024 ratio to the latent tokens
        clip=dict(
            hidden_size=224, intermediate_size=896, projection_dim=224, num_hidden_layers=8, num_attention_heads=7,
            image_size=84, patch_size=14, hidden_act="quick_gelu",
        ),
        split_layer=7,
        latent_size=8,
        text_max_length=42,  # SANA: len(tok(CHI)) + output_length − 2 (checked at export)
        text_output_length=20,
        complex_human_instruction=["Given a user prompt, describe the image in detail.", "User Prompt: "],
        max_batch=16,
    )
