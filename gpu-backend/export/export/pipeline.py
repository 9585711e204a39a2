"""Builds a config's upstream models (seeded random weights or a checkpoint folder) and the fused graph
modules over them; the public entry for other code (e.g. bench/gpu times these modules in torch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
from diffusers.utils import logging as diffusers_logging
from torch import nn

from . import graphs
from .clip_encoder import ClipFeatures, build_clip
from .configs import BundleConfig, get_config
from .decoder import VaeDecode, build_vae
from .generator import SanaSplit, build_transformer
from .text_encoder import TextEncoder, build_text_encoder
from .verifier import Connector, HiddenNormalization, SplicedScorer, build_verifier_llm

# diffusers warns on every `.to(dtype)` of a model built without from_pretrained; we cast on purpose
diffusers_logging.set_verbosity_error()

GRAPH_NAMES = ("text_encoder", "propose", "finish", "dit_head", "dit_tail", "vae_decode", "vhs_verify", "clip_verify", "ae_verify")
DTYPES = {"fp32": torch.float32, "fp16": torch.float16}


# which upstream parts each graph needs (so a real-size export builds only what it exports)
GRAPH_PARTS = {
    "text_encoder": ("text_encoder",),
    "propose": ("transformer", "llm", "vhs_connector"),
    "finish": ("transformer", "vae"),
    "dit_head": ("transformer",),
    "dit_tail": ("transformer",),
    "vae_decode": ("vae",),
    "vhs_verify": ("llm", "vhs_connector"),
    "clip_verify": ("clip", "llm", "clip_connector"),
    "ae_verify": ("llm", "ae_connector"),
}
PARTS = ("transformer", "vae", "text_encoder", "llm", "clip", "vhs_connector", "clip_connector", "ae_connector")


@dataclass
class Upstream:
    """The upstream models and our own small modules, before fusion (None: not built)."""

    transformer: nn.Module | None
    vae: nn.Module | None
    text_encoder: nn.Module | None
    llm: nn.Module | None
    clip: nn.Module | None
    vhs_connector: Connector | None
    clip_connector: Connector | None
    ae_connector: Connector | None
    hidden_mean: torch.Tensor
    hidden_var: torch.Tensor
    # the baselines' own language models when a checkpoint has them (else they share `llm`)
    clip_llm: nn.Module | None = None
    ae_llm: nn.Module | None = None


@dataclass
class Modules:
    config: BundleConfig
    dtype: torch.dtype
    device: torch.device
    upstream: Upstream
    yes_token_id: int
    no_token_id: int
    graphs: dict[str, nn.Module] = field(default_factory=dict)
    example: Callable[..., dict[str, torch.Tensor]] | None = None


def parts_for(graph_names) -> set[str]:
    return {part for g in graph_names for part in GRAPH_PARTS[g]}


def build_upstream(cfg: BundleConfig, seed: int, device: torch.device | str = "cpu", parts=PARTS) -> Upstream:
    """Seeded random weights in fp32; each part has its own seed (seed + index), so building a subset gives the
    same tensors as building everything."""
    d_llm = cfg.verifier["hidden_size"]
    builders = {
        "transformer": lambda: build_transformer(cfg.transformer),
        "vae": lambda: build_vae(cfg.vae),
        "text_encoder": lambda: build_text_encoder(cfg.text_encoder),
        "llm": lambda: build_verifier_llm(cfg.verifier),
        "clip": lambda: build_clip(cfg.clip),
        "vhs_connector": lambda: Connector(cfg.hidden_size, d_llm),
        "clip_connector": lambda: Connector(cfg.clip["hidden_size"], d_llm),
        "ae_connector": lambda: Connector(cfg.transformer["out_channels"], d_llm),
    }
    built: dict[str, nn.Module | None] = {}
    with torch.device(device):
        for index, part in enumerate(PARTS):
            torch.manual_seed(seed + index)
            built[part] = builders[part]() if part in parts else None
        tokens = cfg.latent_size**2
        if device == "meta" or getattr(device, "type", None) == "meta":
            mean, var = torch.empty(tokens, device="meta"), torch.empty(tokens, device="meta")
        else:
            # per-token statistics, as the contract's stats_shape [h·w] (the released .pt shape is unknown)
            torch.manual_seed(seed + len(PARTS))
            mean = torch.randn(tokens) * 0.1
            var = torch.rand(tokens) * 1.5 + 0.5
    return Upstream(**built, hidden_mean=mean, hidden_var=var)


def fuse(cfg: BundleConfig, up: Upstream, dtype: torch.dtype, yes_id: int, no_id: int) -> dict[str, nn.Module]:
    """The contract's graphs over the parts that were built (a graph whose parts are missing is left out)."""
    for part in (*PARTS, "clip_llm", "ae_llm"):
        module = getattr(up, part)
        if module is None:
            continue
        if dtype != torch.float32:  # (a no-op cast would also break FakeTensorMode in export.flops)
            module.to(dtype)
        module.eval()
    dit = SanaSplit(up.transformer, cfg.split_layer) if up.transformer is not None else None
    vae = VaeDecode(up.vae) if up.vae is not None else None
    scorer = SplicedScorer(up.llm, yes_id, no_id) if up.llm is not None else None
    clip_scorer = SplicedScorer(up.clip_llm, yes_id, no_id) if up.clip_llm is not None else scorer
    ae_scorer = SplicedScorer(up.ae_llm, yes_id, no_id) if up.ae_llm is not None else scorer
    norm = HiddenNormalization(up.hidden_mean, up.hidden_var, cfg.latent_size**2)
    vhs = graphs.VhsVerify(norm, up.vhs_connector, scorer) if scorer and up.vhs_connector is not None else None
    makers = {
        "text_encoder": lambda: graphs.TextEncoderGraph(TextEncoder(up.text_encoder, cfg.text_output_length, cfg.text_max_length)),
        "propose": lambda: graphs.Propose(dit, vhs),
        "finish": lambda: graphs.Finish(dit, vae),
        "dit_head": lambda: graphs.DitHead(dit),
        "dit_tail": lambda: graphs.DitTail(dit),
        "vae_decode": lambda: graphs.VaeDecodeGraph(vae),
        "vhs_verify": lambda: vhs,
        "clip_verify": lambda: graphs.ClipVerify(ClipFeatures(up.clip, cfg.clip_select_layer), up.clip_connector, clip_scorer),
        "ae_verify": lambda: graphs.AeVerify(up.ae_connector, ae_scorer),
    }
    out = {}
    for name in GRAPH_NAMES:
        if all(getattr(up, part) is not None for part in GRAPH_PARTS[name]):
            out[name] = makers[name]().eval()
    return out


def default_token_ids(cfg: BundleConfig) -> tuple[int, int]:
    """yes/no ids when no tokenizer is at hand: Qwen2.5's 9693/2152 at real vocabulary size."""
    if cfg.verifier["vocab_size"] > 9693:
        return 9693, 2152
    return cfg.verifier["vocab_size"] - 2, cfg.verifier["vocab_size"] - 1


def build_modules(
    config_name: str | BundleConfig,
    dtype: str | torch.dtype = "fp32",
    device: str | torch.device = "cpu",
    seed: int = 0,
    weights: str | Path | None = None,
    split_layer: int | None = None,
    token_ids: tuple[int, int] | None = None,
    graph_names=GRAPH_NAMES,
) -> Modules:
    """The fused graph modules of a config, on `device` in `dtype`, plus `example(graph, batch)` inputs."""
    cfg = config_name if isinstance(config_name, BundleConfig) else get_config(config_name, split_layer)
    torch_dtype = DTYPES[dtype] if isinstance(dtype, str) else dtype
    device = torch.device(device)
    if weights is not None:
        from .weights import load_upstream

        up = load_upstream(cfg, Path(weights))
    else:
        # built directly on the target device: at real size a CPU init + copy would cost minutes and 21 GB
        up = build_upstream(cfg, seed, device, parts_for(graph_names))
    yes_id, no_id = token_ids or default_token_ids(cfg)
    mods = fuse(cfg, up, torch_dtype, yes_id, no_id)
    for module in mods.values():
        module.to(device=device)
    from .examples import example_inputs

    result = Modules(cfg, torch_dtype, device, up, yes_id, no_id, mods)
    result.example = lambda graph, batch=1, seed=1: example_inputs(cfg, graph, batch, seed, device)
    return result
