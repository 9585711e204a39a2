"""CLIP image features for the MLLM-with-CLIP baseline: uint8 HWC images → CLIPImageProcessor's resize (PIL
bicubic, reproduced in-graph) and normalization → transformers' CLIPVisionModel, layer −2, patch tokens (LLaVA)."""

from __future__ import annotations

import torch
from transformers import CLIPVisionConfig, CLIPVisionModel

from .pil_resize import PilBicubicResize
from .precision import Float32Buffers

# transformers.image_utils OPENAI_CLIP_MEAN / OPENAI_CLIP_STD
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


class ClipFeatures(Float32Buffers):
    """image uint8 [B,H,W,3] → patch features [B, (S/p)², hidden] (select_layer −2, CLS dropped)."""

    def __init__(self, model: CLIPVisionModel, select_layer: int, image_size: int) -> None:
        super().__init__()
        self.model = model
        self.size = int(model.config.image_size)
        self.select_layer = select_layer
        # square images: CLIPImageProcessor's shortest-edge resize + center crop reduce to one resize
        self.resize = PilBicubicResize(image_size, image_size, self.size) if image_size != self.size else None
        self.register_buffer("mean", torch.tensor(CLIP_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(CLIP_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = image.permute(0, 3, 1, 2).float()
        if self.resize is not None:
            x = self.resize(x)
        x = (x / 255.0 - self.mean) / self.std
        dtype = next(self.model.parameters()).dtype
        out = self.model(pixel_values=x.to(dtype), output_hidden_states=True)
        return out.hidden_states[self.select_layer][:, 1:]


def build_clip(kwargs: dict, dtype: torch.dtype = torch.float32) -> CLIPVisionModel:
    config = CLIPVisionConfig(**kwargs, attn_implementation="eager")
    model = CLIPVisionModel(config)
    return (model if dtype == torch.float32 else model.to(dtype)).eval()
