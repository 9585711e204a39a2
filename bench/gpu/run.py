"""GPU benchmark: the real-size pipeline (random weights, fp16) timed in torch on one CUDA GPU, in the
modes vhs / clip / reference, printed like the paper's Table 1 and written as JSON to OUT_DIR.

It times the very modules the export tool turns into the bundle's graphs (gpu-backend/export:
build_modules), so the numbers are those of our fused graphs' compute, not of onnxruntime's CUDA EP
(which this machine cannot install: its CUDA provider comes from NuGet). Usage:
    python bench/gpu/run.py OUT_DIR [--config real] [--device cuda] [--ns 1,4,6,9,15] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "gpu-backend" / "export"))

from export.configs import get_config  # noqa: E402
from export.pipeline import build_upstream, default_token_ids, fuse  # noqa: E402

# Paper (arXiv 2603.22492, A100, SANA-Sprint 1.6B + Qwen2.5-0.5B, 1024 px), ms — for the side-by-side column.
PAPER_MS = {("vhs", 1): 102, ("vhs", 2): 363, ("vhs", 4): 565, ("vhs", 6): 767, ("clip", 1): 277, ("clip", 6): 1662}


class Stopwatch:
    """Per-stage wall time with device synchronisation, so a stage's ms include its kernels."""

    def __init__(self, device: torch.device) -> None:
        self.device, self.stages = device, {}

    def sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def run(self, stage: str, fn, *args):
        self.sync()
        t0 = time.perf_counter()
        out = fn(*args)
        self.sync()
        self.stages[stage] = self.stages.get(stage, 0.0) + (time.perf_counter() - t0) * 1000
        return out


def batches(n: int, max_batch: int):
    start = 0
    while start < n:
        yield start, min(n, start + max_batch)
        start += max_batch


class Pipelines:
    """The three ways of producing one image from N candidates, over the same fused modules.

    The graphs take their prompt inputs per row (one batch may mix requests); here every batch is one
    request, so its prompt is repeated on each row and propose gets one group of all its rows."""

    def __init__(self, graphs, inputs, max_batch: int) -> None:
        self.g, self.x, self.max_batch = graphs, inputs, max_batch
        self.suffix = inputs["suffix_ids"][:1]  # one request's suffix, all of its ids real
        self.suffix_len = torch.tensor([self.suffix.shape[1]], device=self.suffix.device)

    def verifier_rows(self, k: int):
        return self.x["prefix_ids"], self.suffix.expand(k, -1), self.suffix_len.expand(k)

    @staticmethod
    def rows(t, k: int):
        return t.expand(k, *t.shape[1:])

    def text(self, sw):
        return sw.run("text_encode", self.g["text_encoder"], self.x["input_ids"], self.x["attention_mask"])

    def vhs(self, sw, n):
        """Ours: prompt encoded once, DiT head + verifier batched, only the winner finished and decoded."""
        pe, pm = self.text(sw)
        best, best_hidden, best_noise = None, None, None
        for a, b in batches(n, self.max_batch):
            noise, k = self.x["noise"][a:b], b - a
            one_group = torch.ones(1, k, dtype=torch.int64, device=noise.device)
            rows = (self.rows(pe, k), self.rows(pm, k), *self.verifier_rows(k), one_group)
            scores, win, hidden = sw.run("propose", self.g["propose"], noise, *rows)
            i = int(win.item())  # the batch winner's index crosses to the host, nothing else
            if best is None or scores[i] > best:
                best, best_hidden, best_noise = scores[i], hidden, noise[i : i + 1]
        return sw.run("finish", self.g["finish"], best_hidden, best_noise, pe, pm)

    def clip(self, sw, n):
        """MLLM-with-CLIP baseline: every candidate finished and decoded, CLIP-encoded and scored."""
        pe, pm = self.text(sw)
        all_scores, images = [], []
        for a, b in batches(n, self.max_batch):
            noise, k = self.x["noise"][a:b], b - a
            text = (self.rows(pe, k), self.rows(pm, k))
            hidden = sw.run("dit_head", self.g["dit_head"], noise, *text)
            img = sw.run("finish", self.g["finish"], hidden, noise, *text)
            all_scores.append(sw.run("clip_verify", self.g["clip_verify"], img, *self.verifier_rows(k)))
            images.append(img)
        winner = int(torch.cat(all_scores).argmax().item())
        return torch.cat(images)[winner]

    def reference(self, sw, n):
        """The released VHS code: candidates one at a time, Gemma re-run per candidate, DiT blocks after
        ℓ* passed through (head + final layer), 3-beam generate (= 3× the Qwen prefill), then the
        winner regenerated from scratch with the full DiT and decoded."""
        scores = []
        for i in range(n):
            pe, pm = self.text(sw)
            noise = self.x["noise"][i : i + 1]
            hidden = sw.run("dit_head", self.g["dit_head"], noise, pe, pm)
            beams = hidden.expand(3, -1, -1)
            scores.append(sw.run("vhs_verify_3beam", self.g["vhs_verify"], beams, *self.verifier_rows(3))[0])
        winner = int(torch.stack(scores).argmax().item())
        pe, pm = self.text(sw)
        noise = self.x["noise"][winner : winner + 1]
        hidden = sw.run("regen_dit_head", self.g["dit_head"], noise, pe, pm)
        latent = sw.run("regen_dit_tail", self.g["dit_tail"], hidden, noise, pe, pm)
        return sw.run("regen_vae_decode", self.g["vae_decode"], latent)


def measure(fn, device, n, warmup: int, runs: int):
    for _ in range(warmup):
        fn(Stopwatch(device), n)
    totals, stage_runs = [], []
    for _ in range(runs):
        sw = Stopwatch(device)
        t0 = time.perf_counter()
        fn(sw, n)
        sw.sync()
        totals.append((time.perf_counter() - t0) * 1000)
        stage_runs.append(sw.stages)
    stages = {k: statistics.median(r.get(k, 0.0) for r in stage_runs) for k in stage_runs[0]}
    return statistics.median(totals), stages, totals


def table(pipes: Pipelines, exec_name: str, modes, ns, device, args) -> list[dict]:
    rows = []
    with torch.inference_mode():
        for mode in modes:
            for n in ns:
                total, stages, totals = measure(getattr(pipes, mode), device, n, args.warmup, args.runs)
                peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None
                rows.append({"exec": exec_name, "mode": mode, "n": n, "total_ms": round(total, 2), "stages": {k: round(v, 2) for k, v in stages.items()}, "runs": [round(t, 2) for t in totals], "peak_gib": peak})
                print(f"{exec_name:>11} {mode:>9} N={n:<2} {total:9.1f} ms  " + " ".join(f"{k}={v:.1f}" for k, v in stages.items()), flush=True)
    return rows


def profile_one(pipes: Pipelines, device: torch.device, spec: str, out_dir: Path) -> None:
    """Where one run's time goes: the top kernels by device time, and host vs device time, so a slow stage
    can be told apart as launch-bound (host ≫ device) or kernel-bound."""
    from torch.profiler import ProfilerActivity, profile

    mode, n = spec.split(":")
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        getattr(pipes, mode)(Stopwatch(device), int(n))
        Stopwatch(device).sync()
    table = prof.key_averages().table(sort_by="cuda_time_total", row_limit=25)
    print(table)
    (out_dir / f"profile-{mode}-{n}.txt").write_text(table)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--config", default="real")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="fp16", choices=["fp16", "fp32"])
    ap.add_argument("--ns", default="1,4,6,9,15")
    ap.add_argument("--modes", default="vhs,clip,reference")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--max-batch", type=int, default=8)
    ap.add_argument("--profile", default="", help="mode:N to trace with torch.profiler after timing (e.g. vhs:4)")
    ap.add_argument("--cuda-graphs", action="store_true", help="also time every point with CUDA-graph replay")
    ap.add_argument("--attn", default="eager", choices=["eager", "sdpa"], help="transformers attention kernels (export uses eager)")
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    device = torch.device(args.device)
    dtype = {"fp16": torch.float16, "fp32": torch.float32}[args.dtype]
    ns = [int(v) for v in args.ns.split(",")]
    modes = args.modes.split(",")

    t_build = time.perf_counter()
    cfg = get_config(args.config)
    up = build_upstream(cfg, seed=0, device=device)  # random weights straight on the device: no host init
    if args.attn == "sdpa":
        # Qwen2 and CLIP: same maths, fused kernels. Gemma-2's logit soft-capping has no SDPA form, so its
        # text encode is then a timing stand-in (noted in the JSON), not the exact encoder.
        for model in (up.llm, up.clip, up.text_encoder):
            model.set_attn_implementation("sdpa")
    graphs = fuse(cfg, up, dtype, default_token_ids(cfg))
    for module in graphs.values():
        module.to(device)  # buffers our fused modules create (e.g. index tensors) start on the host
    from export.examples import example_inputs

    inputs = {}
    for graph in ("text_encoder", "propose"):
        inputs.update(example_inputs(cfg, graph, batch=max(ns), seed=1, device=device))
    build_s = time.perf_counter() - t_build
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    print(f"built {args.config} ({args.dtype}) on {name} in {build_s:.1f} s", flush=True)

    rows = table(Pipelines(graphs, inputs, args.max_batch), "eager", modes, ns, device, args)
    if args.profile:
        with torch.inference_mode():
            profile_one(Pipelines(graphs, inputs, args.max_batch), device, args.profile, out_dir)
    if args.cuda_graphs and device.type == "cuda":
        from cuda_graphs import graphed

        replay = graphed(graphs)
        for mode in modes:  # one mode at a time: each captured graph keeps its own activation pool
            rows += table(Pipelines(replay, inputs, args.max_batch), "cuda_graphs", [mode], ns, device, args)
            for module in replay.values():
                module.release()
            torch.cuda.empty_cache()

    by = {(r["exec"], r["mode"], r["n"]): r["total_ms"] for r in rows}
    execs = sorted({r["exec"] for r in rows}, reverse=True)

    def ratio(ex, a, b, n):
        return round(by[(ex, a, n)] / by[(ex, b, n)], 3) if (ex, a, n) in by and (ex, b, n) in by else None

    ratios = {
        ex: {f"N={n}": {"vhs_over_clip": ratio(ex, "vhs", "clip", n), "vhs_over_reference": ratio(ex, "vhs", "reference", n)} for n in ns}
        for ex in execs
    }
    print("\nTable 1 (ms; paper = A100 numbers from arXiv 2603.22492)")
    print(f"{'method':<24}" + "".join(f"{'Bo' + str(n):>10}" for n in ns))
    for ex in execs:
        for mode in modes:
            print(f"{mode + ' (' + ex + ')':<24}" + "".join(f"{by.get((ex, mode, n), float('nan')):>10.1f}" for n in ns))
    for mode in ("vhs", "clip"):
        print(f"{'paper ' + mode:<24}" + "".join(f"{PAPER_MS.get((mode, n), float('nan')):>10.0f}" for n in ns))
    print("ratios:", json.dumps(ratios))
    result = {
        "device": name, "torch": torch.__version__, "config": args.config, "dtype": args.dtype, "build_s": round(build_s, 1),
        "attention": args.attn, "attention_note": "gemma2 soft-capping dropped under sdpa" if args.attn == "sdpa" else None,
        "max_batch": args.max_batch, "warmup": args.warmup, "runs_per_point": args.runs, "rows": rows, "ratios": ratios,
        "paper_ms": {f"{m}_bo{n}": v for (m, n), v in PAPER_MS.items()},
    }
    (out_dir / "gpu.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {out_dir / 'gpu.json'}")


if __name__ == "__main__":
    main()
