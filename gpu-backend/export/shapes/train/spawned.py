"""Work split over spawned processes (verifier lanes, sample batches): each child reopens the run folder with
the config's thread count, and the parent learns which children failed. Spawned, not forked: a fresh
interpreter carries no forked torch thread pools."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path

import torch

from .config import TrainConfig
from .context import Run
from .text import load_tokenizers


def child_run(cfg: TrainConfig, out: str, device: str) -> Run:
    """The run in `out` as a child process sees it: `cfg.threads` torch threads, the run's tokenizers."""
    torch.set_num_threads(cfg.threads)
    return Run(cfg, Path(out), torch.device(device), load_tokenizers(Path(out) / "weights"))


def run_spawned(jobs: list[tuple[str, Callable, tuple]]) -> list[str]:
    """Runs each (name, target, args) in its own spawned process, all at once; returns the names that failed."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=args, name=name) for name, target, args in jobs]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return [p.name for p in procs if p.exitcode != 0]
