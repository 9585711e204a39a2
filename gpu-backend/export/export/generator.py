"""SANA-Sprint generator split at layer ℓ*: diffusers' SanaTransformer2DModel submodules driven by our own
head/tail forwards, with the single TrigFlow (SCM) step of SanaSprintPipeline computed in-graph."""

from __future__ import annotations

import torch
from diffusers import SanaTransformer2DModel
from torch import nn

from .precision import Float32Buffers

# SanaSprintPipeline defaults (diffusers pipeline_sana_sprint.py, SCMScheduler): one step from s = 1.57080.
MAX_TIMESTEP = 1.57080
SIGMA_DATA = 0.5
GUIDANCE_SCALE = 4.5


class TrigFlowStep(Float32Buffers):
    """The constants of SANA-Sprint's one-step sampler, computed with the pipeline's own float32 ops."""

    def __init__(self, guidance_embeds_scale: float) -> None:
        super().__init__()
        s = torch.tensor([MAX_TIMESTEP], dtype=torch.float32)
        t = torch.sin(s) / (torch.cos(s) + torch.sin(s))  # scm_timestep fed to the transformer
        guidance = torch.full([1], GUIDANCE_SCALE, dtype=torch.float32) * guidance_embeds_scale
        self.register_buffer("s", s, persistent=False)
        self.register_buffer("t", t, persistent=False)
        self.register_buffer("guidance", guidance, persistent=False)
        self.register_buffer("input_scale", torch.sqrt(t**2 + (1 - t) ** 2), persistent=False)

    def model_input(self, noise: torch.Tensor) -> torch.Tensor:
        """N(0,1) noise → transformer input, exactly as the pipeline: latents = randn·σ, then /σ·√(t²+(1−t)²)."""
        latents = noise * SIGMA_DATA
        return (latents / SIGMA_DATA) * self.input_scale.view(-1, 1, 1, 1)

    def x0_over_sigma(self, noise: torch.Tensor, model_input: torch.Tensor, model_out: torch.Tensor) -> torch.Tensor:
        """Transformer output F → the VAE's input before the scaling factor (denoised / σ_data)."""
        t = self.t.view(-1, 1, 1, 1)
        pred = ((1 - 2 * t) * model_input + (1 - 2 * t + 2 * t**2) * model_out) / torch.sqrt(t**2 + (1 - t) ** 2)
        pred = pred.float() * SIGMA_DATA
        latents = noise.float() * SIGMA_DATA
        x0 = torch.cos(self.s) * latents - torch.sin(self.s) * pred
        return x0 / SIGMA_DATA


class SanaSplit(nn.Module):
    """One SanaTransformer2DModel, run as head (patch embed … block ℓ*) or tail (block ℓ*+1 … unpatchify).

    The forwards mirror SanaTransformer2DModel.forward step by step (same submodules, same order), split
    into two so that h_ℓ* can be scored in between. prompt_embeds/prompt_mask have one row per candidate,
    so one batch can hold the candidates of several requests (a single request repeats its prompt)."""

    def __init__(self, transformer: SanaTransformer2DModel, split_layer: int) -> None:
        super().__init__()
        self.transformer = transformer
        self.split_layer = split_layer
        self.step = TrigFlowStep(transformer.config.guidance_embeds_scale)
        self.latent_size = transformer.config.sample_size

    @property
    def dtype(self) -> torch.dtype:
        return self.transformer.proj_out.weight.dtype

    def _conditioning(self, batch: torch.Tensor, prompt_embeds: torch.Tensor, prompt_mask: torch.Tensor):
        tr = self.transformer
        dtype = self.dtype
        n = batch.shape[0]
        # timestep/guidance embeddings (identical for every candidate: one row, broadcast)
        timestep, embedded = tr.time_embed(self.step.t, guidance=self.step.guidance, hidden_dtype=dtype)
        timestep = timestep.expand(n, -1)
        embedded = embedded.expand(n, -1)
        # (1 - m) * -10000 additive bias, as SanaTransformer2DModel.forward builds it, one row per candidate
        bias = (1 - prompt_mask.to(dtype)) * -10000.0
        # given as [B·heads, 1, L] so Attention.prepare_attention_mask skips its repeat_interleave, which
        # would pin the batch dimension during torch.export (same values as the [B, 1, L] it would expand)
        heads = tr.config.num_cross_attention_heads
        bias = bias.view(n, 1, 1, -1).expand(n, heads, 1, -1).reshape(n * heads, 1, -1)
        text = tr.caption_projection(prompt_embeds.to(dtype))
        text = tr.caption_norm(text)
        return timestep, embedded, text, bias

    def _blocks(self, hidden, first: int, last: int, timestep, text, bias):
        size = self.latent_size
        for block in self.transformer.transformer_blocks[first : last + 1]:
            hidden = block(hidden, None, text, bias, timestep, size, size)
        return hidden

    def head(self, noise: torch.Tensor, prompt_embeds: torch.Tensor, prompt_mask: torch.Tensor) -> torch.Tensor:
        """noise [B,C,h,w] fp32 → h_ℓ* [B, h·w, D] in the model dtype."""
        timestep, _, text, bias = self._conditioning(noise, prompt_embeds, prompt_mask)
        x = self.step.model_input(noise.float()).to(self.dtype)
        hidden = self.transformer.patch_embed(x)
        return self._blocks(hidden, 0, self.split_layer, timestep, text, bias)

    def tail(self, hidden: torch.Tensor, noise: torch.Tensor, prompt_embeds: torch.Tensor, prompt_mask: torch.Tensor):
        """h_ℓ* → latent [B,C,h,w] fp32 = x0/σ_data (the VAE input before ÷ scaling_factor)."""
        tr = self.transformer
        timestep, embedded, text, bias = self._conditioning(noise, prompt_embeds, prompt_mask)
        hidden = self._blocks(hidden.to(self.dtype), self.split_layer + 1, len(tr.transformer_blocks) - 1, timestep, text, bias)
        hidden = tr.norm_out(hidden, embedded, tr.scale_shift_table)
        hidden = tr.proj_out(hidden)
        n, size, p = hidden.shape[0], self.latent_size, tr.config.patch_size
        hidden = hidden.reshape(n, size, size, p, p, -1).permute(0, 5, 1, 3, 2, 4)
        out = hidden.reshape(n, -1, size * p, size * p)
        x = self.step.model_input(noise.float())
        return self.step.x0_over_sigma(noise, x, out.float())


def build_transformer(kwargs: dict, dtype: torch.dtype = torch.float32) -> SanaTransformer2DModel:
    model = SanaTransformer2DModel(**kwargs)
    return (model if dtype == torch.float32 else model.to(dtype)).eval()


def timestep_constants() -> dict[str, float]:
    return {"max_timestep": MAX_TIMESTEP, "sigma_data": SIGMA_DATA, "guidance": GUIDANCE_SCALE}

