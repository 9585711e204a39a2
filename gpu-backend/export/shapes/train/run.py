"""Runs every stage in order, skipping the finished ones, and writes report.json."""

from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from .autoencoder import refine_decoder, reuse_autoencoder, train_autoencoder
from .config import TEXT_VOCAB, VERIFIER_VOCAB, TrainConfig
from .context import Run
from .data import world_data
from .generator import make_pairs, train_student, train_teacher
from .lanes import run_lanes
from .layout import write_weights
from .metrics import generator_metrics
from .samples import make_samples
from .text import build_tokenizers, load_tokenizers, write_chat_template
from .verifiers import pretrain_llm, train_verifier


def _generator_quality(run: Run) -> dict:
    heldout = torch.load(run.work / "samples_heldout.pt")
    return generator_metrics(heldout["label"], run.cfg.candidates_per_prompt)


STAGES = [
    ("world", world_data),
    ("autoencoder", train_autoencoder),
    ("teacher", train_teacher),
    ("decoder", refine_decoder),
    ("pairs", make_pairs),
    ("student", train_student),
    ("samples", make_samples),
    ("generator_heldout", _generator_quality),
    ("llm_text", pretrain_llm),
    ("vhs", lambda run: train_verifier(run, "vhs")),
    ("clip", lambda run: train_verifier(run, "clip")),
    ("ae", lambda run: train_verifier(run, "ae")),
    ("weights", write_weights),
]
STAGE_NAMES = [name for name, _ in STAGES]
VERIFIER_STAGES = ("vhs", "clip", "ae")  # independent of each other: they may train side by side (lanes.py)
ARCHITECTURE = ("seed", "world_images", "vae", "transformer", "text_encoder", "verifier", "clip")


def _lanes_first(run: Run, until: str | None, device: str) -> None:
    """Before the first verifier stage: the unfinished ones (up to `until`) train in lanes when there are
    several and cfg.processes > 1; each then reads as finished below."""
    names = VERIFIER_STAGES[: VERIFIER_STAGES.index(until) + 1] if until in VERIFIER_STAGES else VERIFIER_STAGES
    pending = [n for n in names if run.finished(n) is None]
    if run.cfg.processes > 1 and len(pending) > 1:
        print(f"== stages {', '.join(pending)} in {min(run.cfg.processes, len(pending))} processes", flush=True)
        run_lanes(run, pending, device)


def _stages(reuse_autoencoder_from: Path | None) -> list:
    if reuse_autoencoder_from is None:
        return STAGES
    replaced = {"autoencoder": lambda run: reuse_autoencoder(run, reuse_autoencoder_from),
                "decoder": lambda run: {"skipped": "the reused autoencoder's decoder is kept"}}
    return [(name, replaced.get(name, stage)) for name, stage in STAGES]


def train(cfg: TrainConfig, out: Path, device: str = "cpu", until: str | None = None,
          reuse_autoencoder_from: Path | None = None) -> dict:
    torch.set_num_threads(cfg.threads)
    out.mkdir(parents=True, exist_ok=True)
    (out / "work").mkdir(exist_ok=True)
    saved = out / "config.json"
    if saved.exists():
        before, now = json.loads(saved.read_text()), json.loads(cfg.to_json())
        changed = [k for k in ARCHITECTURE if before.get(k) != now[k]]
        if changed:  # budgets and sampler settings may change between resumes (later stages use them); models may not
            raise ValueError(f"{out} holds a run of a different config ({', '.join(changed)}); use a fresh --out")
    saved.write_text(cfg.to_json() + "\n")
    report_path = out / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    report["config"] = cfg.name
    tokens = load_tokenizers(out / "weights") if (out / "weights" / "verifier" / "tokenizer.json").exists() else \
        build_tokenizers(out / "weights", TEXT_VOCAB, VERIFIER_VOCAB)
    write_chat_template(out / "weights" / "verifier")  # (also into a run begun before the export read it)
    run = Run(cfg, out, torch.device(device), tokens, report)
    for name, stage in _stages(reuse_autoencoder_from):
        if name == VERIFIER_STAGES[0]:
            _lanes_first(run, until, device)
        if run.finished(name) is None:
            began = time.monotonic()
            print(f"== stage {name}", flush=True)
            summary = stage(run)
            summary["wall_seconds"] = round(time.monotonic() - began, 1)
            run.finish(name, summary)
            print(f"== {name}: {json.dumps(summary)[:400]}", flush=True)
        else:
            run.report[name] = run.finished(name)
        if name == until:
            break
    if (out / "weights" / "training_config.json").exists():
        (out / "weights" / "training_report.json").write_text(json.dumps(run.report, indent=2) + "\n")
    return run.report
