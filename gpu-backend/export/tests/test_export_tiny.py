"""`python -m export --config tiny` end to end: every contract graph, checked numerics, the manifest, the
tokenizers, reproducibility of the committed bundle, and loading in onnxruntime-node at level 'all'."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import onnx
import pytest
from tokenizers import Tokenizer

from export.check import session
from export.configs import get_config
from export.examples import example_inputs
from export.pipeline import GRAPH_NAMES

REQUIRED_IO = {
    "text_encoder": (["input_ids", "attention_mask"], ["prompt_embeds", "prompt_mask"]),
    "propose": (
        ["noise", "prompt_embeds", "prompt_mask", "prefix_ids", "suffix_ids", "suffix_length", "group_mask"],
        ["scores", "winner_index", "winner_hidden"],
    ),
    "finish": (["hidden", "noise", "prompt_embeds", "prompt_mask"], ["image"]),
    "dit_head": (["noise", "prompt_embeds", "prompt_mask"], ["hidden"]),
    "dit_tail": (["hidden", "noise", "prompt_embeds", "prompt_mask"], ["latent"]),
    "vae_decode": (["latent"], ["image"]),
    "vhs_verify": (["hidden", "prefix_ids", "suffix_ids", "suffix_length"], ["scores"]),
    "clip_verify": (["image", "prefix_ids", "suffix_ids", "suffix_length"], ["scores"]),
    "ae_verify": (["latent", "prefix_ids", "suffix_ids", "suffix_length"], ["scores"]),
}
ONNX_DTYPES = {onnx.TensorProto.FLOAT: "float32", onnx.TensorProto.INT64: "int64", onnx.TensorProto.UINT8: "uint8"}


def test_fresh_export_checks_every_graph(fresh_tiny):
    out, rows = fresh_tiny
    assert [r.graph for r in rows] == list(GRAPH_NAMES)
    for row in rows:
        assert row.load_ok and row.max_rel_error is not None
        bound = 1e-4 if row.graph not in ("finish", "vae_decode") else 1 / 255 + 1e-9
        assert row.max_rel_error <= bound, row
    assert sum(r.file_bytes for r in rows) < 20 * 1024**2


def test_manifest_matches_graph_files(committed_bundle, committed_manifest):
    m = committed_manifest
    assert m["format_version"] == 2 and m["bundle_id"] == "tiny" and m["dtype"] == "fp32"
    # random weights: a test bundle, nothing trained, every graph computed in fp32
    assert m["test_bundle"] is True and m["trained"] == dict.fromkeys(("generator", "text_encoder", "vhs_verifier", "clip_verifier", "ae_verifier"), False)
    assert {g["precision"] for g in m["graphs"].values()} == {"fp32"}
    gen = m["generator"]
    assert (gen["num_layers"], gen["split_layer"], gen["latent_channels"]) == (6, 2, 32)
    assert gen["image_height"] == gen["latent_height"] * 32
    assert gen["trigflow"] == {"max_timestep": 1.5708, "sigma_data": 0.5, "guidance": 4.5, "guidance_embeds_scale": 0.1}
    assert set(m["graphs"]) == set(REQUIRED_IO)
    for name, (ins, outs) in REQUIRED_IO.items():
        entry = m["graphs"][name]
        model = onnx.load(str(committed_bundle / entry["file"]), load_external_data=False)
        assert [i["name"] for i in entry["inputs"]] == ins == [v.name for v in model.graph.input]
        assert [o["name"] for o in entry["outputs"]] == outs == [v.name for v in model.graph.output]
        for spec, value in zip(entry["inputs"] + entry["outputs"], list(model.graph.input) + list(model.graph.output)):
            t = value.type.tensor_type
            assert ONNX_DTYPES[t.elem_type] == spec["dtype"], (name, spec)
            assert [d.dim_param or d.dim_value for d in t.shape.dim] == spec["shape"], (name, spec)


def test_tokenizers_match_manifest(committed_bundle, committed_manifest):
    verifier = committed_manifest["verifier"]
    tok = Tokenizer.from_file(str(committed_bundle / verifier["tokenizer"]))
    assert tok.encode("yes", add_special_tokens=False).ids == [verifier["yes_token_id"]]
    assert tok.encode("no", add_special_tokens=False).ids == [verifier["no_token_id"]]
    assert verifier["yes_token_ids"] == [i for i in range(tok.get_vocab_size()) if "yes" in tok.decode([i]).lower()]
    for special in ("<|im_start|>", "<|im_end|>", "<|endoftext|>"):
        assert len(tok.encode(special).ids) == 1
    prefix = tok.encode(verifier["template_prefix"], add_special_tokens=False).ids
    assert committed_manifest["graphs"]["propose"]["inputs"][3]["shape"] == [1, len(prefix)]
    text = Tokenizer.from_file(str(committed_bundle / committed_manifest["text_encoder"]["tokenizer"]))
    ids = text.encode("a photo of a red cat").ids
    assert ids[0] == 2 and max(ids) < get_config("tiny").text_encoder["vocab_size"]


def test_reexport_reproduces_committed_bundle(fresh_tiny, committed_bundle):
    """Same seed → same graphs: outputs of the fresh and the committed files agree on fresh inputs."""
    out, _ = fresh_tiny
    cfg = get_config("tiny")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest == json.loads((committed_bundle / "manifest.json").read_text())
    report = json.loads((out / "export_report.json").read_text())
    assert set(report["graphs"]) == set(GRAPH_NAMES)
    assert all(g["peak_abs_activation"] > 0 and g["precision"] == "fp32" for g in report["graphs"].values())
    for name in ("text_tokenizer.json", "verifier_tokenizer.json"):
        assert (out / name).read_bytes() == (committed_bundle / name).read_bytes()
    cfg.prefix_len = manifest["graphs"]["propose"]["inputs"][3]["shape"][1]
    for graph in GRAPH_NAMES:
        feeds = {k: v.numpy() for k, v in example_inputs(cfg, graph, batch=3, seed=99, suffix_len=5).items()}
        fresh = session(out / f"{graph}.onnx").run(None, feeds)
        committed = session(committed_bundle / f"{graph}.onnx").run(None, feeds)
        for a, b in zip(fresh, committed):
            # bit-identical here; a tolerance of a few ulps keeps the test honest on other CPUs, where
            # constant folding during export may round differently
            if a.dtype == np.float32:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"{graph} differs from the committed bundle")
            elif a.dtype == np.uint8:
                assert np.abs(a.astype(int) - b.astype(int)).max() <= 1, graph
            else:
                np.testing.assert_array_equal(a, b, err_msg=f"{graph} differs from the committed bundle")


def test_committed_bundle_loads_in_onnxruntime_node(committed_bundle):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = committed_bundle.parents[1] / "export" / "scripts" / "node-load-check.mjs"
    run = subprocess.run([node, str(script), str(committed_bundle)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("ok ") == len(GRAPH_NAMES)
