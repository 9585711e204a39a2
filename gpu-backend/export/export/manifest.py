"""manifest.json of a bundle (docs/contracts.md §1): generator/text/verifier facts and every graph's I/O."""

from __future__ import annotations

import json
from pathlib import Path

from .configs import BundleConfig
from .examples import graph_signature
from .family import family_of
from .score_tokens import ScoreTokens
from .verifier import NORM_EPS

# 2: prompt_embeds/prompt_mask/suffix_ids per row, suffix_length, propose group_mask (batches across requests)
FORMAT_VERSION = 2


def build_manifest(
    cfg: BundleConfig,
    dtype: str,
    graphs: list[str],
    tokens: ScoreTokens,
    stats_shape: list[int],
    trained: dict[str, bool],
    test_bundle: bool,
    precision: dict[str, str],
) -> dict:
    """`dtype` is the requested compute dtype; `precision[graph]` what each graph computes in (a graph whose
    activations leave fp16's range stays fp32). `trained` says which parts carry checkpoint weights; a
    test bundle (random weights) is served in every mode, any other only in modes whose parts are trained."""
    sig = graph_signature(cfg)
    tr = cfg.transformer
    family = family_of(cfg)

    def io(entries):
        return [{"name": n, "dtype": d, "shape": s} for n, d, s in entries]

    return {
        "format_version": FORMAT_VERSION,
        "bundle_id": cfg.bundle_id,
        "dtype": dtype,
        "test_bundle": test_bundle,
        "trained": {key: bool(value) for key, value in trained.items()},
        "generator": {
            # family-specific facts first (architecture, sampler constants), then the shared shape facts
            "family": cfg.family,
            **family.generator_manifest(cfg),
            "num_layers": tr["num_layers"],
            "split_layer": cfg.split_layer,
            "hidden_size": cfg.hidden_size,
            "latent_channels": cfg.latent_channels,
            "patch_size": cfg.patch_size,
            "latent_height": cfg.latent_size,
            "latent_width": cfg.latent_size,
            "image_height": cfg.image_size,
            "image_width": cfg.image_size,
            "vae_scaling_factor": cfg.vae["scaling_factor"],
        },
        "text_encoder": {
            **family.text_manifest(cfg),
            "tokenizer": "text_tokenizer.json",
            "max_length": cfg.text_max_length,
            "pad_token_id": cfg.text_encoder.get("pad_token_id", 0),
            "complex_human_instruction": cfg.complex_human_instruction,
            "output_length": cfg.text_output_length,
        },
        "verifier": {
            "architecture": "qwen2",
            "tokenizer": "verifier_tokenizer.json",
            "template_prefix": cfg.template_prefix,
            "template_suffix": cfg.template_suffix,
            "yes_token_id": tokens.yes_id,
            "no_token_id": tokens.no_id,
            "yes_token_ids": list(tokens.yes_ids),
            "image_tokens": cfg.tokens,
            "hidden_normalization": {"eps": NORM_EPS, "stats_shape": stats_shape},
        },
        "graphs": {
            g: {"file": f"{g}.onnx", "precision": precision[g], "inputs": io(sig[g][0]), "outputs": io(sig[g][1])} for g in graphs
        },
        "max_batch": cfg.max_batch,
        "profile": None,
    }


def write_manifest(manifest: dict, out: Path) -> None:
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
