"""FLOPs per graph and per pipeline stage, counted by torch's FlopCounterMode (matmuls, convolutions,
attention) under FakeTensorMode: shapes only, no memory, so real sizes count in a second. (Not the meta
device: transformers' mask code reads tensor values unless it sees fake tensors.)
Usage: python -m export.flops --config proportional [--json]"""

from __future__ import annotations

import argparse
import json

import torch
from torch._subclasses.fake_tensor import FakeTensorMode
from torch.utils.flop_counter import FlopCounterMode

from .configs import CONFIG_NAMES, BundleConfig, get_config
from .examples import example_inputs
from .pipeline import GRAPH_NAMES, build_upstream, fuse
from .score_tokens import ScoreTokens

# the real pipeline's per-stage cost, TFLOP
REAL_TFLOP = {"dit_head": 1.18, "dit_all": 2.96, "vae_decode": 8.37, "clip": 0.38, "qwen": 0.92, "text_encoder": 2.1}


_MODE = FakeTensorMode(allow_non_fake_inputs=True)


def _count(module: torch.nn.Module, inputs: dict[str, torch.Tensor]) -> int:
    with _MODE, FlopCounterMode(display=False) as counter, torch.no_grad():
        module(**inputs)
    return int(counter.get_total_flops())


def _fake_graphs(cfg: BundleConfig):
    with _MODE:
        up = build_upstream(cfg, 0)
        graphs = fuse(cfg, up, torch.float32, ScoreTokens(1, 2, (1,)))
    return up, graphs


def _fake_inputs(cfg: BundleConfig, graph: str, batch: int) -> dict[str, torch.Tensor]:
    return {k: _MODE.from_tensor(v) for k, v in example_inputs(cfg, graph, batch).items()}


def graph_flops(cfg: BundleConfig, graphs: dict[str, torch.nn.Module] | None = None) -> dict[str, dict[str, int]]:
    """graph → {fixed, per_candidate} from counts at batch 1 and 2 (text_encoder runs once per request)."""
    graphs = graphs or _fake_graphs(cfg)[1]
    out = {}
    for name in GRAPH_NAMES:
        one = _count(graphs[name], _fake_inputs(cfg, name, 1))
        if name == "text_encoder":
            out[name] = {"fixed": one, "per_candidate": 0}
            continue
        two = _count(graphs[name], _fake_inputs(cfg, name, 2))
        out[name] = {"fixed": 2 * one - two, "per_candidate": two - one}
    return out


def stage_flops(cfg: BundleConfig) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The stages the cost model prices, per candidate (text_encoder: per request), and the per-graph counts."""
    _, graphs = _fake_graphs(cfg)
    per = graph_flops(cfg, graphs)
    clip = _count(graphs["clip_verify"].features, {"image": _fake_inputs(cfg, "clip_verify", 1)["image"]})
    stages = {
        "text_encoder": per["text_encoder"]["fixed"],
        "dit_head": per["dit_head"]["per_candidate"],
        "dit_all": per["dit_head"]["per_candidate"] + per["dit_tail"]["per_candidate"],
        "vae_decode": per["vae_decode"]["per_candidate"],
        "clip": clip,
        "qwen": per["vhs_verify"]["per_candidate"],
        "propose": per["propose"]["per_candidate"],
        "finish": per["finish"]["per_candidate"],
    }
    return stages, per


def report(name: str) -> dict:
    cfg = get_config(name)
    stages, graphs = stage_flops(cfg)
    unit = stages["dit_head"] / REAL_TFLOP["dit_head"]
    rows = {
        k: {"gflop": v / 1e9, "relative_to_dit_head": v / stages["dit_head"], "real_tflop": REAL_TFLOP.get(k),
            "real_relative": (REAL_TFLOP[k] / REAL_TFLOP["dit_head"]) if k in REAL_TFLOP else None}
        for k, v in stages.items()
    }
    return {"config": name, "stages": rows, "graphs": graphs, "scale_vs_real": unit / 1e12}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m export.flops", description="Count FLOPs per graph/stage of a config (meta device).")
    p.add_argument("--config", choices=CONFIG_NAMES, default="proportional")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    rep = report(args.config)
    if args.json:
        print(json.dumps(rep, indent=2))
        return 0
    print(f"{'stage':<13} {'GFLOP':>10} {'× dit_head':>10} {'real ×':>8}")
    for k, r in rep["stages"].items():
        real = "" if r["real_relative"] is None else f"{r['real_relative']:.2f}"
        print(f"{k:<13} {r['gflop']:>10.3f} {r['relative_to_dit_head']:>10.2f} {real:>8}")
    print("graphs (GFLOP fixed + per candidate):")
    for k, g in rep["graphs"].items():
        print(f"  {k:<13} {g['fixed'] / 1e9:>9.3f} + {g['per_candidate'] / 1e9:.3f}·N")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
