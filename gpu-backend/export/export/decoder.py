"""DC-AE decode to pixels: diffusers' AutoencoderDC decoder plus the pipeline's post-processing
(÷ scaling_factor, [-1,1] → [0,1] clamp, ×255 round) to uint8 HWC, all in-graph."""

from __future__ import annotations

import torch
from diffusers import AutoencoderDC
from torch import nn


def to_uint8_hwc(image: torch.Tensor) -> torch.Tensor:
    """VaeImageProcessor.postprocess + numpy_to_pil: (x/2+0.5).clamp(0,1)·255, rounded, NCHW → NHWC."""
    image = (image.float() / 2 + 0.5).clamp(0, 1)
    image = torch.round(image * 255.0)
    return image.permute(0, 2, 3, 1).to(torch.uint8)


class VaeDecode(nn.Module):
    """latent (x0/σ_data, fp32 [B,C,h,w]) → image uint8 [B,H,W,3]."""

    def __init__(self, vae: AutoencoderDC) -> None:
        super().__init__()
        self.decoder = vae.decoder
        self.scaling_factor = float(vae.config.scaling_factor)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        dtype = self.decoder.conv_in.weight.dtype
        z = (latent / self.scaling_factor).to(dtype)
        return to_uint8_hwc(self.decoder(z))

    def decode_float(self, latent: torch.Tensor) -> torch.Tensor:
        """The decoder's raw [-1,1] output, for numeric checks before quantization."""
        dtype = self.decoder.conv_in.weight.dtype
        return self.decoder((latent / self.scaling_factor).to(dtype)).float()


def build_vae(kwargs: dict, dtype: torch.dtype = torch.float32) -> AutoencoderDC:
    model = AutoencoderDC(**kwargs)
    return (model if dtype == torch.float32 else model.to(dtype)).eval()
