"""The upstream models and our own small modules before fusion: what a config builds with random weights
(pipeline.build_upstream) or what a checkpoint folder loads (weights.load_upstream)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from .verifier import Connector

# manifest `trained` keys: which parts carry checkpoint weights
TRAINED_KEYS = ("generator", "text_encoder", "vhs_verifier", "clip_verifier", "ae_verifier")


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
    clip_llm: nn.Module | None  # the CLIP baseline's own LLaVA-Qwen LLM, not the VHS one
    hidden_mean: torch.Tensor
    hidden_var: torch.Tensor
    # which parts carry trained weights (manifest `trained`); seeded random parts are False
    trained: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(TRAINED_KEYS, False))
    # the AE baseline's own LLaVA-Qwen LLM when its checkpoint has one (None: it scores over `llm`)
    ae_llm: nn.Module | None = None
