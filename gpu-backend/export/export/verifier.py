"""The VHS verifier around transformers' Qwen2ForCausalLM: hidden-state normalization, the LLaVA
mm_projector connector, the splice of image tokens between prompt ids, and the yes/no score head."""

from __future__ import annotations

import torch
from torch import nn
from transformers import Qwen2Config, Qwen2ForCausalLM

from .precision import Float32Buffers
from .score_tokens import ScoreTokens

NORM_EPS = 1e-6


class Connector(nn.Sequential):
    """LLaVA `mlp2x_gelu` projector (vhs/model/multimodal_projector/builder.py): keys `0.*` and `2.*`."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__(nn.Linear(in_features, out_features), nn.GELU(), nn.Linear(out_features, out_features))


class HiddenNormalization(Float32Buffers):
    """DummyHiddenImageProcessor: (h − mean) / sqrt(var + 1e-6). Stats are per token ([T]) or per channel ([D])."""

    def __init__(self, mean: torch.Tensor, var: torch.Tensor, tokens: int) -> None:
        super().__init__()
        self.per_token = mean.numel() == tokens
        self.register_buffer("mean", mean.float().reshape(-1))
        self.register_buffer("var", var.float().reshape(-1))

    @property
    def stats_shape(self) -> list[int]:
        return [int(self.mean.numel())]

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        shape = (1, -1, 1) if self.per_token else (1, 1, -1)
        mean, var = self.mean.view(shape), self.var.view(shape)
        return ((hidden.float() - mean) / torch.sqrt(var + NORM_EPS)).to(hidden.dtype)


class ScoreHead(nn.Module):
    """Last-position logits → score, as the released VHS scorer: softmax over the full vocabulary (fp32);
    when the top token is one of the "yes" ids (decoded text contains "yes", any case) → P(yes id),
    else −P(no id). The yes set is an int64 constant of the graph; membership is Equal + any."""

    def __init__(self, tokens: ScoreTokens) -> None:
        super().__init__()
        self.yes_id, self.no_id = tokens.yes_id, tokens.no_id
        self.register_buffer("yes_ids", torch.tensor(tokens.yes_ids, dtype=torch.int64), persistent=False)

    def forward(self, logits: torch.Tensor) -> torch.Tensor:
        probs = torch.softmax(logits.float(), dim=-1)
        p_yes, p_no = probs[:, self.yes_id], probs[:, self.no_id]
        top = torch.argmax(probs, dim=-1, keepdim=True)  # [B, 1]: first index on ties, as generate's argmax
        top_is_yes = (top == self.yes_ids.view(1, -1)).any(dim=-1)
        return torch.where(top_is_yes, p_yes, -p_no)


class SplicedScorer(nn.Module):
    """Qwen2 over [embed(prefix) ⊕ image tokens ⊕ embed(suffix)] per candidate → score [B].

    The prefix is the template's constant head, shared by every row. The suffix carries each row's prompt,
    so rows of different requests have different suffixes: suffix_ids [B, S] is right-padded and
    suffix_length [B] says how many ids of each row are real. Attention is causal, so the padding after a
    row's last real token cannot change that token's hidden state; the score is read there. Position ids
    are 0..T−1, as in LLaVA's right-padded batch."""

    def __init__(self, llm: Qwen2ForCausalLM, tokens: ScoreTokens) -> None:
        super().__init__()
        self.llm = llm
        self.head = ScoreHead(tokens)

    @property
    def dtype(self) -> torch.dtype:
        return self.llm.model.embed_tokens.weight.dtype

    def forward(
        self, image_tokens: torch.Tensor, prefix_ids: torch.Tensor, suffix_ids: torch.Tensor, suffix_length: torch.Tensor
    ) -> torch.Tensor:
        n = image_tokens.shape[0]
        embed = self.llm.model.embed_tokens
        prefix = embed(prefix_ids).expand(n, -1, -1)
        suffix = embed(suffix_ids)
        embeds = torch.cat([prefix, image_tokens.to(self.dtype), suffix], dim=1)
        hidden = self.llm.model(inputs_embeds=embeds, use_cache=False).last_hidden_state
        last = prefix.shape[1] + image_tokens.shape[1] + suffix_length.to(torch.int64) - 1
        at_last = hidden.gather(1, last.view(n, 1, 1).expand(n, 1, hidden.shape[-1]))
        return self.head(self.llm.lm_head(at_last)[:, -1, :])


def build_verifier_llm(kwargs: dict, dtype: torch.dtype = torch.float32) -> Qwen2ForCausalLM:
    # eager attention: its softmax runs in fp32 (Qwen2 eager_attention_forward), which fp16 graphs need
    config = Qwen2Config(**kwargs, attn_implementation="eager")
    model = Qwen2ForCausalLM(config)
    return (model if dtype == torch.float32 else model.to(dtype)).eval()
