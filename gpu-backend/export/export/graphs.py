"""The fused graphs of the bundle (docs/contracts.md §1) as torch modules over the upstream models.
Each takes and returns the contract's external dtypes (fp32/int64/uint8) whatever the compute dtype."""

from __future__ import annotations

import torch
from torch import nn

from .clip_encoder import ClipFeatures
from .decoder import VaeDecode
from .generator import SanaSplit
from .text_encoder import TextEncoder
from .verifier import Connector, HiddenNormalization, SplicedScorer


def _cast(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return x.to(next(module.parameters()).dtype)


class TextEncoderGraph(nn.Module):
    def __init__(self, encoder: TextEncoder) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        return self.encoder(input_ids, attention_mask)


class DitHead(nn.Module):
    def __init__(self, dit: SanaSplit) -> None:
        super().__init__()
        self.dit = dit

    def forward(self, noise, prompt_embeds, prompt_mask):
        return self.dit.head(noise, prompt_embeds, prompt_mask).float()


class DitTail(nn.Module):
    def __init__(self, dit: SanaSplit) -> None:
        super().__init__()
        self.dit = dit

    def forward(self, hidden, noise, prompt_embeds, prompt_mask):
        return self.dit.tail(hidden, noise, prompt_embeds, prompt_mask)


class VaeDecodeGraph(nn.Module):
    def __init__(self, vae: VaeDecode) -> None:
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.vae(latent)


class Finish(nn.Module):
    """dit_tail + vae_decode in one graph: the winner's latent never leaves the device."""

    def __init__(self, dit: SanaSplit, vae: VaeDecode) -> None:
        super().__init__()
        self.dit, self.vae = dit, vae

    def forward(self, hidden, noise, prompt_embeds, prompt_mask):
        return self.vae(self.dit.tail(hidden, noise, prompt_embeds, prompt_mask))


class VhsVerify(nn.Module):
    """h_ℓ* → normalize → mm_projector → Qwen over the spliced prompt → scores [B]."""

    def __init__(self, norm: HiddenNormalization, connector: Connector, scorer: SplicedScorer) -> None:
        super().__init__()
        self.norm, self.connector, self.scorer = norm, connector, scorer

    def forward(self, hidden, prefix_ids, suffix_ids, suffix_length):
        tokens = self.connector(_cast(self.connector, self.norm(hidden)))
        return self.scorer(tokens, prefix_ids, suffix_ids, suffix_length)


class Propose(nn.Module):
    """dit_head + vhs_verify + in-graph argmax/gather: only scores and each group's winning h_ℓ* leave the graph.

    A batch may hold the candidates of several requests (one group each): group_mask [groups, batch] marks a
    group's rows, and the argmax runs per group, so one graph call serves them all and a request's winner is
    chosen among its own rows only. A single request is one group of all ones."""

    def __init__(self, dit: SanaSplit, verify: VhsVerify) -> None:
        super().__init__()
        self.dit, self.verify = dit, verify

    def forward(self, noise, prompt_embeds, prompt_mask, prefix_ids, suffix_ids, suffix_length, group_mask):
        hidden = self.dit.head(noise, prompt_embeds, prompt_mask)
        scores = self.verify(hidden, prefix_ids, suffix_ids, suffix_length)
        masked = torch.where(group_mask != 0, scores.float().unsqueeze(0), torch.finfo(torch.float32).min)
        winner = torch.argmax(masked, dim=1)  # first index on ties
        return scores, winner, hidden.index_select(0, winner).float()


class ClipVerify(nn.Module):
    """Decoded image → CLIP patch features → connector → Qwen → scores (the MLLM-with-CLIP baseline)."""

    def __init__(self, features: ClipFeatures, connector: Connector, scorer: SplicedScorer) -> None:
        super().__init__()
        self.features, self.connector, self.scorer = features, connector, scorer

    def forward(self, image, prefix_ids, suffix_ids, suffix_length):
        tokens = self.connector(_cast(self.connector, self.features(image)))
        return self.scorer(tokens, prefix_ids, suffix_ids, suffix_length)


class AeVerify(nn.Module):
    """Final latent, one token per latent pixel (C channels) → connector → Qwen → scores."""

    def __init__(self, connector: Connector, scorer: SplicedScorer) -> None:
        super().__init__()
        self.connector, self.scorer = connector, scorer

    def forward(self, latent, prefix_ids, suffix_ids, suffix_length):
        tokens = latent.flatten(2).transpose(1, 2)
        tokens = self.connector(_cast(self.connector, tokens))
        return self.scorer(tokens, prefix_ids, suffix_ids, suffix_length)
