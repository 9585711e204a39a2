"""`python -m shapes.train --out DIR [--config full|smoke]`: trains the shapes bundle's models from nothing
(resumes a run in DIR); DIR/weights is then the export tool's --weights folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from .config import CONFIGS, get_config
from .run import STAGE_NAMES, train


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shapes.train", description=__doc__)
    p.add_argument("--out", type=Path, help="run folder (created; an interrupted run there resumes)")
    p.add_argument("--config", default="full", choices=tuple(CONFIGS), help="stage budgets and model sizes")
    p.add_argument("--smoke", action="store_true", help="same as --config smoke: a few steps of every stage")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda)")
    p.add_argument("--reuse-autoencoder", type=Path, metavar="WEIGHTS",
                   help="take the autoencoder from an earlier run's weights folder (e.g. ../models/shapes-weights) "
                        "instead of training it; the generator and verifiers are trained on its latents")
    p.add_argument("--until", choices=STAGE_NAMES, help="stop after this stage (a later call resumes from there)")
    p.add_argument("--print-config", action="store_true", help="print the config as JSON and exit")
    args = p.parse_args(argv)
    cfg = get_config("smoke" if args.smoke else args.config)
    if args.print_config:
        print(cfg.to_json())
        return 0
    if args.out is None:
        p.error("--out is required")

    report = train(cfg, args.out, args.device, until=args.until, reuse_autoencoder_from=args.reuse_autoencoder)
    print(f"weights in {args.out / 'weights'}; report in {args.out / 'report.json'}")
    for key in ("generator_heldout",):
        print(key, report.get(key))
    for kind in ("vhs", "clip", "ae"):
        if kind in report:
            print(kind, report[kind]["heldout"])
    return 0
