"""The three verifier stages are independent of each other (each reads the samples and trains its own
connector and LLM), so on a machine with spare cores they train side by side: `cfg.processes` worker
processes ("lanes"), each with `cfg.threads` torch threads, each taking whole stages. A lane writes a
stage's done file as a sequential run would; the main process reads them back into the report. One
lane (or one stage left) runs in the main process as before."""

from __future__ import annotations

import time

from .config import TrainConfig
from .context import Run
from .spawned import child_run, run_spawned
from .verifiers import train_verifier


def plan_lanes(pending: list[str], minutes: dict[str, float], lanes: int) -> list[list[str]]:
    """Longest stage first onto the least-loaded lane, so that the lanes end close together."""
    plan: list[list[str]] = [[] for _ in range(lanes)]
    load = [0.0] * lanes
    for name in sorted(pending, key=lambda n: -minutes[n]):
        i = load.index(min(load))
        plan[i].append(name)
        load[i] += minutes[name]
    return [lane for lane in plan if lane]


def stage_minutes(cfg: TrainConfig, name: str) -> float:
    """A stage's time budget: the sum of its budgets (align + judge)."""
    return sum(b.minutes for key, b in cfg.budgets.items() if key.startswith(f"{name}_"))


def _lane(cfg: TrainConfig, out: str, device: str, names: list[str]) -> None:
    run = child_run(cfg, out, device)
    for name in names:
        began = time.monotonic()
        print(f"== stage {name} (lane)", flush=True)
        summary = train_verifier(run, name)
        summary["wall_seconds"] = round(time.monotonic() - began, 1)
        run.mark_finished(name, summary)
        print(f"== {name}: done in {summary['wall_seconds']} s", flush=True)


def run_lanes(run: Run, pending: list[str], device: str) -> None:
    """Trains the `pending` verifier stages in up to cfg.processes lanes; raises if any lane failed."""
    plan = plan_lanes(pending, {n: stage_minutes(run.cfg, n) for n in pending}, run.cfg.processes)
    failed = run_spawned([(f"lane-{'-'.join(lane)}", _lane, (run.cfg, str(run.out), device, lane)) for lane in plan])
    if failed:
        raise RuntimeError(f"training lane(s) failed: {', '.join(failed)} (finished stages are kept; rerun resumes)")
