"""Export hygiene: no-op Cast chains removed, Softmax in fp32 inside fp16 graphs, one external-data file past
the size limit, and an fp16 tiny export that passes the 1e-2 check and loads in onnxruntime."""

from __future__ import annotations

import onnx
import pytest
import torch
from torch import nn

from export import onnx_io
from export.bundle import export_bundle
from export.check import session

FLOATS = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE}


class CastHeavy(nn.Module):
    """fp32 RMSNorm written the upstream way (`.float()` … `.to(dtype)`), then a softmax."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.linspace(0.5, 1.5, 8))

    def forward(self, x):
        dtype = x.dtype
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + 1e-6)
        h = (self.weight.to(dtype) * h.to(dtype)).float().to(dtype)
        return torch.softmax(h, dim=-1).float()


SIGNATURE = ([("x", "float32", ["batch", 8])], [("y", "float32", ["batch", 8])])


def _typed(model: onnx.ModelProto) -> dict[str, int]:
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v.type.tensor_type.elem_type for v in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output)}
    types.update({i.name: i.data_type for i in inferred.graph.initializer})
    return types


def _noop_casts(model: onnx.ModelProto) -> list[str]:
    types = _typed(model)
    producers = {o: n for n in model.graph.node for o in n.output}
    bad = []
    for node in model.graph.node:
        if node.op_type != "Cast":
            continue
        to = next(a.i for a in node.attribute if a.name == "to")
        src = node.input[0]
        if types.get(src) == to:
            bad.append(node.name)
        inner = producers.get(src)
        if inner is not None and inner.op_type == "Cast" and types.get(inner.input[0]) == to and to in FLOATS:
            wider = next(a.i for a in inner.attribute if a.name == "to")
            if (to, wider) in ((onnx.TensorProto.FLOAT16, onnx.TensorProto.FLOAT), (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE)):
                bad.append(node.name)
    return bad


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
def test_noop_casts_are_stripped_and_softmax_is_fp32(tmp_path, dtype):
    module = CastHeavy().to(dtype)

    class External(nn.Module):  # contract: fp32 outside, `dtype` inside
        def __init__(self):
            super().__init__()
            self.inner = module

        def forward(self, x):
            return self.inner(x.to(dtype))

    path = tmp_path / "m.onnx"
    facts = onnx_io.export_graph(External(), {"x": torch.randn(2, 8)}, SIGNATURE, path)
    model = onnx.load(str(path))
    assert _noop_casts(model) == []
    if dtype == torch.float16:  # `.float().to(fp16)` is a real fp16→fp32→fp16 chain (fp32's `.float()` is dropped by torch.export)
        assert facts["casts_removed"] >= 1
    types = _typed(model)
    softmax = [n for n in model.graph.node if n.op_type == "Softmax"]
    assert softmax and all(types[n.input[0]] == onnx.TensorProto.FLOAT for n in softmax)
    x = torch.randn(5, 8)
    (got,) = session(path).run(None, {"x": x.numpy()})
    with torch.no_grad():
        want = External()(x).numpy()
    assert abs(got - want).max() <= (1e-6 if dtype == torch.float32 else 5e-3)


def test_committed_graphs_have_no_noop_casts(committed_bundle, committed_manifest):
    for entry in committed_manifest["graphs"].values():
        model = onnx.load(str(committed_bundle / entry["file"]))
        assert _noop_casts(model) == [], entry["file"]


def test_large_graphs_get_one_external_data_file(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_io, "TWO_GB", 64)  # the 2 GB rule, exercised on a small graph
    path = tmp_path / "big.onnx"
    module = nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.Linear(32, 8))
    facts = onnx_io.export_graph(module, {"input": torch.randn(2, 8)}, ([("input", "float32", ["batch", 8])], [("y", "float32", ["batch", 8])]), path)
    assert facts["external_data"] == "big.onnx.data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.onnx", "big.onnx.data"]
    model = onnx.load(str(path), load_external_data=False)
    locations = {e.value for i in model.graph.initializer for e in i.external_data if e.key == "location"}
    assert locations == {"big.onnx.data"}
    x = torch.randn(3, 8)
    (got,) = session(path).run(None, {"input": x.numpy()})
    with torch.no_grad():
        assert abs(got - module(x).numpy()).max() < 1e-6


def test_fp16_tiny_export_passes_its_bound(tmp_path):
    rows = export_bundle("tiny", tmp_path, dtype="fp16", graphs=("dit_head", "vhs_verify"), progress=False)
    for row in rows:
        assert row.load_ok and row.max_rel_error <= 1e-2, row
    for name in ("dit_head", "vhs_verify"):
        model = onnx.load(str(tmp_path / f"{name}.onnx"))
        assert any(i.data_type == onnx.TensorProto.FLOAT16 for i in model.graph.initializer)
        assert [i.type.tensor_type.elem_type for i in model.graph.input if i.name == "hidden" or i.name == "noise"] == [onnx.TensorProto.FLOAT]
