"""Strict loading of upstream-layout checkpoints (--weights DIR)."""

from __future__ import annotations


class WeightsError(RuntimeError):
    pass
