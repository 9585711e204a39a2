"""Precision: each graph's compute precision is in the manifest; an fp16 graph whose measured activations
leave fp16's range stays fp32 (threshold lowered here, tiny activations are small); the export report holds
each graph's largest |activation|; bf16 is refused, naming the op, where onnxruntime cannot run it."""

from __future__ import annotations

import json

import onnx
import onnxruntime as ort
import pytest

from export.bundle import export_bundle
from export.cli import main
from export.precision import PrecisionError

GRAPHS = ("dit_head", "vhs_verify")


def _float_types(path) -> set[int]:
    model = onnx.load(str(path))
    return {i.data_type for i in model.graph.initializer if i.data_type in (onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16)}


def test_fp16_keeps_out_of_range_graphs_in_fp32(tmp_path):
    first = export_bundle("tiny", tmp_path / "a", dtype="fp16", graphs=GRAPHS, progress=False)
    peaks = {r.graph: r.peak_activation for r in first}
    assert {r.precision for r in first} == {"fp16"}  # tiny activations fit fp16 (peaks ≪ 65504)
    low, high = sorted(peaks.values())
    assert low < high
    limit = (low + high) / 2  # as if the larger graph overflowed fp16
    rows = export_bundle("tiny", tmp_path / "b", dtype="fp16", graphs=GRAPHS, progress=False, fp16_max=limit)
    want = {g: ("fp32" if peaks[g] > limit else "fp16") for g in GRAPHS}
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["dtype"] == "fp16"
    assert {g: manifest["graphs"][g]["precision"] for g in GRAPHS} == want
    report = json.loads((tmp_path / "b" / "export_report.json").read_text())
    for row in rows:
        entry = report["graphs"][row.graph]
        assert entry["precision"] == want[row.graph] and entry["peak_abs_activation"] == pytest.approx(peaks[row.graph])
        assert entry["peak_module"]
        fp16_inside = onnx.TensorProto.FLOAT16 in _float_types(tmp_path / "b" / f"{row.graph}.onnx")
        assert fp16_inside == (want[row.graph] == "fp16"), row.graph


@pytest.mark.skipif("CUDAExecutionProvider" in ort.get_available_providers(), reason="bf16 runs on onnxruntime's CUDA provider here")
def test_bf16_is_refused_naming_the_missing_kernel(tmp_path, capsys):
    with pytest.raises(PrecisionError, match=r"no bf16 kernel for \w+\(opset \d+\)"):
        export_bundle("tiny", tmp_path / "x", dtype="bf16", graphs=("vhs_verify",), progress=False)
    assert main(["--config", "tiny", "--out", str(tmp_path / "y"), "--dtype", "bf16", "--graphs", "vhs_verify"]) == 1
    assert "no bf16 kernel for" in capsys.readouterr().err
