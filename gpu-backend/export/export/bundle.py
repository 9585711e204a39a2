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

from .activations import FP16_MAX, PROMPT, peak_activation, realistic_inputs
from .check import CheckResult, check_graph, ort_errors, provider_for, session
from .configs import BundleConfig, get_config
from .examples import example_inputs, graph_signature
from .family import family_of
from .manifest import build_manifest, write_manifest
from .onnx_io import export_graph
from .pipeline import DTYPES, GRAPH_NAMES, build_modules
from .precision import graph_precision, refuse_unrunnable
from .report import write_report
from .score_tokens import ScoreTokens, score_tokens
from .tokenizer_files import build_verifier_tokenizer
from .verifier_template import checkpoint_template, default_template


@dataclass
class GraphRow:
    graph: str
    file_bytes: int
    params: int
    max_rel_error: float | None
    load_ok: bool
    seconds: float
    precision: str = "fp32"
    peak_activation: float = 0.0
    peak_module: str = ""


def _tokenizers(cfg: BundleConfig, out: Path, weights: Path | None) -> ScoreTokens:
    """Copies a checkpoint's tokenizers when --weights has them, else trains small ones; renders the verifier
    template (the checkpoint's chat template, else the default one) into cfg; returns the answer tokens."""
    family = family_of(cfg)
    text_src = weights / "tokenizer" if weights else None
    verifier_src = weights / "verifier" / "tokenizer.json" if weights else None
    if text_src and text_src.is_dir() and verifier_src and verifier_src.exists():
        family.copy_text_tokenizer(weights, out / "text_tokenizer.json")
        shutil.copyfile(verifier_src, out / "verifier_tokenizer.json")
        template = checkpoint_template(verifier_src.parent)
    else:
        family.build_text_tokenizer(cfg, out / "text_tokenizer.json")
        build_verifier_tokenizer(cfg.verifier_vocab_size, out / "verifier_tokenizer.json")
        template = default_template()
    cfg.template_prefix, cfg.template_suffix = template.prefix, template.suffix
    tok = Tokenizer.from_file(str(out / "verifier_tokenizer.json"))
    tokens = score_tokens(tok)
    cfg.prefix_len = len(tok.encode(template.prefix, add_special_tokens=False).ids)
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
    return tokens


def _prompt_ids(cfg: BundleConfig, out: Path):
    """A real prompt through both tokenizers, as the backend tokenizes it (for the activation measurement)."""
    text = Tokenizer.from_file(str(out / "text_tokenizer.json"))
    ids = text.encode("\n".join(cfg.complex_human_instruction) + PROMPT).ids[: cfg.text_max_length]
    input_ids = torch.full((1, cfg.text_max_length), cfg.text_encoder.get("pad_token_id", 0), dtype=torch.int64)
    mask = torch.zeros((1, cfg.text_max_length), dtype=torch.int64)
    input_ids[0, : len(ids)], mask[0, : len(ids)] = torch.tensor(ids), 1
    verifier = Tokenizer.from_file(str(out / "verifier_tokenizer.json"))
    prefix = verifier.encode(cfg.template_prefix, add_special_tokens=False).ids
    suffix = verifier.encode(cfg.template_suffix.replace("{prompt}", PROMPT), add_special_tokens=False).ids
    return (input_ids, mask), torch.tensor([prefix]), torch.tensor([suffix])


def _cast_graphs(reference: dict[str, torch.nn.Module], precision: dict[str, str], in_place: bool) -> dict[str, torch.nn.Module]:
    """Each graph in its precision. In place (no fp32 reference kept) only when every graph shares one dtype,
    because graphs share upstream modules (propose and vhs_verify hold the same LLM)."""
    kinds = set(precision.values())
    if kinds == {"fp32"}:
        return dict(reference)
    if in_place and len(kinds) == 1:
        return {name: m.to(DTYPES[precision[name]]) for name, m in reference.items()}
    return {name: m if precision[name] == "fp32" else copy.deepcopy(m).to(DTYPES[precision[name]]) for name, m in reference.items()}


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
    fp16_max: float = FP16_MAX,
) -> list[GraphRow]:
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    cfg = get_config(config, split_layer)
    if weights is not None and cfg.weights_bundle_id:
        cfg.bundle_id = cfg.weights_bundle_id
    out.mkdir(parents=True, exist_ok=True)
    tokens = _tokenizers(cfg, out, weights)
    reference = build_modules(cfg, "fp32", "cpu", seed=seed, weights=weights, token_ids=tokens, graph_names=graphs)
    built = {name: reference.graphs[name] for name in graphs}
    feeds = realistic_inputs(cfg, built, *_prompt_ids(cfg, out), batch=1)
    peaks = {name: peak_activation(module, feeds[name]) for name, module in built.items()}
    precision = {name: graph_precision(dtype, peaks[name].value, fp16_max) for name in graphs}
    exported = _cast_graphs(built, precision, in_place=skip_check)
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
        provider = provider_for(precision[name])
        try:
            if skip_check:
                session(path, provider=provider)  # still load it at ORT_ENABLE_ALL (raises if onnxruntime refuses the file)
                result = CheckResult(float("nan"), True)
            else:
                def make(batch, s, suffix_len, _name=name):
                    return example_inputs(cfg, _name, batch, s, suffix_len=suffix_len)

                result = check_graph(name, path, reference.graphs[name], make, precision[name], cfg.max_batch)
        except ort_errors() as err:
            if precision[name] != "bf16":
                raise
            raise refuse_unrunnable(name, "bf16", provider, err) from err
        size = path.stat().st_size + (path.with_name(path.name + ".data").stat().st_size if path.with_name(path.name + ".data").exists() else 0)
        rows.append(
            GraphRow(
                name, size, facts["params"], result.max_rel_error if result else None, bool(result and result.load_ok),
                time.perf_counter() - start, precision[name], peaks[name].value, peaks[name].module,
            )
        )
    stats_shape = [int(reference.upstream.hidden_mean.numel())]
    manifest = build_manifest(cfg, dtype, list(graphs), tokens, stats_shape, reference.upstream.trained, weights is None, precision)
    write_manifest(manifest, out)
    write_report(out, cfg, dtype, rows, fp16_max)
    return rows


def format_table(rows: list[GraphRow]) -> str:
    head = f"{'graph':<13} {'size':>10} {'params':>14} {'max rel err':>12} {'load OK':>8} {'time s':>7} {'compute':>8} {'peak |act|':>11}  where"
    lines = [head, "-" * len(head)]
    for r in rows:
        err = "skipped" if r.max_rel_error is None or r.max_rel_error != r.max_rel_error else f"{r.max_rel_error:.2e}"
        size = f"{r.file_bytes / 1024**2:.2f} MB" if r.file_bytes > 1024**2 else f"{r.file_bytes / 1024:.1f} kB"
        lines.append(
            f"{r.graph:<13} {size:>10} {r.params:>14,} {err:>12} {('yes' if r.load_ok else '-'):>8} {r.seconds:>7.1f}"
            f" {r.precision:>8} {r.peak_activation:>11.4g}  {r.peak_module}"
        )
    total = sum(r.file_bytes for r in rows)
    lines.append(f"total {total / 1024**2:.2f} MB")
    return "\n".join(lines)
