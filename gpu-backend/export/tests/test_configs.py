"""Configs: `real` instantiated on the meta device has the published parameter counts; `proportional`
keeps the real pipeline's per-stage FLOP proportions (counted, not assumed)."""

from __future__ import annotations

import pytest

from export.configs import get_config
from export.flops import REAL_TFLOP, stage_flops
from export.pipeline import build_upstream


def _params(module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_real_config_parameter_counts_on_meta_device():
    cfg = get_config("real")
    up = build_upstream(cfg, 0, device="meta")
    assert all(p.is_meta for p in up.transformer.parameters())
    assert _params(up.transformer) == pytest.approx(1.6e9, rel=0.02)  # SANA-Sprint 1.6B
    assert _params(up.llm) == pytest.approx(494e6, rel=0.005)  # Qwen2.5-0.5B (tied embeddings)
    assert _params(up.text_encoder) == pytest.approx(2.614e9, rel=0.005)  # Gemma-2-2B decoder
    assert _params(up.vae.decoder) == pytest.approx(157e6, rel=0.03)  # DC-AE f32c32 decoder
    assert _params(up.clip) == pytest.approx(303.5e6, rel=0.005)  # CLIP ViT-L/14@336 vision tower
    assert _params(up.vhs_connector) == 2240 * 896 + 896 + 896 * 896 + 896  # mm_projector 2240→896→896
    assert cfg.split_layer == 7 and cfg.transformer["num_layers"] == 20 and cfg.image_size == 1024
    assert len(cfg.complex_human_instruction) == 8  # SanaSprintPipeline's default CHI


def test_split_layer_override_is_bounded():
    assert get_config("tiny", split_layer=5).split_layer == 5  # ℓ* = L−1
    with pytest.raises(ValueError, match="split-layer"):
        get_config("tiny", split_layer=6)
    with pytest.raises(ValueError, match="unknown config"):
        get_config("huge")


def test_proportional_config_keeps_real_flop_proportions():
    stages, graphs = stage_flops(get_config("proportional"))
    unit = stages["dit_head"] / REAL_TFLOP["dit_head"]
    for stage, real in REAL_TFLOP.items():
        assert stages[stage] / unit == pytest.approx(real, rel=0.10), stage
    assert 0.5e9 < stages["dit_head"] < 2.5e9  # CPU-sized: ≈ 1/1000 of the real pipeline
    assert graphs["propose"]["per_candidate"] == stages["dit_head"] + stages["qwen"]
