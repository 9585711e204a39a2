"""PixArt-α-DMD split at layer ℓ*: diffusers' PixArtTransformer2DModel submodules driven by our own head/tail
forwards (PixArtTransformer2DModel.forward step by step, cut after block ℓ*), with the DDPM one-step sampler of
PixArtAlphaPipeline in-graph; the SD VAE decode (AutoencoderKL) and the T5 prompt encoder around it."""

from __future__ import annotations

import torch
from diffusers import AutoencoderKL, PixArtTransformer2DModel
from torch import nn
from transformers import T5Config, T5EncoderModel

from .bundle_config import BundleConfig
from .ddpm_one_step import DdpmOneStep
from .decoder import to_uint8_hwc


def sampler_for(cfg: BundleConfig) -> DdpmOneStep:
    return DdpmOneStep(cfg.extra["scheduler"], cfg.extra["timestep"], cfg.extra["guidance_scale"])


class PixArtSplit(nn.Module):
    """One PixArtTransformer2DModel, run as head (patch embed … block ℓ*) or tail (block ℓ*+1 … unpatchify).

    The timestep embedding is computed at batch 1 and broadcast, since every candidate shares the timestep.
    prompt_embeds/prompt_mask have one row per candidate, so one batch can hold the candidates of several
    requests (a single request repeats its prompt)."""

    def __init__(self, transformer: PixArtTransformer2DModel, split_layer: int, step: DdpmOneStep) -> None:
        super().__init__()
        if transformer.use_additional_conditions:
            raise ValueError("PixArt with resolution/aspect-ratio conditions (1024-MS) is not exported; PixArt-α-DMD is 512 px")
        self.transformer = transformer
        self.split_layer = split_layer
        self.step = step
        self.latent_size = transformer.config.sample_size

    @property
    def dtype(self) -> torch.dtype:
        return self.transformer.proj_out.weight.dtype

    def _conditioning(self, n: int, prompt_embeds: torch.Tensor, prompt_mask: torch.Tensor):
        tr = self.transformer
        dtype = self.dtype
        no_extra = {"resolution": None, "aspect_ratio": None}
        timestep, embedded = tr.adaln_single(self.step.timestep, no_extra, batch_size=1, hidden_dtype=dtype)
        # (1 - m) · −10000, as PixArtTransformer2DModel.forward turns a 2-D encoder mask into a bias; given as
        # [B·heads, 1, L] so Attention.prepare_attention_mask skips the repeat_interleave that would pin the batch
        bias = (1 - prompt_mask.to(dtype)) * -10000.0
        heads = tr.transformer_blocks[0].attn2.heads
        bias = bias.view(n, 1, 1, -1).expand(n, heads, 1, -1).reshape(n * heads, 1, -1)
        # one prompt row per candidate, so a batch may hold the candidates of several requests
        text = tr.caption_projection(prompt_embeds.to(dtype))
        return timestep.expand(n, -1), embedded, text, bias

    def _blocks(self, hidden, first: int, last: int, timestep, text, bias):
        for block in self.transformer.transformer_blocks[first : last + 1]:
            hidden = block(hidden, attention_mask=None, encoder_hidden_states=text, encoder_attention_mask=bias, timestep=timestep)
        return hidden

    def head(self, noise: torch.Tensor, prompt_embeds: torch.Tensor, prompt_mask: torch.Tensor) -> torch.Tensor:
        """noise [B,C,h,w] fp32 → h_ℓ* [B, (h/p)·(w/p), D] in the model dtype."""
        timestep, _, text, bias = self._conditioning(noise.shape[0], prompt_embeds, prompt_mask)
        x = self.step.model_input(noise.float()).to(self.dtype)
        hidden = self.transformer.pos_embed(x)
        return self._blocks(hidden, 0, self.split_layer, timestep, text, bias)

    def tail(self, hidden: torch.Tensor, noise: torch.Tensor, prompt_embeds: torch.Tensor, prompt_mask: torch.Tensor):
        """h_ℓ* → latent [B,C,h,w] fp32 = pred_original_sample (the VAE input before ÷ scaling_factor)."""
        tr = self.transformer
        n = noise.shape[0]
        timestep, embedded, text, bias = self._conditioning(n, prompt_embeds, prompt_mask)
        hidden = self._blocks(hidden.to(self.dtype), self.split_layer + 1, len(tr.transformer_blocks) - 1, timestep, text, bias)
        shift, scale = (tr.scale_shift_table[None] + embedded[:, None]).chunk(2, dim=1)
        hidden = tr.norm_out(hidden)
        hidden = hidden * (1 + scale) + shift
        hidden = tr.proj_out(hidden)
        p, size, out_ch = tr.config.patch_size, self.latent_size // tr.config.patch_size, tr.out_channels
        hidden = hidden.reshape(n, size, size, p, p, out_ch).permute(0, 5, 1, 3, 2, 4)  # nhwpqc → nchpwq
        out = hidden.reshape(n, out_ch, size * p, size * p)
        channels = noise.shape[1]
        if out_ch // 2 == channels:  # learned sigma: the pipeline keeps the first half
            out = out[:, :channels]
        sample = self.step.model_input(noise.float())
        return self.step.x0(sample, out.float())


class SdVaeDecode(nn.Module):
    """latent (pred_original_sample, fp32 [B,4,h,w]) → image uint8 [B,H,W,3]: AutoencoderKL.decode of
    latent / scaling_factor (post_quant_conv, decoder), then the pipeline's post-processing."""

    def __init__(self, vae: AutoencoderKL) -> None:
        super().__init__()
        self.post_quant_conv = vae.post_quant_conv
        self.decoder = vae.decoder
        self.scaling_factor = float(vae.config.scaling_factor)

    def decode_float(self, latent: torch.Tensor) -> torch.Tensor:
        dtype = self.decoder.conv_in.weight.dtype
        z = (latent / self.scaling_factor).to(dtype)
        if self.post_quant_conv is not None:
            z = self.post_quant_conv(z)
        return self.decoder(z).float()

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return to_uint8_hwc(self.decode_float(latent))


class T5TextEncoder(nn.Module):
    """input_ids/attention_mask int64 [1, L] → prompt_embeds fp32 [1, L, d_model] (every position, as
    PixArtAlphaPipeline.encode_prompt keeps them), prompt_mask = attention_mask."""

    def __init__(self, model: T5EncoderModel, max_length: int) -> None:
        super().__init__()
        self.model = model
        # select "all": an explicit gather of every position, so prompt_mask is a graph output of its own
        # (an output that is the input itself would leave the ONNX graph without a prompt_mask node)
        self.register_buffer("select", torch.arange(max_length, dtype=torch.int64), persistent=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask)
        return out.last_hidden_state.float(), attention_mask.index_select(1, self.select)


def build_pixart_transformer(kwargs: dict) -> PixArtTransformer2DModel:
    return PixArtTransformer2DModel(**kwargs).eval()


def build_sd_vae(kwargs: dict) -> AutoencoderKL:
    return AutoencoderKL(**kwargs).eval()


def build_t5_encoder(kwargs: dict) -> T5EncoderModel:
    return T5EncoderModel(T5Config(**kwargs)).eval()
