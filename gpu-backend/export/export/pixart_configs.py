"""PixArt-α-DMD bundle configurations: pixart-tiny (toy widths, CPU tests) and pixart-real (PixArt-α-DMD XL-2 512 px:
diffusers PixArtTransformer2DModel, the SD VAE AutoencoderKL f8, transformers' T5-XXL v1.1 encoder)."""

from __future__ import annotations

from .bundle_config import BundleConfig

# The one-step sampler of the released demo (PixArt-sigma app/app_pixart_dmd.py): PixArtAlphaPipeline with
# DDPMScheduler.from_pretrained(<DMD checkpoint>, subfolder="scheduler"), timesteps=[400], num_inference_steps=1,
# guidance_scale=1 (no CFG: the guidance was distilled in), max_sequence_length=120. With one step the pipeline
# keeps the scheduler step's pred_original_sample. These scheduler kwargs are the PixArt-α training schedule
# (linear β 1e-4 → 0.02 over 1000 steps, ε prediction) for bundles built without a checkpoint; an export from a
# checkpoint folder reads scheduler/scheduler_config.json instead.
DMD_TIMESTEP = 400
DMD_GUIDANCE_SCALE = 1.0
DEFAULT_SCHEDULER = dict(
    num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
    prediction_type="epsilon", clip_sample=False,
)

def pixart_tiny(sana_tiny: BundleConfig) -> BundleConfig:
    """Takes the SANA tiny config, whose toy verifier and CLIP tower the PixArt tiny bundle shares."""
    return BundleConfig(
        name="pixart-tiny",
        bundle_id="pixart-tiny",
        family="pixart-dmd",
        # PixArt layout (adaLN-single, cross-attention, patch 2, learned sigma) at width 32, 4 layers
        transformer=dict(
            num_attention_heads=2, attention_head_dim=16, in_channels=4, out_channels=8, num_layers=4,
            norm_num_groups=32, cross_attention_dim=32, attention_bias=True, sample_size=8, patch_size=2,
            activation_fn="gelu-approximate", num_embeds_ada_norm=1000, norm_type="ada_norm_single",
            norm_elementwise_affine=False, norm_eps=1e-6, interpolation_scale=None, use_additional_conditions=None,
            caption_channels=32,
        ),
        # SD VAE layout at toy width: 3 stages (f4) instead of 4 (f8)
        vae=dict(
            in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=4,
            down_block_types=["DownEncoderBlock2D"] * 3, up_block_types=["UpDecoderBlock2D"] * 3,
            block_out_channels=[8, 8, 16], act_fn="silu", sample_size=32, scaling_factor=0.18215,
        ),
        # T5 v1.1 layout (gated-gelu, relative position buckets, no tied embeddings) at width 32
        text_encoder=dict(
            vocab_size=320, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, relative_attention_num_buckets=8,
            relative_attention_max_distance=32, dropout_rate=0.0, layer_norm_epsilon=1e-6, feed_forward_proj="gated-gelu",
            pad_token_id=0, eos_token_id=1, tie_word_embeddings=False, initializer_factor=1.0,
        ),
        verifier=sana_tiny.verifier,
        clip=sana_tiny.clip,
        split_layer=1,
        latent_size=8,
        text_max_length=24,  # PixArt keeps every T5 position: output_length = max_length
        text_output_length=24,
        complex_human_instruction=[],
        text_vocab_size=320,
        extra={"scheduler": dict(DEFAULT_SCHEDULER), "timestep": DMD_TIMESTEP, "guidance_scale": DMD_GUIDANCE_SCALE},
    )


def pixart_real(sana_real: BundleConfig) -> BundleConfig:
    """Takes the SANA-Sprint real config, whose VHS verifier and CLIP tower sizes PixArt shares."""
    return BundleConfig(
        name="pixart-real",
        bundle_id="pixart-real-shape",
        weights_bundle_id="pixart-dmd-vhs",
        family="pixart-dmd",
        # PixArt-Alpha-DMD-XL-2-512x512/transformer: 28 layers, 16 × 72 = 1152 wide, 64×64×4 latents in 2×2
        # patches (1024 tokens), T5 captions of 4096 channels, learned sigma (out_channels 8)
        transformer=dict(
            num_attention_heads=16, attention_head_dim=72, in_channels=4, out_channels=8, num_layers=28,
            norm_num_groups=32, cross_attention_dim=1152, attention_bias=True, sample_size=64, patch_size=2,
            activation_fn="gelu-approximate", num_embeds_ada_norm=1000, norm_type="ada_norm_single",
            norm_elementwise_affine=False, norm_eps=1e-6, interpolation_scale=None, use_additional_conditions=None,
            caption_channels=4096,
        ),
        # the SD VAE PixArt-α ships (sd-vae-ft-ema): f8, 4 latent channels, scaling 0.18215
        vae=dict(
            in_channels=3, out_channels=3, latent_channels=4, layers_per_block=2, norm_num_groups=32,
            down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
            block_out_channels=[128, 256, 512, 512], act_fn="silu", sample_size=512, scaling_factor=0.18215,
        ),
        # google/t5-v1_1-xxl encoder
        text_encoder=dict(
            vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
            relative_attention_num_buckets=32, relative_attention_max_distance=128, dropout_rate=0.0,
            layer_norm_epsilon=1e-6, feed_forward_proj="gated-gelu", pad_token_id=0, eos_token_id=1,
            tie_word_embeddings=False,
        ),
        # Qwen/Qwen2.5-0.5B and openai/clip-vit-large-patch14-336: the verifier SANA-Sprint bundles use
        verifier=sana_real.verifier,
        clip=sana_real.clip,
        split_layer=13,  # ℓ* of the VHS paper for PixArt-α-DMD
        latent_size=64,
        text_max_length=120,  # the demo's T5_token_max_length
        text_output_length=120,
        complex_human_instruction=[],
        max_batch=16,
        prefix_len=64,
        text_vocab_size=32128,
        extra={"scheduler": dict(DEFAULT_SCHEDULER), "timestep": DMD_TIMESTEP, "guidance_scale": DMD_GUIDANCE_SCALE},
    )

