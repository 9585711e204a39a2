"""Strict loading of upstream-layout checkpoints (--weights DIR): diffusers folders for the DiT and the VAE,
transformers folders for Gemma-2 and the VHS LLaVA-Qwen verifier (with `model.mm_projector.{0,2}`)."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import AutoencoderDC, SanaTransformer2DModel
from safetensors.torch import load_file
from transformers import CLIPVisionConfig, CLIPVisionModel, Gemma2Config, Gemma2Model, Qwen2Config, Qwen2ForCausalLM

from .configs import BundleConfig
from .verifier import Connector

LAYOUT = """expected layout of --weights DIR:
  transformer/   diffusers SanaTransformer2DModel (config.json + *.safetensors)
  vae/           diffusers AutoencoderDC
  text_encoder/  transformers Gemma2Model            tokenizer/tokenizer.json  Gemma tokenizer
  verifier/      VHS LLaVA-Qwen2 checkpoint (transformers layout, keys model.* + model.mm_projector.{0,2}.*),
                 tokenizer.json, block_<split>_mean*.pt and block_<split>_variance*.pt (hidden-state stats)
  clip/          optional: transformers CLIPVisionModel (random weights when absent)
  clip_verifier/ optional: LLaVA-Qwen2 checkpoint of the MLLM-with-CLIP baseline (mm_projector 1024→896)
  ae_verifier/   optional: LLaVA-Qwen2 checkpoint of the AE-latent baseline (mm_projector latent channels→LLM)"""
PROJECTOR = "model.mm_projector."


class WeightsError(RuntimeError):
    pass


def read_state_dict(folder: Path) -> dict[str, torch.Tensor]:
    """All *.safetensors of a folder (sharded or not) merged into one dict."""
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        raise WeightsError(f"{folder}: no *.safetensors file\n{LAYOUT}")
    state: dict[str, torch.Tensor] = {}
    for file in files:
        state.update(load_file(str(file)))
    return state


def load_strict(module: torch.nn.Module, state: dict[str, torch.Tensor], where: Path, optional: tuple[str, ...] = ()) -> None:
    """load_state_dict(strict) with a message that names the folder and the offending keys."""
    expected = set(module.state_dict())
    missing = sorted(expected - set(state) - set(optional))
    unexpected = sorted(set(state) - expected)
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing keys ({len(missing)}): {', '.join(missing[:8])}{' …' if len(missing) > 8 else ''}")
        if unexpected:
            parts.append(f"unexpected keys ({len(unexpected)}): {', '.join(unexpected[:8])}{' …' if len(unexpected) > 8 else ''}")
        raise WeightsError(f"{where}: checkpoint does not match {type(module).__name__}: " + "; ".join(parts))
    try:
        module.load_state_dict(state, strict=not optional)
    except RuntimeError as err:  # shape mismatches
        raise WeightsError(f"{where}: {err}") from err


def _folder(root: Path, name: str, required: bool = True) -> Path | None:
    folder = root / name
    if not (folder / "config.json").exists():
        if required:
            raise WeightsError(f"{folder}: missing (no config.json)\n{LAYOUT}")
        return None
    return folder


def _diffusers(cls, folder: Path):
    model = cls.from_config(cls.load_config(str(folder)))
    load_strict(model, read_state_dict(folder), folder)
    return model.eval()


def _llava_qwen(folder: Path) -> tuple[Qwen2ForCausalLM, Connector]:
    raw = json.loads((folder / "config.json").read_text())
    if raw.get("mm_projector_type", "mlp2x_gelu") != "mlp2x_gelu":
        raise WeightsError(f"{folder}: mm_projector_type {raw['mm_projector_type']!r} is not mlp2x_gelu")
    config = Qwen2Config.from_pretrained(str(folder), attn_implementation="eager")
    llm = Qwen2ForCausalLM(config)
    state = read_state_dict(folder)
    projector = {k[len(PROJECTOR):]: state.pop(k) for k in list(state) if k.startswith(PROJECTOR)}
    if not projector:
        raise WeightsError(f"{folder}: no {PROJECTOR}{{0,2}}.* keys (the VHS connector)")
    w0 = projector.get("0.weight")
    if w0 is None:
        raise WeightsError(f"{folder}: {PROJECTOR}0.weight missing")
    connector = Connector(w0.shape[1], w0.shape[0])
    load_strict(connector, projector, folder / PROJECTOR)
    tied = ("lm_head.weight",) if config.tie_word_embeddings else ()
    load_strict(llm, state, folder, optional=tied)
    if tied:
        llm.tie_weights()
    return llm.eval(), connector.eval()


def _stats(folder: Path, split_layer: int) -> tuple[torch.Tensor, torch.Tensor]:
    def one(kind: str) -> torch.Tensor:
        found = sorted(folder.glob(f"block_{split_layer}_{kind}*.pt"))
        if not found:
            raise WeightsError(f"{folder}: block_{split_layer}_{kind}*.pt (hidden-state statistics at ℓ*={split_layer}) missing")
        return torch.load(found[0], map_location="cpu", weights_only=True).float()

    return one("mean"), one("variance")


def load_upstream(cfg: BundleConfig, root: Path):
    """Loads every model strictly and rewrites `cfg` from the checkpoints' own configs."""
    from .clip_encoder import build_clip
    from .pipeline import Upstream

    if not root.is_dir():
        raise WeightsError(f"--weights {root}: not a folder\n{LAYOUT}")
    transformer = _diffusers(SanaTransformer2DModel, _folder(root, "transformer"))
    vae = _diffusers(AutoencoderDC, _folder(root, "vae"))
    text_folder = _folder(root, "text_encoder")
    text_encoder = Gemma2Model(Gemma2Config.from_pretrained(str(text_folder), attn_implementation="eager"))
    load_strict(text_encoder, read_state_dict(text_folder), text_folder)
    verifier = _folder(root, "verifier")
    llm, vhs_connector = _llava_qwen(verifier)
    mean, var = _stats(verifier, cfg.split_layer)

    cfg.transformer = {k: v for k, v in dict(transformer.config).items() if not k.startswith("_")}
    cfg.vae = {k: v for k, v in dict(vae.config).items() if not k.startswith("_")}
    cfg.latent_size = transformer.config.sample_size
    cfg.text_encoder = {"vocab_size": text_encoder.config.vocab_size, "pad_token_id": text_encoder.config.pad_token_id}
    cfg.verifier = {"vocab_size": llm.config.vocab_size, "hidden_size": llm.config.hidden_size}
    if vhs_connector[0].in_features != cfg.hidden_size:
        raise WeightsError(f"{verifier}: mm_projector takes {vhs_connector[0].in_features} features, the DiT has {cfg.hidden_size}")
    if mean.numel() not in (cfg.latent_size**2, cfg.hidden_size):
        raise WeightsError(f"{verifier}: hidden-state stats have {mean.numel()} values; expected h·w or hidden_size")

    # Models without a released checkpoint here stay random (seeded): CLIP tower, its verifier, the AE connector.
    torch.manual_seed(0)
    d_llm = llm.config.hidden_size
    clip_folder = _folder(root, "clip", required=False)
    if clip_folder:
        clip = CLIPVisionModel(CLIPVisionConfig.from_pretrained(str(clip_folder), attn_implementation="eager"))
        load_strict(clip, read_state_dict(clip_folder), clip_folder)
    else:
        clip = build_clip(cfg.clip)
    cfg.clip = {**cfg.clip, "hidden_size": clip.config.hidden_size, "image_size": clip.config.image_size}
    trained = ["transformer", "vae", "text_encoder", "llm", "vhs_connector", "hidden_stats"]
    clip_llm = ae_llm = None
    clip_verifier = _folder(root, "clip_verifier", required=False)
    if clip_verifier:
        clip_llm, clip_connector = _llava_qwen(clip_verifier)
        trained += ["clip_llm", "clip_connector"]
    else:
        clip_connector = Connector(clip.config.hidden_size, d_llm)
    ae_verifier = _folder(root, "ae_verifier", required=False)
    if ae_verifier:
        ae_llm, ae_connector = _llava_qwen(ae_verifier)
        trained += ["ae_llm", "ae_connector"]
    else:
        ae_connector = Connector(cfg.transformer["out_channels"], d_llm)
    for baseline, connector in (("clip", clip_connector), ("ae", ae_connector)):
        if connector[2].out_features != d_llm:
            raise WeightsError(f"{root}: the {baseline} verifier's mm_projector gives {connector[2].out_features} features, the LLM takes {d_llm}")
    if clip_folder:
        trained.append("clip")
    cfg.trained = trained
    return Upstream(transformer, vae, text_encoder.eval(), llm, clip.eval(), vhs_connector, clip_connector, ae_connector, mean, var,
                    clip_llm, ae_llm)
