"""A budgeted, resumable optimisation loop: runs `step(i)` until the stage's step or time budget is spent,
with a cosine learning-rate decay over whichever budget runs out first, a tqdm bar, a checkpoint every few minutes (models, optimizer, step, losses, time used) and resume
from that checkpoint after an interruption. Batches are drawn from the step index, so a resumed run
sees the batches an uninterrupted one would have seen."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
from torch import nn
from tqdm import tqdm

from .config import Budget


@dataclass
class StageResult:
    steps: int
    seconds: float
    losses: list[float] = field(default_factory=list)  # mean loss of each logged window

    def summary(self) -> dict:
        tail = self.losses[-3:]
        return {"steps": self.steps, "seconds": round(self.seconds, 1), "loss_curve": [round(x, 5) for x in self.losses],
                "final_loss": round(sum(tail) / len(tail), 5) if tail else None}


WARMUP_STEPS = 50
FINAL_LR = 0.05  # the decay ends at this share of the base rate


def lr_factor(step: int, done: float) -> float:
    """Linear warm-up, then cosine decay on the share of the budget used (steps or time, the larger)."""
    warm = min(1.0, (step + 1) / WARMUP_STEPS)
    return warm * (FINAL_LR + (1 - FINAL_LR) * 0.5 * (1 + math.cos(math.pi * min(1.0, done))))


def run_budgeted(
    name: str,
    state_path: Path,
    modules: dict[str, nn.Module],
    optimizer: torch.optim.Optimizer,
    step: Callable[[int], torch.Tensor],
    budget: Budget,
    checkpoint_minutes: float,
    log_every: int = 50,
) -> StageResult:
    """step(i) returns the loss tensor of optimizer step i (the loop does backward and the update)."""
    start_step, used, losses = 0, 0.0, []
    if state_path.exists():
        state = torch.load(state_path, map_location="cpu", weights_only=False)
        for key, module in modules.items():
            module.load_state_dict(state["modules"][key])
        optimizer.load_state_dict(state["optimizer"])
        start_step, used, losses = state["step"], state["seconds"], state["losses"]

    def save(i: int, seconds: float) -> None:
        tmp = state_path.with_suffix(".tmp")
        torch.save({"modules": {k: m.state_dict() for k, m in modules.items()}, "optimizer": optimizer.state_dict(),
                    "step": i, "seconds": seconds, "losses": losses}, tmp)
        tmp.replace(state_path)

    for module in modules.values():
        module.train()
    limit = budget.minutes * 60
    began, last_save = time.monotonic(), time.monotonic()
    window: list[float] = []
    for group in optimizer.param_groups:
        group.setdefault("base_lr", group["lr"])
    i = start_step
    bar = tqdm(total=budget.steps, initial=start_step, desc=name, unit="step", mininterval=5, dynamic_ncols=True)
    while i < budget.steps and used + (time.monotonic() - began) < limit:
        done = max(i / budget.steps, (used + time.monotonic() - began) / limit)
        for group in optimizer.param_groups:
            group["lr"] = group["base_lr"] * lr_factor(i, done)
        loss = step(i)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 1.0)
        optimizer.step()
        window.append(float(loss.detach()))
        i += 1
        bar.update(1)
        if len(window) == log_every:
            losses.append(sum(window) / len(window))
            bar.set_postfix(loss=f"{losses[-1]:.4f}")
            window = []
        if time.monotonic() - last_save >= checkpoint_minutes * 60:
            save(i, used + time.monotonic() - began)
            last_save = time.monotonic()
    bar.close()
    if window:
        losses.append(sum(window) / len(window))
    seconds = used + time.monotonic() - began
    save(i, seconds)
    for module in modules.values():
        module.eval()
    return StageResult(i, seconds, losses)
