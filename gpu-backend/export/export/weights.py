"""Strict loading of upstream-layout checkpoints (--weights DIR): diffusers folders for the DiT and the VAE,
transformers folders for Gemma-2 and the VHS LLaVA-Qwen verifier (with `model.mm_projector.{0,2}`)."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import AutoencoderDC, SanaTransformer2DModel
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import CLIPVisionConfig, CLIPVisionModel, Gemma2Config, Gemma2Model, Qwen2Config, Qwen2ForCausalLM

from .clip_encoder import build_clip
from .configs import BundleConfig
from .upstream import Upstream
from .verifier import Connector

LAYOUT = """expected layout of --weights DIR:
  transformer/   diffusers SanaTransformer2DModel (config.json + *.safetensors)
  vae/           diffusers AutoencoderDC
  text_encoder/  transformers Gemma2Model            tokenizer/tokenizer.json  Gemma tokenizer
  verifier/      VHS LLaVA-Qwen2 checkpoint (transformers layout, keys model.* + model.mm_projector.{0,2}.*),
                 tokenizer.json, block_<split>_mean*.pt and block_<split>_variance*.pt (hidden-state stats)
  clip_verifier/ optional: LLaVA-Qwen2 checkpoint of the MLLM-with-CLIP baseline (its own LLM, mm_projector
                 1024→896, mm_vision_select_layer −2, "patch" features); the CLIP tower from clip/ or from its
                 model.vision_tower.vision_tower.* keys
  clip/          optional: transformers CLIPVisionModel (ViT-L/14@336) for clip_verifier/
  ae_verifier/   optional: LLaVA-Qwen2 checkpoint of the AE-latent baseline (its own LLM, mm_projector
                 latent channels→LLM width; no vision tower)
Parts without a checkpoint stay seeded-random and the manifest marks them untrained (`trained`)."""
PROJECTOR = "model.mm_projector."
VISION_TOWER = "model.vision_tower.vision_tower."  # LLaVA's CLIPVisionTower wraps a CLIPVisionModel


class WeightsError(RuntimeError):
    pass


def read_state_dict(folder: Path) -> dict[str, torch.Tensor]:
    """All *.safetensors of a folder (sharded or not) merged into one dict; pytorch_model*.bin (tensors only,
    weights_only) when a folder has no safetensors, as some original repos (CLIP) ship."""
    files = sorted(folder.glob("*.safetensors"))
    state: dict[str, torch.Tensor] = {}
    if files:
        for file in files:
            state.update(load_file(str(file)))
        return state
    bins = sorted(folder.glob("pytorch_model*.bin"))
    if not bins:
        raise WeightsError(f"{folder}: no *.safetensors (or pytorch_model*.bin) file\n{LAYOUT}")
    for file in bins:
        state.update(torch.load(file, map_location="cpu", weights_only=True))
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


def _llava_qwen(folder: Path) -> tuple[Qwen2ForCausalLM, Connector, dict[str, torch.Tensor]]:
    """LLM and connector loaded strictly; the vision tower's keys (if the checkpoint carries them) returned."""
    raw = json.loads((folder / "config.json").read_text())
    if raw.get("mm_projector_type", "mlp2x_gelu") != "mlp2x_gelu":
        raise WeightsError(f"{folder}: mm_projector_type {raw['mm_projector_type']!r} is not mlp2x_gelu")
    config = Qwen2Config.from_pretrained(str(folder), attn_implementation="eager")
    llm = Qwen2ForCausalLM(config)
    state = read_state_dict(folder)
    projector = {k[len(PROJECTOR):]: state.pop(k) for k in list(state) if k.startswith(PROJECTOR)}
    tower = {k[len(VISION_TOWER):]: state.pop(k) for k in list(state) if k.startswith(VISION_TOWER)}
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
    return llm.eval(), connector.eval(), tower


def _stats(folder: Path, split_layer: int) -> tuple[torch.Tensor, torch.Tensor]:
    def one(kind: str) -> torch.Tensor:
        found = sorted(folder.glob(f"block_{split_layer}_{kind}*.pt"))
        if not found:
            raise WeightsError(f"{folder}: block_{split_layer}_{kind}*.pt (hidden-state statistics at ℓ*={split_layer}) missing")
        return torch.load(found[0], map_location="cpu", weights_only=True).float()

    return one("mean"), one("variance")


def load_upstream(cfg: BundleConfig, root: Path):
    """Loads every model strictly and rewrites `cfg` from the checkpoints' own configs."""
    if not root.is_dir():
        raise WeightsError(f"--weights {root}: not a folder\n{LAYOUT}")
    transformer = _diffusers(SanaTransformer2DModel, _folder(root, "transformer"))
    vae = _diffusers(AutoencoderDC, _folder(root, "vae"))
    text_folder = _folder(root, "text_encoder")
    text_encoder = Gemma2Model(Gemma2Config.from_pretrained(str(text_folder), attn_implementation="eager"))
    load_strict(text_encoder, read_state_dict(text_folder), text_folder)
    verifier = _folder(root, "verifier")
    llm, vhs_connector = load_vhs_verifier(verifier)
    mean, var = _stats(verifier, cfg.split_layer)

    cfg.transformer = {k: v for k, v in dict(transformer.config).items() if not k.startswith("_")}
    cfg.vae = {k: v for k, v in dict(vae.config).items() if not k.startswith("_")}
    cfg.latent_size = transformer.config.sample_size
    cfg.text_encoder = {"vocab_size": text_encoder.config.vocab_size, "pad_token_id": text_encoder.config.pad_token_id}
    cfg.verifier = {"vocab_size": llm.config.vocab_size, "hidden_size": llm.config.hidden_size}
    if vhs_connector[0].in_features != cfg.hidden_size:
        raise WeightsError(f"{verifier}: mm_projector takes {vhs_connector[0].in_features} features, the DiT has {cfg.hidden_size}")
    if mean.numel() not in (cfg.tokens, cfg.hidden_size):
        raise WeightsError(f"{verifier}: hidden-state stats have {mean.numel()} values; expected h·w or hidden_size")

    return with_baselines(root, cfg, transformer, vae, text_encoder.eval(), llm, vhs_connector, mean, var)


def load_vhs_verifier(folder: Path) -> tuple[Qwen2ForCausalLM, Connector]:
    """The VHS LLaVA-Qwen (LLM + connector over h_ℓ*), loaded strictly."""
    llm, connector, tower = _llava_qwen(folder)
    if tower:  # the VHS vision tower is an identity over h_ℓ*: weights there belong to another model
        raise WeightsError(f"{folder}: unexpected {VISION_TOWER}* keys ({len(tower)}); the VHS verifier has no vision tower")
    return llm, connector


def with_baselines(root: Path, cfg: BundleConfig, transformer, vae, text_encoder, llm, vhs_connector, mean, var) -> Upstream:
    """A loaded generator + VHS verifier completed with the baselines (any generator family): the CLIP baseline
    from clip_verifier/ and clip/ when present, the AE connector seeded-random; `trained` says which are real."""
    clip, clip_llm, clip_connector = _clip_baseline(root, cfg, llm)
    ae_llm, ae_connector = _ae_baseline(root, cfg, llm)
    trained = {
        "generator": True,
        "text_encoder": True,
        "vhs_verifier": True,
        "clip_verifier": clip_llm is not None,
        "ae_verifier": ae_llm is not None,
    }
    if clip_llm is None:  # untrained baseline over the VHS LLM: the graph still exports, `trained` says it is not real
        clip_llm = llm
    return Upstream(
        transformer=transformer, vae=vae, text_encoder=text_encoder, llm=llm, clip=clip.eval(),
        vhs_connector=vhs_connector, clip_connector=clip_connector, ae_connector=ae_connector, clip_llm=clip_llm,
        hidden_mean=mean, hidden_var=var, trained=trained, ae_llm=ae_llm,
    )


def _ae_baseline(root: Path, cfg: BundleConfig, vhs_llm: Qwen2ForCausalLM) -> tuple[Qwen2ForCausalLM | None, Connector]:
    """The AE-latent baseline from ae_verifier/ (its own LLaVA-Qwen over the VAE latent's channels); without
    it (no released checkpoint upstream) a seeded-random connector over the VHS LLM: (None, connector)."""
    folder = _folder(root, "ae_verifier", required=False)
    if folder is None:
        torch.manual_seed(0)
        return None, Connector(cfg.latent_channels, vhs_llm.config.hidden_size)
    ae_llm, connector, tower = _llava_qwen(folder)
    if tower:
        raise WeightsError(f"{folder}: unexpected {VISION_TOWER}* keys ({len(tower)}); the AE baseline reads the latent itself")
    if connector[2].out_features != ae_llm.config.hidden_size:
        raise WeightsError(f"{folder}: mm_projector gives {connector[2].out_features} features, its LLM takes {ae_llm.config.hidden_size}")
    _check_baseline(folder, root, ae_llm, connector, vhs_llm, cfg.latent_channels, "the latent has {} channels")
    return ae_llm, connector


def _clip_baseline(root: Path, cfg: BundleConfig, vhs_llm: Qwen2ForCausalLM):
    """The MLLM-with-CLIP baseline from clip_verifier/ (its own LLaVA-Qwen: LLM + 1024→896 connector) and the
    CLIP tower (clip/ folder, else the checkpoint's vision_tower keys); (clip, None, connector) when absent."""
    folder = _folder(root, "clip_verifier", required=False)
    clip_folder = _folder(root, "clip", required=False)
    if clip_folder:
        clip = CLIPVisionModel(CLIPVisionConfig.from_pretrained(str(clip_folder), attn_implementation="eager"))
        state = read_state_dict(clip_folder)
        if json.loads((clip_folder / "config.json").read_text()).get("model_type") == "clip":
            # a full CLIPModel (openai/clip-vit-large-patch14-336): LLaVA loads only its vision tower from it
            state = {k: v for k, v in state.items() if k.startswith("vision_model.")}
        load_strict(clip, state, clip_folder)
    else:
        torch.manual_seed(0)
        clip = build_clip(cfg.clip)
    cfg.clip = {**cfg.clip, "hidden_size": clip.config.hidden_size, "image_size": clip.config.image_size}
    if folder is None:
        if clip_folder:
            raise WeightsError(f"{clip_folder}: a CLIP tower without clip_verifier/ (its LLaVA-Qwen) scores nothing\n{LAYOUT}")
        torch.manual_seed(0)
        return clip, None, Connector(clip.config.hidden_size, vhs_llm.config.hidden_size)
    raw = json.loads((folder / "config.json").read_text())
    if raw.get("mm_vision_select_feature", "patch") != "patch":
        raise WeightsError(f"{folder}: mm_vision_select_feature {raw['mm_vision_select_feature']!r}; only 'patch' (CLS dropped) is exported")
    cfg.clip_select_layer = int(raw.get("mm_vision_select_layer", cfg.clip_select_layer))
    clip_llm, connector, tower = _llava_qwen(folder)
    if tower:
        load_strict(clip, tower, folder / VISION_TOWER)
    elif not clip_folder:
        raise WeightsError(f"{folder}: no {VISION_TOWER}* keys and no clip/ folder: the CLIP tower has no weights\n{LAYOUT}")
    _check_baseline(folder, root, clip_llm, connector, vhs_llm, clip.config.hidden_size, "the CLIP tower gives {}")
    return clip, clip_llm, connector


def _check_baseline(folder: Path, root: Path, llm: Qwen2ForCausalLM, connector: Connector, vhs_llm: Qwen2ForCausalLM,
                    features: int, source: str) -> None:
    """What both baselines' own LLaVA-Qwen must agree on: the connector reads `features` (worded by `source`),
    and the LLM shares the VHS verifier's vocabulary and tokenizer (the bundle has one verifier tokenizer)."""
    if connector[0].in_features != features:
        raise WeightsError(f"{folder}: mm_projector takes {connector[0].in_features} features, {source.format(features)}")
    if llm.config.vocab_size != vhs_llm.config.vocab_size:
        raise WeightsError(f"{folder}: vocabulary {llm.config.vocab_size} differs from verifier/'s {vhs_llm.config.vocab_size} (the bundle has one verifier tokenizer)")
    _same_tokenizer(folder, root / "verifier")


def _same_tokenizer(folder: Path, verifier: Path) -> None:
    """Both verifiers read prompt ids from one tokenizer: refuse a clip_verifier/ whose own one differs."""
    mine, theirs = folder / "tokenizer.json", verifier / "tokenizer.json"
    if mine.exists() and theirs.exists() and Tokenizer.from_file(str(mine)).get_vocab() != Tokenizer.from_file(str(theirs)).get_vocab():
        raise WeightsError(f"{mine}: differs from {theirs}; the bundle tokenizes both verifiers' prompts with one tokenizer")
