"""Numeric check of an exported graph: onnxruntime (CPU, ORT_ENABLE_ALL) against the fp32 torch module on
fresh random inputs at several batch sizes and a different suffix length than the trace used."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

TOLERANCE = {"fp32": 1e-4, "fp16": 1e-2, "bf16": 5e-2}  # bf16 keeps 8 mantissa bits (fp16: 11)


class CheckError(RuntimeError):
    pass


@dataclass
class CheckResult:
    max_rel_error: float
    load_ok: bool


def provider_for(dtype: str) -> str:
    """bf16 graphs need onnxruntime's CUDA provider (its CPU provider has no bf16 MatMul/Add/…); the rest run on CPU."""
    if dtype == "bf16" and "CUDAExecutionProvider" in ort.get_available_providers():
        return "CUDAExecutionProvider"
    return "CPUExecutionProvider"


def session(path: Path, threads: int = 0, provider: str = "CPUExecutionProvider") -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    if threads:
        so.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), so, providers=[provider])


def relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """max |got − want| / max |want| (normwise: element-wise ratios explode where the reference is ~0)."""
    got64, want64 = got.astype(np.float64), want.astype(np.float64)
    if not np.isfinite(got64).all():
        return float("inf")
    scale = max(float(np.abs(want64).max()), 1e-30)
    if want.dtype == np.uint8:
        scale = 255.0
    return float(np.abs(got64 - want64).max() / scale)


def _check_winner(graph: str, got: dict, want: dict, group_mask: np.ndarray, tol: float) -> None:
    """Per group (a request's rows in a mixed batch): winner_index is the argmax of its own rows' scores."""
    scores, ref = got["scores"], want["scores"]
    for g, row_mask in enumerate(group_mask != 0):
        rows = np.flatnonzero(row_mask)
        winner = int(got["winner_index"][g])
        if winner != int(rows[np.argmax(scores[rows])]):
            raise CheckError(f"{graph}: winner_index of group {g} is not the argmax of its rows' scores")
        order = rows[np.argsort(-ref[rows], kind="stable")]
        gap = ref[order[0]] - ref[order[1]] if len(order) > 1 else np.inf
        if gap > 2 * tol * max(np.abs(ref).max(), 1e-30) and winner != int(order[0]):
            raise CheckError(f"{graph}: winner {winner} of group {g} differs from torch's {int(order[0])}")


def check_graph(graph: str, path: Path, reference: torch.nn.Module, make_inputs, dtype: str, max_batch: int = 16) -> CheckResult:
    """make_inputs(batch, seed, suffix_len) → dict of tensors. Raises CheckError past the dtype's tolerance.
    Runs batch 1 and 3 (and another suffix length where the graph takes one), then the manifest's max_batch."""
    sess = session(path, provider=provider_for(dtype))
    names = [o.name for o in sess.get_outputs()]
    worst = 0.0
    takes_suffix = any(i.name == "suffix_ids" for i in sess.get_inputs())
    runs = [(1, None), (3, None), (max_batch, None)] + ([(1, 7), (3, 23)] if takes_suffix else [])
    for i, (batch, suffix_len) in enumerate(runs):
        inputs = make_inputs(batch, 1000 + i, suffix_len)
        got = dict(zip(names, sess.run(None, {k: v.numpy() for k, v in inputs.items()})))
        with torch.no_grad():
            ref = reference(**inputs)
        ref = ref if isinstance(ref, tuple) else (ref,)
        want = {n: t.numpy() for n, t in zip(names, ref)}
        for name in names:
            if got[name].shape != want[name].shape or got[name].dtype != want[name].dtype:
                raise CheckError(f"{graph}.{name}: got {got[name].dtype}{got[name].shape}, torch {want[name].dtype}{want[name].shape}")
            if name == "winner_index":
                continue
            worst = max(worst, relative_error(got[name], want[name]))
        if "winner_index" in names:
            _check_winner(graph, got, want, inputs["group_mask"].numpy(), TOLERANCE[dtype])
    bound = TOLERANCE[dtype]
    # uint8 pixels: rounding at .5 boundaries may flip one level (1/255 ≈ 3.9e-3) even in fp32
    if any(o.type == "tensor(uint8)" for o in sess.get_outputs()):
        bound = max(bound, 1.0 / 255 + 1e-9) if dtype == "fp32" else max(bound, 3.0 / 255 + 1e-9)
    if worst > bound:
        raise CheckError(f"{graph}: max relative error {worst:.3g} exceeds {bound:.3g} ({dtype})")
    return CheckResult(worst, True)


def ort_errors() -> tuple[type[Exception], ...]:
    """What onnxruntime raises when it cannot load or run a graph (e.g. NOT_IMPLEMENTED: no kernel)."""
    state = ort.capi.onnxruntime_pybind11_state
    return tuple(getattr(state, name) for name in ("NotImplemented", "Fail", "InvalidGraph", "RuntimeException") if hasattr(state, name))
