"""Exports a whole bundle: tokenizers, every graph (traced, cleaned, checked against torch) and manifest.json."""

from __future__ import annotations

import copy
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer
from tqdm import tqdm

from .check import CheckResult, check_graph, session
from .configs import VHS_PREFIX, BundleConfig, get_config
from .examples import example_inputs, graph_signature
from .family import family_of
from .manifest import build_manifest, write_manifest
from .onnx_io import export_graph
from .pipeline import DTYPES, GRAPH_NAMES, build_modules
from .tokenizer_files import build_verifier_tokenizer


@dataclass
class GraphRow:
    graph: str
    file_bytes: int
    params: int
    max_rel_error: float | None
    load_ok: bool
    seconds: float


def _tokenizers(cfg: BundleConfig, out: Path, weights: Path | None) -> tuple[int, int]:
    """Copies a checkpoint's tokenizers when --weights has them, else trains small ones; returns yes/no ids."""
    family = family_of(cfg)
    text_src = weights / "tokenizer" if weights else None
    verifier_src = weights / "verifier" / "tokenizer.json" if weights else None
    if text_src and text_src.is_dir() and verifier_src and verifier_src.exists():
        family.copy_text_tokenizer(weights, out / "text_tokenizer.json")
        shutil.copyfile(verifier_src, out / "verifier_tokenizer.json")
        tok = Tokenizer.from_file(str(verifier_src))
        yes, no = tok.encode("yes", add_special_tokens=False).ids, tok.encode("no", add_special_tokens=False).ids
        yes_id, no_id = yes[0], no[0]
    else:
        family.build_text_tokenizer(cfg, out / "text_tokenizer.json")
        ids = build_verifier_tokenizer(cfg.verifier_vocab_size, out / "verifier_tokenizer.json")
        yes_id, no_id = ids.yes_token_id, ids.no_token_id
    tok = Tokenizer.from_file(str(out / "verifier_tokenizer.json"))
    cfg.prefix_len = len(tok.encode(VHS_PREFIX, add_special_tokens=False).ids)
    if cfg.complex_human_instruction and (weights or cfg.name != "real"):
        # SanaSprintPipeline: max_length = len(tokenizer.encode(chi_prompt)) + max_sequence_length − 2, so the
        # kept [0] + last (output_length − 1) embeddings cover the whole prompt (real-shape without the Gemma
        # tokenizer keeps the config's ≈500 estimate)
        text = Tokenizer.from_file(str(out / "text_tokenizer.json"))
        chi = len(text.encode("\n".join(cfg.complex_human_instruction)).ids)
        max_length = chi + cfg.text_output_length - 2
        if not weights and max_length != cfg.text_max_length:
            raise ValueError(f"config {cfg.name}: text_max_length {cfg.text_max_length} != SANA's {max_length} for its CHI")
        cfg.text_max_length = max_length
    return yes_id, no_id


def export_bundle(
    config: str,
    out: Path,
    weights: Path | None = None,
    split_layer: int | None = None,
    dtype: str = "fp32",
    seed: int = 0,
    skip_check: bool = False,
    graphs: tuple[str, ...] = GRAPH_NAMES,
    progress: bool = True,
) -> list[GraphRow]:
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    cfg = get_config(config, split_layer)
    if weights is not None and cfg.weights_bundle_id:
        cfg.bundle_id = cfg.weights_bundle_id
    out.mkdir(parents=True, exist_ok=True)
    yes_id, no_id = _tokenizers(cfg, out, weights)
    reference = build_modules(cfg, "fp32", "cpu", seed=seed, weights=weights, token_ids=(yes_id, no_id), graph_names=graphs)
    if dtype == "fp32":
        exported = reference.graphs
    elif skip_check:  # no fp32 reference needed: cast in place (a real-size copy would double the memory)
        exported = {name: m.to(DTYPES[dtype]) for name, m in reference.graphs.items()}
    else:
        exported = {name: copy.deepcopy(m).to(DTYPES[dtype]) for name, m in reference.graphs.items()}
    signature = graph_signature(cfg)
    rows: list[GraphRow] = []
    bar = tqdm(graphs, desc=f"export {cfg.name}", unit="graph", disable=not progress)
    for name in bar:
        bar.set_postfix_str(name)
        start = time.perf_counter()
        path = out / f"{name}.onnx"
        example = example_inputs(cfg, name, batch=2, seed=seed + 7)
        facts = export_graph(exported[name], example, signature[name], path)
        result: CheckResult | None = None
        if skip_check:
            session(path)  # still load it at ORT_ENABLE_ALL (raises if onnxruntime refuses the file)
            result = CheckResult(float("nan"), True)
        else:
            def make(batch, s, suffix_len, _name=name):
                return example_inputs(cfg, _name, batch, s, suffix_len=suffix_len)

            result = check_graph(name, path, reference.graphs[name], make, dtype, cfg.max_batch)
        size = path.stat().st_size + (path.with_name(path.name + ".data").stat().st_size if path.with_name(path.name + ".data").exists() else 0)
        rows.append(GraphRow(name, size, facts["params"], result.max_rel_error if result else None, bool(result and result.load_ok), time.perf_counter() - start))
    stats_shape = [int(reference.upstream.hidden_mean.numel())]
    write_manifest(build_manifest(cfg, dtype, list(graphs), yes_id, no_id, stats_shape), out)
    return rows


def format_table(rows: list[GraphRow]) -> str:
    head = f"{'graph':<13} {'size':>10} {'params':>14} {'max rel err':>12} {'load OK':>8} {'time s':>7}"
    lines = [head, "-" * len(head)]
    for r in rows:
        err = "skipped" if r.max_rel_error is None or r.max_rel_error != r.max_rel_error else f"{r.max_rel_error:.2e}"
        size = f"{r.file_bytes / 1024**2:.2f} MB" if r.file_bytes > 1024**2 else f"{r.file_bytes / 1024:.1f} kB"
        lines.append(f"{r.graph:<13} {size:>10} {r.params:>14,} {err:>12} {('yes' if r.load_ok else '-'):>8} {r.seconds:>7.1f}")
    total = sum(r.file_bytes for r in rows)
    lines.append(f"total {total / 1024**2:.2f} MB")
    return "\n".join(lines)
