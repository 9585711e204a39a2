"""Precision rules shared by the modules: constants and statistics stay fp32 when a model is cast to fp16."""

from __future__ import annotations

from torch import nn


class Float32Buffers(nn.Module):
    """A module whose floating buffers (constants, norm statistics) survive `.to(float16)` as fp32."""

    def _apply(self, fn, recurse=True):
        super()._apply(fn, recurse)
        for name, buf in self._buffers.items():
            if buf is not None and buf.is_floating_point():
                self._buffers[name] = buf.float()
        return self
