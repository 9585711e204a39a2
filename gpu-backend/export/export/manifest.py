"""manifest.json of a bundle (docs/contracts.md §1): generator/text/verifier facts and every graph's I/O."""

from __future__ import annotations

import json
from pathlib import Path

from .configs import VHS_PREFIX, VHS_SUFFIX, BundleConfig
from .examples import graph_signature
from .generator import GUIDANCE_SCALE, MAX_TIMESTEP, SIGMA_DATA
from .verifier import NORM_EPS

FORMAT_VERSION = 1


def build_manifest(cfg: BundleConfig, dtype: str, graphs: list[str], yes_id: int, no_id: int, stats_shape: list[int]) -> dict:
    sig = graph_signature(cfg)
    tr = cfg.transformer

    def io(entries):
        return [{"name": n, "dtype": d, "shape": s} for n, d, s in entries]

    return {
        "format_version": FORMAT_VERSION,
        "bundle_id": cfg.bundle_id,
        "dtype": dtype,
        "generator": {
            "architecture": "sana-sprint",
            "num_layers": tr["num_layers"],
            "split_layer": cfg.split_layer,
            "hidden_size": cfg.hidden_size,
            "latent_channels": tr["out_channels"],
            "latent_height": cfg.latent_size,
            "latent_width": cfg.latent_size,
            "image_height": cfg.image_size,
            "image_width": cfg.image_size,
            "trigflow": {
                "max_timestep": MAX_TIMESTEP,
                "sigma_data": SIGMA_DATA,
                "guidance": GUIDANCE_SCALE,
                "guidance_embeds_scale": tr["guidance_embeds_scale"],
            },
            "vae_scaling_factor": cfg.vae["scaling_factor"],
        },
        "text_encoder": {
            "architecture": "gemma2",
            "tokenizer": "text_tokenizer.json",
            "max_length": cfg.text_max_length,
            "pad_token_id": cfg.text_encoder.get("pad_token_id", 0),
            "complex_human_instruction": cfg.complex_human_instruction,
            "select": "first_and_last",
            "output_length": cfg.text_output_length,
        },
        "verifier": {
            "architecture": "qwen2",
            "tokenizer": "verifier_tokenizer.json",
            "template_prefix": VHS_PREFIX,
            "template_suffix": VHS_SUFFIX,
            "yes_token_id": yes_id,
            "no_token_id": no_id,
            "image_tokens": cfg.latent_size**2,
            "hidden_normalization": {"eps": NORM_EPS, "stats_shape": stats_shape},
        },
        "graphs": {g: {"file": f"{g}.onnx", "inputs": io(sig[g][0]), "outputs": io(sig[g][1])} for g in graphs},
        "max_batch": cfg.max_batch,
        "profile": None,
        # which parts came from trained checkpoints (absent: every weight is seeded random)
        **({"weights": {"trained": cfg.trained}} if cfg.trained else {}),
    }


def write_manifest(manifest: dict, out: Path) -> None:
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
