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
from .examples import example_inputs
from .family import family_of
from .score_tokens import ScoreTokens
from .upstream import Upstream
from .verifier import Connector, HiddenNormalization, SplicedScorer, build_verifier_llm

# diffusers warns on every `.to(dtype)` of a model built without from_pretrained; we cast on purpose
diffusers_logging.set_verbosity_error()

GRAPH_NAMES = ("text_encoder", "propose", "finish", "dit_head", "dit_tail", "vae_decode", "vhs_verify", "clip_verify", "ae_verify")
DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


# which upstream parts each graph needs (so a real-size export builds only what it exports)
GRAPH_PARTS = {
    "text_encoder": ("text_encoder",),
    "propose": ("transformer", "llm", "vhs_connector"),
    "finish": ("transformer", "vae"),
    "dit_head": ("transformer",),
    "dit_tail": ("transformer",),
    "vae_decode": ("vae",),
    "vhs_verify": ("llm", "vhs_connector"),
    "clip_verify": ("clip", "clip_llm", "clip_connector"),  # the baseline's own LLaVA-Qwen, not the VHS one
    "ae_verify": ("llm", "ae_connector"),  # (over ae_llm instead when a checkpoint brings the baseline's own LLM)
}
# (appended parts keep the seeds of the earlier ones: each part's seed is seed + its index)
PARTS = ("transformer", "vae", "text_encoder", "llm", "clip", "vhs_connector", "clip_connector", "ae_connector", "clip_llm")


@dataclass
class Modules:
    config: BundleConfig
    dtype: torch.dtype
    device: torch.device
    upstream: Upstream
    tokens: ScoreTokens
    graphs: dict[str, nn.Module] = field(default_factory=dict)
    example: Callable[..., dict[str, torch.Tensor]] | None = None


def parts_for(graph_names) -> set[str]:
    return {part for g in graph_names for part in GRAPH_PARTS[g]}


def build_upstream(cfg: BundleConfig, seed: int, device: torch.device | str = "cpu", parts=PARTS) -> Upstream:
    """Seeded random weights in fp32; each part has its own seed (seed + index), so building a subset gives the
    same tensors as building everything."""
    d_llm = cfg.verifier["hidden_size"]
    family = family_of(cfg)
    builders = {
        "transformer": lambda: family.build_transformer(cfg),
        "vae": lambda: family.build_vae(cfg),
        "text_encoder": lambda: family.build_text_encoder(cfg),
        "llm": lambda: build_verifier_llm(cfg.verifier),
        "clip_llm": lambda: build_verifier_llm(cfg.verifier),
        "clip": lambda: build_clip(cfg.clip),
        "vhs_connector": lambda: Connector(cfg.hidden_size, d_llm),
        "clip_connector": lambda: Connector(cfg.clip["hidden_size"], d_llm),
        "ae_connector": lambda: Connector(cfg.latent_channels, d_llm),
    }
    built: dict[str, nn.Module | None] = {}
    with torch.device(device):
        for index, part in enumerate(PARTS):
            torch.manual_seed(seed + index)
            built[part] = builders[part]() if part in parts else None
        tokens = cfg.tokens
        if device == "meta" or getattr(device, "type", None) == "meta":
            mean, var = torch.empty(tokens, device="meta"), torch.empty(tokens, device="meta")
        else:
            # per-token statistics, as the contract's stats_shape [h·w] (the released .pt shape is unknown)
            torch.manual_seed(seed + len(PARTS))
            mean = torch.randn(tokens) * 0.1
            var = torch.rand(tokens) * 1.5 + 0.5
    return Upstream(**built, hidden_mean=mean, hidden_var=var)


def fuse(cfg: BundleConfig, up: Upstream, dtype: torch.dtype, tokens: ScoreTokens) -> dict[str, nn.Module]:
    """The contract's graphs over the parts that were built (a graph whose parts are missing is left out)."""
    for part in (*PARTS, "ae_llm"):
        module = getattr(up, part)
        if module is None:
            continue
        if dtype != torch.float32:  # (a no-op cast would also break FakeTensorMode in export.flops)
            module.to(dtype)
        module.eval()
    family = family_of(cfg)
    dit = family.split(cfg, up.transformer) if up.transformer is not None else None
    vae = family.decode(up.vae) if up.vae is not None else None
    scorer = SplicedScorer(up.llm, tokens) if up.llm is not None else None
    clip_scorer = SplicedScorer(up.clip_llm, tokens) if up.clip_llm is not None else None
    # the AE baseline scores with its own LLaVA-Qwen when its checkpoint has one, else over the VHS LLM
    ae_scorer = SplicedScorer(up.ae_llm, tokens) if up.ae_llm is not None else scorer
    norm = HiddenNormalization(up.hidden_mean, up.hidden_var, cfg.tokens)
    vhs = graphs.VhsVerify(norm, up.vhs_connector, scorer) if scorer and up.vhs_connector is not None else None
    makers = {
        "text_encoder": lambda: graphs.TextEncoderGraph(family.text(cfg, up.text_encoder)),
        "propose": lambda: graphs.Propose(dit, vhs),
        "finish": lambda: graphs.Finish(dit, vae),
        "dit_head": lambda: graphs.DitHead(dit),
        "dit_tail": lambda: graphs.DitTail(dit),
        "vae_decode": lambda: graphs.VaeDecodeGraph(vae),
        "vhs_verify": lambda: vhs,
        "clip_verify": lambda: graphs.ClipVerify(ClipFeatures(up.clip, cfg.clip_select_layer, cfg.image_size), up.clip_connector, clip_scorer),
        "ae_verify": lambda: graphs.AeVerify(up.ae_connector, ae_scorer),
    }
    out = {}
    for name in GRAPH_NAMES:
        if all(getattr(up, part) is not None for part in GRAPH_PARTS[name]):
            out[name] = makers[name]().eval()
    return out


def default_token_ids(cfg: BundleConfig) -> ScoreTokens:
    """yes/no ids when no tokenizer is at hand (timing, FLOP counts): Qwen2.5's 9693/2152 at real
    vocabulary size, the yes set reduced to that one id."""
    if cfg.verifier["vocab_size"] > 9693:
        return ScoreTokens(9693, 2152, (9693,))
    yes = cfg.verifier["vocab_size"] - 2
    return ScoreTokens(yes, yes + 1, (yes,))


def build_modules(
    config_name: str | BundleConfig,
    dtype: str | torch.dtype = "fp32",
    device: str | torch.device = "cpu",
    seed: int = 0,
    weights: str | Path | None = None,
    split_layer: int | None = None,
    token_ids: ScoreTokens | None = None,
    graph_names=GRAPH_NAMES,
) -> Modules:
    """The fused graph modules of a config, on `device` in `dtype`, plus `example(graph, batch)` inputs."""
    cfg = config_name if isinstance(config_name, BundleConfig) else get_config(config_name, split_layer)
    torch_dtype = DTYPES[dtype] if isinstance(dtype, str) else dtype
    device = torch.device(device)
    if weights is not None:
        up = family_of(cfg).load_upstream(cfg, Path(weights))
    else:
        # built directly on the target device: at real size a CPU init + copy would cost minutes and 21 GB
        up = build_upstream(cfg, seed, device, parts_for(graph_names))
    tokens = token_ids or default_token_ids(cfg)
    mods = fuse(cfg, up, torch_dtype, tokens)
    for module in mods.values():
        module.to(device=device)
    result = Modules(cfg, torch_dtype, device, up, tokens, mods)
    result.example = lambda graph, batch=1, seed=1: example_inputs(cfg, graph, batch, seed, device)
    return result
