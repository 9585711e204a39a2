"""The upstream models and our own small modules before fusion: what a config builds with random weights
(pipeline.build_upstream) or what a checkpoint folder loads (weights.load_upstream)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .verifier import Connector


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
