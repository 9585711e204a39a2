"""ORT CPU latency of every graph of a bundle at a few batch sizes (median of repeated runs after warm-up).
Usage: python -m export.timing DIR [--batches 1,4] [--runs 10] [--threads N]"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from .check import session

_DTYPES = {"float32": np.float32, "int64": np.int64, "uint8": np.uint8}


def _feeds(graph: dict, batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    feeds = {}
    for spec in graph["inputs"]:
        shape = [batch if d == "batch" else 40 if d == "suffix_len" else 1 if d == "groups" else d for d in spec["shape"]]
        if spec["name"] == "suffix_length":
            feeds[spec["name"]] = np.full(shape, 40, dtype=np.int64)
        elif spec["dtype"] == "float32":
            feeds[spec["name"]] = rng.standard_normal(shape).astype(np.float32)
        elif spec["name"].endswith("mask"):
            feeds[spec["name"]] = np.ones(shape, dtype=np.int64)
        else:
            feeds[spec["name"]] = rng.integers(0, 200, shape).astype(_DTYPES[spec["dtype"]])
    return feeds


def time_bundle(folder: Path, batches=(1, 4), runs: int = 10, threads: int = 0) -> dict[str, dict[int, float]]:
    manifest = json.loads((folder / "manifest.json").read_text())
    rng = np.random.default_rng(0)
    out: dict[str, dict[int, float]] = {}
    for name, graph in manifest["graphs"].items():
        sess = session(folder / graph["file"], threads)
        out[name] = {}
        for batch in (1,) if name == "text_encoder" else batches:
            feeds = _feeds(graph, batch, rng)
            sess.run(None, feeds)  # warm-up
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                sess.run(None, feeds)
                samples.append((time.perf_counter() - start) * 1000)
            out[name][batch] = statistics.median(samples)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m export.timing", description=__doc__.splitlines()[0])
    p.add_argument("bundle", type=Path)
    p.add_argument("--batches", default="1,4")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="ORT intra-op threads (0 = ORT default)")
    args = p.parse_args(argv)
    batches = tuple(int(b) for b in args.batches.split(","))
    result = time_bundle(args.bundle, batches, args.runs, args.threads)
    print(f"{'graph':<13} " + " ".join(f"{'b=' + str(b):>10}" for b in batches) + "   (median ms, ORT CPU)")
    for name, per in result.items():
        print(f"{name:<13} " + " ".join(f"{per[b]:>10.2f}" if b in per else f"{'-':>10}" for b in batches))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
