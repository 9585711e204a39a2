"""Training configuration as data: model sizes (the upstream classes' constructor arguments) and each
stage's budget. `full` is the real run (≈2.9 h on 2 CPU cores, minutes on a GPU), `smoke` a few steps
of every stage for CI. `python -m shapes.train --print-config full` shows one as JSON."""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from typing import Any

LATENT_CHANNELS = 8
LATENT_SIZE = 8  # 64 px ÷ 8
SPLIT_LAYER = 4  # ℓ*: the VHS verifier reads the student's hidden states after block 4 of 6 (0-based: one block skipped)
TEXT_LENGTH = 16  # token ids per prompt (no complex human instruction: select keeps all 16)
TEXT_VOCAB = 320
VERIFIER_VOCAB = 512


@dataclass
class Budget:
    """A stage stops at whichever comes first: `steps` optimizer steps or `minutes` of wall clock."""

    steps: int
    minutes: float
    batch: int
    lr: float


@dataclass
class TrainConfig:
    name: str
    seed: int
    threads: int
    # data
    world_images: int  # prompt-conditioned rendered scenes for the autoencoder and the teacher
    pairs: int  # teacher noise → sample pairs the student regresses on
    verifier_samples: int  # student samples (hidden states, latents, images, labels) for the verifiers
    heldout_prompts: int  # held-out prompts × candidates_per_prompt for the report's Bo-N and AUC
    candidates_per_prompt: int
    teacher_steps: int  # Euler steps of the teacher's sampler
    teacher_cfg: float  # classifier-free guidance scale of the teacher's sampler
    cfg_dropout: float  # prompt dropout while training the teacher
    focal_gamma: float  # 0 = weighted cross-entropy; > 0 adds the focal term
    budgets: dict[str, Budget]
    vae: dict[str, Any]
    transformer: dict[str, Any]
    text_encoder: dict[str, Any]
    verifier: dict[str, Any]
    clip: dict[str, Any]
    checkpoint_minutes: float = 3.0
    # the verifier stages train side by side in this many processes of `threads` threads each (lanes.py), and the
    # samples stage makes its batches in as many (samples.py)
    processes: int = 2
    # the verifiers' training samples come in groups of this many seeds of one prompt
    samples_per_prompt: int = 8
    # how the yes/no cross-entropy is weighted: "class" = the paper's (yes and no each half of the total
    # weight); "per_prompt" = balanced within each prompt's group of candidates (verifiers.label_weights)
    label_weighting: str = "class"
    # per_prompt only: weight of a group whose candidates all share one label, relative to a mixed group
    uniform_group_weight: float = 0.3
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @staticmethod
    def from_dict(raw: dict[str, Any]) -> TrainConfig:
        raw = copy.deepcopy(raw)
        raw["budgets"] = {k: Budget(**v) for k, v in raw["budgets"].items()}
        return TrainConfig(**raw)


def _models() -> dict[str, dict[str, Any]]:
    return dict(
        # diffusers AutoencoderDC: 64 → 8 px (three downsamples), 8 latent channels, convolution only
        vae=dict(
            in_channels=3, latent_channels=LATENT_CHANNELS, attention_head_dim=8,
            encoder_block_types=["ResBlock"] * 4, decoder_block_types=["ResBlock"] * 4,
            # no block at 64 px in the encoder (its strided conv alone): the full-resolution convs dominate the cost
            encoder_block_out_channels=[16, 32, 64, 64], decoder_block_out_channels=[16, 32, 64, 64],
            encoder_layers_per_block=[0, 1, 1, 1], decoder_layers_per_block=[1, 1, 1, 1],
            encoder_qkv_multiscales=[[], [], [], []], decoder_qkv_multiscales=[[], [], [], []],
            upsample_block_type="interpolate", downsample_block_type="Conv",
            decoder_norm_types="rms_norm", decoder_act_fns="silu", scaling_factor=1.0,
        ),
        # diffusers SanaTransformer2DModel: SANA-Sprint's layout at width 128, 6 blocks over 8×8 latent tokens
        transformer=dict(
            in_channels=LATENT_CHANNELS, out_channels=LATENT_CHANNELS, num_attention_heads=4, attention_head_dim=32,
            num_layers=6, num_cross_attention_heads=4, cross_attention_head_dim=32, cross_attention_dim=128,
            caption_channels=128, mlp_ratio=2.5, attention_bias=False, sample_size=LATENT_SIZE, patch_size=1,
            norm_elementwise_affine=False, norm_eps=1e-6, interpolation_scale=None, guidance_embeds=True,
            guidance_embeds_scale=0.1, qk_norm="rms_norm_across_heads",
        ),
        # transformers Gemma2Model over the world's prompts
        text_encoder=dict(
            vocab_size=TEXT_VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=32, query_pre_attn_scalar=32, sliding_window=64,
            max_position_embeddings=64, pad_token_id=0, eos_token_id=1, bos_token_id=2,
        ),
        # transformers Qwen2ForCausalLM: the verifiers' language model (one per verifier)
        verifier=dict(
            vocab_size=VERIFIER_VOCAB, hidden_size=128, intermediate_size=384, num_hidden_layers=3,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-6,
            tie_word_embeddings=True, rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        ),
        # transformers CLIPVisionModel for the CLIP baseline: 64 patch tokens of 8×8 px (as many as latent tokens)
        clip=dict(
            hidden_size=128, intermediate_size=256, projection_dim=128, num_hidden_layers=4, num_attention_heads=4,
            image_size=64, patch_size=8, hidden_act="quick_gelu",
        ),
    )


def _full() -> TrainConfig:
    return TrainConfig(
        # one thread: on a shared 2-core machine two threads ran 10× slower per step than one (measured)
        name="full", seed=0, threads=1,
        world_images=16000, pairs=12288, verifier_samples=65536, heldout_prompts=160, candidates_per_prompt=8,
        teacher_steps=6, teacher_cfg=2.5, cfg_dropout=0.1, focal_gamma=0.0,
        budgets=dict(
            autoencoder=Budget(steps=6000, minutes=18, batch=32, lr=1e-3),
            decoder=Budget(steps=3000, minutes=12, batch=32, lr=3e-4),
            teacher=Budget(steps=20000, minutes=35, batch=32, lr=6e-4),
            student=Budget(steps=20000, minutes=16, batch=32, lr=2e-4),
            llm_text=Budget(steps=600, minutes=1, batch=32, lr=1e-3),
            vhs_align=Budget(steps=800, minutes=1.5, batch=32, lr=1e-3),
            vhs_judge=Budget(steps=16000, minutes=42, batch=32, lr=3e-4),
            clip_align=Budget(steps=500, minutes=1, batch=32, lr=1e-3),
            clip_judge=Budget(steps=16000, minutes=42, batch=32, lr=3e-4),
            ae_align=Budget(steps=400, minutes=0.5, batch=32, lr=1e-3),
            ae_judge=Budget(steps=4000, minutes=4, batch=32, lr=3e-4),
        ),
        **_models(),
    )


def _smoke() -> TrainConfig:
    cfg = _full()
    cfg.name = "smoke"
    cfg.threads = 1
    cfg.world_images, cfg.pairs, cfg.verifier_samples = 96, 64, 96
    cfg.heldout_prompts, cfg.candidates_per_prompt, cfg.teacher_steps = 8, 4, 2
    cfg.checkpoint_minutes = 0.0  # checkpoint after every step: the smoke run exercises resuming
    cfg.budgets = {k: Budget(steps=3, minutes=1, batch=8, lr=b.lr) for k, b in cfg.budgets.items()}
    return cfg


CONFIGS = {"full": _full, "smoke": _smoke}


def get_config(name: str) -> TrainConfig:
    if name not in CONFIGS:
        raise ValueError(f"unknown training config {name!r}; choose one of {', '.join(CONFIGS)}")
    return CONFIGS[name]()
