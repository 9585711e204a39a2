"""Prompt encoder: transformers' Gemma2Model (the decoder SANA uses) over right-padded ids, then SANA's
selection of embeddings ([0] + the last output_length−1 positions) and the matching mask."""

from __future__ import annotations

import torch
from torch import nn
from transformers import Gemma2Config, Gemma2Model


class TextEncoder(nn.Module):
    """input_ids/attention_mask int64 [1, max_length] → prompt_embeds fp32 [1, L, C], prompt_mask int64 [1, L]."""

    def __init__(self, model: Gemma2Model, output_length: int, max_length: int) -> None:
        super().__init__()
        self.model = model
        self.output_length = output_length
        # SanaSprintPipeline.encode_prompt: select_index = [0] + list(range(-max_length + 1, 0))
        select = [0] + list(range(max_length - output_length + 1, max_length))
        self.register_buffer("select", torch.tensor(select, dtype=torch.int64), persistent=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False)
        hidden = out.last_hidden_state.float()
        return hidden.index_select(1, self.select), attention_mask.index_select(1, self.select)


def build_text_encoder(kwargs: dict, dtype: torch.dtype = torch.float32) -> Gemma2Model:
    # eager attention: Gemma-2's attention logit soft-capping is only implemented there
    config = Gemma2Config(**kwargs, attn_implementation="eager")
    model = Gemma2Model(config)
    return (model if dtype == torch.float32 else model.to(dtype)).eval()
