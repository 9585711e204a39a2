"""The upstream classes the export tool loads, built from the training config, plus the generator's
forwards used in training: flow-matching velocity (teacher) and the SANA-Sprint TrigFlow step (student)."""

from __future__ import annotations

import torch
from diffusers import AutoencoderDC, SanaTransformer2DModel
from torch import nn
from transformers import CLIPVisionConfig, CLIPVisionModel, Gemma2Config, Gemma2Model, Qwen2Config, Qwen2ForCausalLM

from export.generator import GUIDANCE_SCALE, TrigFlowStep
from export.text_encoder import TextEncoder
from export.verifier import Connector

from .config import TEXT_LENGTH, TrainConfig


def build_vae(cfg: TrainConfig) -> AutoencoderDC:
    return AutoencoderDC(**cfg.vae)


def build_transformer(cfg: TrainConfig) -> SanaTransformer2DModel:
    return SanaTransformer2DModel(**cfg.transformer)


def build_text_encoder(cfg: TrainConfig) -> TextEncoder:
    model = Gemma2Model(Gemma2Config(**cfg.text_encoder, attn_implementation="eager"))
    return TextEncoder(model, TEXT_LENGTH, TEXT_LENGTH)


def build_llm(cfg: TrainConfig) -> Qwen2ForCausalLM:
    return Qwen2ForCausalLM(Qwen2Config(**cfg.verifier, attn_implementation="eager"))


def build_clip(cfg: TrainConfig) -> CLIPVisionModel:
    return CLIPVisionModel(CLIPVisionConfig(**cfg.clip, attn_implementation="eager"))


def build_connector(in_features: int, cfg: TrainConfig) -> Connector:
    return Connector(in_features, cfg.verifier["hidden_size"])


def _guidance(transformer: SanaTransformer2DModel, n: int, device) -> torch.Tensor:
    """The guidance embedding's input the served graph uses (SanaSprintPipeline's 4.5 × embeds scale)."""
    return torch.full([n], GUIDANCE_SCALE * transformer.config.guidance_embeds_scale, device=device)


def velocity(transformer, x: torch.Tensor, t: torch.Tensor, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Flow matching: x_t = (1−t)·x0 + t·noise, the model predicts noise − x0. At t = 1 this is exactly the
    TrigFlow step at s = π/2 (x0/σ_d = noise − F), so a teacher is a ready initialization for the student."""
    return transformer(x, embeds, t, guidance=_guidance(transformer, x.shape[0], x.device),
                       encoder_attention_mask=mask, return_dict=False)[0]


class OneStep(nn.Module):
    """SANA-Sprint's single TrigFlow step as the served graphs compute it: noise → x0/σ_d (the latent the
    VAE decodes after ÷ scaling factor), plus the hidden states after block ℓ* for the VHS verifier."""

    def __init__(self, transformer: SanaTransformer2DModel, split_layer: int) -> None:
        super().__init__()
        self.transformer = transformer
        self.step = TrigFlowStep(transformer.config.guidance_embeds_scale)
        self.split_layer = split_layer

    def forward(self, noise, embeds, mask, keep_hidden: bool = False):
        captured: list[torch.Tensor] = []
        hook = None
        if keep_hidden:
            block = self.transformer.transformer_blocks[self.split_layer]
            hook = block.register_forward_hook(lambda _m, _i, out: captured.append(out))
        try:
            x = self.step.model_input(noise)
            t = self.step.t.expand(noise.shape[0])
            out = self.transformer(x, embeds, t, guidance=_guidance(self.transformer, noise.shape[0], noise.device),
                                   encoder_attention_mask=mask, return_dict=False)[0]
        finally:
            if hook is not None:
                hook.remove()
        latent = self.step.x0_over_sigma(noise, x, out)
        return (latent, captured[0]) if keep_hidden else latent
