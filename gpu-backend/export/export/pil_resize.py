"""PIL's bicubic resize (Image.resize(..., Image.BICUBIC, reducing_gap=None), what CLIPImageProcessor calls)
as two matrix products, for uint8 RGB images of a size known at export. The coefficients are PIL's own
(libImaging/Resample.c: `precompute_coeffs` with the a = −0.5 cubic, support widened by the downscale
factor, i.e. antialiased; then `normalize_coeffs_8bpc` to 22-bit fixed point), and each pass rounds and
clips to uint8 as PIL does: horizontal first, then vertical."""

from __future__ import annotations


import torch

from .precision import Float32Buffers

PRECISION_BITS = 32 - 8 - 2  # libImaging/Resample.c
BICUBIC_SUPPORT = 2.0


def _bicubic(x: float) -> float:
    a = -0.5
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def pil_coefficients(in_size: int, out_size: int) -> torch.Tensor:
    """[out_size, in_size] weights of one PIL bicubic pass, already in PIL's 8-bit fixed point / 2^22."""
    scale = in_size / out_size
    filterscale = max(scale, 1.0)
    support = BICUBIC_SUPPORT * filterscale
    matrix = torch.zeros(out_size, in_size, dtype=torch.float64)
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        ss = 1.0 / filterscale
        xmin = max(int(center - support + 0.5), 0)  # C's (int) truncates toward zero
        xmax = min(int(center + support + 0.5), in_size) - xmin
        weights = [_bicubic((x + xmin - center + 0.5) * ss) for x in range(xmax)]
        total = sum(weights)
        for x, w in enumerate(weights):
            k = w / total if total != 0.0 else w
            fixed = int(-0.5 + k * (1 << PRECISION_BITS)) if k < 0 else int(0.5 + k * (1 << PRECISION_BITS))
            matrix[xx, x + xmin] = fixed / (1 << PRECISION_BITS)
    return matrix.float()  # exact: |fixed| ≤ 2^23 fits fp32's mantissa


class PilBicubicResize(Float32Buffers):
    """[B, 3, H, W] float pixel levels 0…255 → [B, 3, out, out] levels, rounded and clipped per pass like PIL."""

    def __init__(self, in_height: int, in_width: int, out_size: int) -> None:
        super().__init__()
        self.register_buffer("rows", pil_coefficients(in_height, out_size), persistent=False)
        self.register_buffer("cols", pil_coefficients(in_width, out_size).t().contiguous(), persistent=False)

    @staticmethod
    def _to_uint8_levels(x: torch.Tensor) -> torch.Tensor:
        # PIL: (Σ p·k + 2^21) >> 22, clipped to 0…255 — i.e. floor(x + 0.5)
        return torch.clamp(torch.floor(x + 0.5), 0.0, 255.0)

    def forward(self, levels: torch.Tensor) -> torch.Tensor:
        x = self._to_uint8_levels(torch.matmul(levels, self.cols))  # horizontal pass
        return self._to_uint8_levels(torch.matmul(self.rows, x))  # vertical pass


