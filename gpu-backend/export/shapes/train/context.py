"""Where a training run keeps its state: DIR/work (stage outputs and resumable checkpoints), DIR/weights
(the export tool's --weights layout), DIR/report.json; a stage that finished is never run again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .config import TrainConfig
from .text import Tokenizers


@dataclass
class Run:
    cfg: TrainConfig
    out: Path
    device: torch.device
    tokens: Tokenizers
    report: dict = field(default_factory=dict)

    @property
    def work(self) -> Path:
        return self.out / "work"

    @property
    def weights(self) -> Path:
        return self.out / "weights"

    def rng(self, stage: int, step: int = 0) -> np.random.Generator:
        """The generator for one step of one stage: resuming redraws exactly the same batches."""
        return np.random.default_rng([self.cfg.seed, stage, step])

    def torch_gen(self, stage: int, step: int = 0) -> torch.Generator:
        return torch.Generator().manual_seed(int(self.rng(stage, step).integers(2**62)))

    def stage_file(self, name: str) -> Path:
        return self.work / f"{name}.done.json"

    def finished(self, name: str) -> dict | None:
        path = self.stage_file(name)
        return json.loads(path.read_text()) if path.exists() else None

    def mark_finished(self, name: str, summary: dict) -> None:
        """The stage's done file alone (a verifier lane's: the main process writes the report)."""
        self.stage_file(name).write_text(json.dumps(summary, indent=2))

    def finish(self, name: str, summary: dict) -> None:
        self.report[name] = summary
        self.mark_finished(name, summary)
        (self.out / "report.json").write_text(json.dumps(self.report, indent=2))
