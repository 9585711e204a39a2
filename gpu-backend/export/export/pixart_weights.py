"""Strict loading of a PixArt-α-DMD checkpoint folder (--weights DIR with --config pixart-real): diffusers folders
for the transformer, the scheduler and the SD VAE, transformers' T5 encoder, and the VHS verifier as for SANA."""

from __future__ import annotations

import inspect
from pathlib import Path

import torch
from diffusers import AutoencoderKL, DDPMScheduler, PixArtTransformer2DModel
from transformers import T5Config, T5EncoderModel

from .bundle_config import BundleConfig
from .upstream import Upstream
from .weights import WeightsError, _stats, load_strict, load_vhs_verifier, read_state_dict, with_baselines

LAYOUT = """expected layout of --weights DIR for pixart-real:
  transformer/   diffusers PixArtTransformer2DModel (PixArt-Alpha-DMD-XL-2-512x512/transformer: config.json + weights)
  scheduler/     scheduler_config.json of the DMD checkpoint (DDPMScheduler: the one-step sampler's constants)
  vae/           diffusers AutoencoderKL (the SD VAE of PixArt-XL-2-512x512/vae)
  text_encoder/  transformers T5EncoderModel (PixArt-XL-2-512x512/text_encoder, t5-v1_1-xxl)
  tokenizer/     T5 tokenizer: tokenizer.json, or spiece.model + tokenizer_config.json (converted at export)
  verifier/      VHS LLaVA-Qwen2 checkpoint trained on PixArt hidden states (mm_projector 1152 → LLM width),
                 tokenizer.json, block_<split>_mean*.pt and block_<split>_variance*.pt
  clip/, clip_verifier/  optional, as for SANA-Sprint"""


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    """*.safetensors, else the *.bin the DMD transformer was released as (loaded with weights_only)."""
    if list(folder.glob("*.safetensors")):
        return read_state_dict(folder)
    bins = sorted(folder.glob("*.bin"))
    if not bins:
        raise WeightsError(f"{folder}: no *.safetensors or *.bin weights\n{LAYOUT}")
    state: dict[str, torch.Tensor] = {}
    for file in bins:
        state.update(torch.load(file, map_location="cpu", weights_only=True))
    return state


def _diffusers(cls, folder: Path):
    model = cls.from_config(cls.load_config(str(folder)))
    load_strict(model, _weights(folder), folder)
    return model.eval()


def _scheduler(root: Path) -> dict:
    folder = root / "scheduler"
    if not (folder / "scheduler_config.json").exists():
        raise WeightsError(f"{folder}/scheduler_config.json: missing (the DMD sampler's DDPMScheduler config)\n{LAYOUT}")
    config = DDPMScheduler.load_config(str(folder))
    if config.get("_class_name", "DDPMScheduler") != "DDPMScheduler":
        raise WeightsError(f"{folder}: {config['_class_name']} is not the DDPMScheduler the DMD pipeline uses")
    known = set(inspect.signature(DDPMScheduler.__init__).parameters) - {"self"}
    return {k: v for k, v in config.items() if not k.startswith("_") and k in known}


def load_pixart_upstream(cfg: BundleConfig, root: Path) -> Upstream:
    """Loads every model strictly and rewrites `cfg` from the checkpoints' own configs."""
    if not root.is_dir():
        raise WeightsError(f"--weights {root}: not a folder\n{LAYOUT}")
    for name in ("transformer", "vae", "text_encoder", "verifier"):
        if not (root / name / "config.json").exists():
            raise WeightsError(f"{root / name}: missing (no config.json)\n{LAYOUT}")
    transformer = _diffusers(PixArtTransformer2DModel, root / "transformer")
    scheduler = _scheduler(root)
    vae = _diffusers(AutoencoderKL, root / "vae")
    text_folder = root / "text_encoder"
    text_encoder = T5EncoderModel(T5Config.from_pretrained(str(text_folder)))
    # the embedding is shared: checkpoints store shared.weight, encoder.embed_tokens.weight, or both
    state = read_state_dict(text_folder)
    if "shared.weight" not in state and "encoder.embed_tokens.weight" in state:
        state["shared.weight"] = state["encoder.embed_tokens.weight"]
    load_strict(text_encoder, state, text_folder, optional=("encoder.embed_tokens.weight",))
    verifier = root / "verifier"
    llm, vhs_connector = load_vhs_verifier(verifier)
    mean, var = _stats(verifier, cfg.split_layer)

    cfg.transformer = {k: v for k, v in dict(transformer.config).items() if not k.startswith("_")}
    cfg.vae = {k: v for k, v in dict(vae.config).items() if not k.startswith("_")}
    cfg.latent_size = transformer.config.sample_size
    cfg.extra = {**cfg.extra, "scheduler": scheduler}
    cfg.text_encoder = {
        "vocab_size": text_encoder.config.vocab_size, "pad_token_id": text_encoder.config.pad_token_id,
        "d_model": text_encoder.config.d_model,
    }
    if text_encoder.config.d_model != transformer.config.caption_channels:
        raise WeightsError(f"{text_folder}: T5 width {text_encoder.config.d_model} != transformer caption_channels {transformer.config.caption_channels}")
    cfg.verifier = {"vocab_size": llm.config.vocab_size, "hidden_size": llm.config.hidden_size}
    if vhs_connector[0].in_features != cfg.hidden_size:
        raise WeightsError(f"{verifier}: mm_projector takes {vhs_connector[0].in_features} features, the DiT has {cfg.hidden_size}")
    if mean.numel() not in (cfg.tokens, cfg.hidden_size):
        raise WeightsError(f"{verifier}: hidden-state stats have {mean.numel()} values; expected {cfg.tokens} tokens or hidden_size")

    # the baselines (CLIP with its own LLaVA-Qwen, AE) load, or stay seeded-random, as for SANA-Sprint
    return with_baselines(root, cfg, transformer, vae, text_encoder.eval(), llm, vhs_connector, mean, var)
