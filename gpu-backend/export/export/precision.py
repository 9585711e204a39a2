"""Precision rules shared by the modules: constants and statistics stay fp32 when a model is cast to fp16."""

from __future__ import annotations

import re

from torch import nn


class Float32Buffers(nn.Module):
    """A module whose floating buffers (constants, norm statistics) survive `.to(float16)` as fp32."""

    def _apply(self, fn, recurse=True):
        super()._apply(fn, recurse)
        for name, buf in self._buffers.items():
            if buf is not None and buf.is_floating_point():
                self._buffers[name] = buf.float()
        return self


class PrecisionError(ValueError):
    pass


def graph_precision(requested: str, peak: float, fp16_max: float) -> str:
    """fp16 only where every measured activation fits fp16's range; bf16 has fp32's range, fp32 is fp32."""
    if requested == "fp16" and not peak <= fp16_max:
        return "fp32"
    return requested


_MISSING_KERNEL = re.compile(r"Could not find an implementation for (\w+)\((\d+)\) node with name '([^']*)'")


def missing_kernel(error: Exception) -> str | None:
    """`Op(opset) node 'name'` from onnxruntime's NOT_IMPLEMENTED error, or None for other errors."""
    found = _MISSING_KERNEL.search(str(error))
    return f"{found.group(1)}(opset {found.group(2)}) node '{found.group(3)}'" if found else None


def refuse_unrunnable(graph: str, dtype: str, provider: str, error: Exception) -> PrecisionError:
    op = missing_kernel(error)
    if op is None:
        return PrecisionError(f"{graph}: onnxruntime ({provider}) cannot load the {dtype} graph: {error}")
    return PrecisionError(
        f"{graph}: onnxruntime's {provider} has no {dtype} kernel for {op}; a {dtype} bundle cannot be checked or "
        f"served there (onnxruntime's CPU provider runs bf16 only in Cast/Transpose/LayerNormalization/Identity). "
        f"Export with --dtype fp16 or fp32, or on a machine whose onnxruntime has the CUDA provider."
    )
