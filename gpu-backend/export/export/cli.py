"""Command line of the export tool: `python -m export --config tiny --out DIR` (see README.md)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .configs import CONFIG_NAMES


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m export",
        description="Export a one-step generator + VHS pipeline (SANA-Sprint or PixArt-α-DMD; diffusers/transformers "
        "upstream modules) to the ONNX bundle the tinyscale backend loads (docs/contracts.md §1). Random weights with a "
        "fixed seed unless --weights.",
    )
    p.add_argument("--config", required=True, choices=CONFIG_NAMES, help="bundle: tiny/proportional/real (SANA-Sprint), pixart-tiny/pixart-real (PixArt-α-DMD)")
    p.add_argument("--out", required=True, type=Path, help="output folder (created)")
    p.add_argument("--weights", type=Path, help="checkpoint folder in upstream layouts (see README); loaded strictly")
    p.add_argument("--split-layer", type=int, help="ℓ*: last DiT layer run before scoring (default: the config's)")
    p.add_argument(
        "--dtype", choices=("fp32", "fp16", "bf16"), default="fp32",
        help="compute dtype inside the graphs (I/O stays fp32/int64/uint8); fp16: a graph whose measured activations "
        "exceed fp16's range stays fp32; bf16: needs onnxruntime's CUDA provider (its CPU provider lacks bf16 kernels)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    p.add_argument("--skip-check", action="store_true", help="skip the onnxruntime-vs-torch numeric check")
    p.add_argument("--graphs", help="comma-separated subset of graphs to export (default: all)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .bundle import export_bundle, format_table
    from .check import CheckError
    from .precision import PrecisionError
    from .verifier_template import TemplateError
    from .pipeline import GRAPH_NAMES
    from .weights import WeightsError

    graphs = tuple(args.graphs.split(",")) if args.graphs else GRAPH_NAMES
    unknown = [g for g in graphs if g not in GRAPH_NAMES]
    if unknown:
        print(f"error: unknown graph(s) {', '.join(unknown)}; choose from {', '.join(GRAPH_NAMES)}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        rows = export_bundle(args.config, args.out, args.weights, args.split_layer, args.dtype, args.seed, args.skip_check, graphs)
    except (CheckError, WeightsError, PrecisionError, TemplateError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(format_table(rows))
    print(f"report: {args.out / 'export_report.json'} (compute precision and largest |activation| per graph)")
    print(f"bundle written to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0
