"""torch module → ONNX file: dynamo export with symbolic batch/suffix_len/groups, a conservative cleanup, removal of
no-op Casts (onnxruntime 1.30 refuses them above optimization level 'disabled'), one external-data file > 2 GB."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import onnx_ir as ir
import onnx_ir.passes.common as passes
import onnxscript.optimizer
import torch

OPSET = 18
TWO_GB = 2 * 1024**3
# Wider float types: a Cast T → wider → T round-trips exactly, so the pair is a no-op.
_WIDER = {
    ir.DataType.FLOAT16: {ir.DataType.FLOAT, ir.DataType.DOUBLE},
    ir.DataType.BFLOAT16: {ir.DataType.FLOAT, ir.DataType.DOUBLE},
    ir.DataType.FLOAT: {ir.DataType.DOUBLE},
}
_HALF = (ir.DataType.FLOAT16, ir.DataType.BFLOAT16)


def _dynamic_shapes(inputs: list[tuple[str, str, list]]) -> dict[str, dict[int, torch.export.Dim] | None]:
    dims = {
        "batch": torch.export.Dim("batch", min=1, max=1024),
        "suffix_len": torch.export.Dim("suffix_len", min=1, max=4096),
        "groups": torch.export.Dim("groups", min=1, max=1024),
    }
    return {name: ({i: dims[d] for i, d in enumerate(shape) if isinstance(d, str)} or None) for name, _, shape in inputs}


def _source_of(value: ir.Value) -> ir.Value:
    """Follow a value back through Casts that cannot change it (same type, or T → wider → T)."""
    node = value.producer()
    while node is not None and node.op_type == "Cast" and node.domain in ("", "ai.onnx"):
        src = node.inputs[0]
        if src is None or src.dtype is None:
            break
        if src.dtype == value.dtype:
            value, node = src, src.producer()
            continue
        inner = src.producer()
        if value.dtype in _WIDER and src.dtype in _WIDER[value.dtype] and inner is not None and inner.op_type == "Cast":
            origin = inner.inputs[0]
            if origin is not None and origin.dtype == value.dtype:
                value, node = origin, origin.producer()
                continue
        break
    return value


def strip_noop_casts(model: ir.Model) -> int:
    """Rewire every consumer of a no-op Cast (chain) to the original value; returns the number removed."""
    graph = model.graph
    outputs = set(id(v) for v in graph.outputs)
    removed = 0
    for node in list(graph):
        if node.op_type != "Cast" or node.domain not in ("", "ai.onnx"):
            continue
        out = node.outputs[0]
        src = _source_of(out)
        if src is out or id(out) in outputs:
            continue
        ir.convenience.replace_all_uses_with(out, src)
        removed += 1
    passes.RemoveUnusedNodesPass()(model)
    return removed


def softmax_in_fp32(model: ir.Model) -> int:
    """fp16/bf16 graphs: run every Softmax in fp32 (Cast up, Softmax, Cast down), whatever the exporter emitted.
    Norm statistics and SANA's linear-attention sums are already fp32 in the upstream code (explicit casts)."""
    graph = model.graph
    changed = 0
    for node in list(graph):
        if node.op_type != "Softmax" or node.inputs[0] is None:
            continue
        half = next((t for t in (node.outputs[0].dtype, node.inputs[0].dtype) if t in _HALF), None)
        if half is None:
            continue
        up = ir.Node("", "Cast", [node.inputs[0]], attributes=[ir.AttrInt64("to", ir.DataType.FLOAT)])
        up.outputs[0].dtype, up.outputs[0].shape = ir.DataType.FLOAT, node.inputs[0].shape
        graph.insert_before(node, up)
        node.replace_input_with(0, up.outputs[0])
        out = node.outputs[0]
        down = ir.Node("", "Cast", [out], attributes=[ir.AttrInt64("to", half)])
        down.outputs[0].dtype, down.outputs[0].shape = half, out.shape
        graph.insert_after(node, down)
        ir.convenience.replace_all_uses_with(out, down.outputs[0])
        down.replace_input_with(0, out)
        out.dtype = ir.DataType.FLOAT
        changed += 1
    return changed


def cleanup(model: ir.Model) -> None:
    """Constant folding and dead-code removal only. The exporter's default optimizer is not used: its
    `x + 0 → x` rewrite matches with an absolute tolerance and deletes the +1e-15 of SANA's linear
    attention (found here: 0/0 = NaN in the DC-AE decoder), so we run its safe passes ourselves."""
    onnxscript.optimizer.fold_constants(model)
    onnxscript.optimizer.remove_unused_nodes(model)
    passes.LiftConstantsToInitializersPass(lift_all_constants=True, size_limit=0)(model)
    passes.DeduplicateInitializersPass()(model)
    passes.CommonSubexpressionEliminationPass()(model)
    passes.RemoveUnusedNodesPass()(model)
    # the exporter stores a Python stack trace per node: a third of a small file, useless at run time
    passes.ClearMetadataAndDocStringPass()(model)


def export_graph(module: torch.nn.Module, example: dict[str, torch.Tensor], signature, path: Path) -> dict:
    """Export one fused module to `path`; returns facts for the summary (casts removed, bytes, external data)."""
    inputs, outputs = signature
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            module,
            (),
            kwargs=example,
            input_names=[n for n, _, _ in inputs],
            output_names=[n for n, _, _ in outputs],
            dynamic_shapes=_dynamic_shapes(inputs),
            opset_version=OPSET,
            dynamo=True,
            optimize=False,
            external_data=False,
            verbose=False,
        )
    model = program.model
    cleanup(model)
    passes.ShapeInferencePass()(model)  # dtypes for every value, which the passes below read
    softmax_in_fp32(model)
    casts = strip_noop_casts(model)
    for value, (_, _, shape) in zip(list(model.graph.inputs) + list(model.graph.outputs), inputs + outputs):
        value.shape = ir.Shape(shape)  # symbolic names exactly as the manifest spells them
    weights = [v.const_value for v in model.graph.initializers.values() if v.const_value is not None]
    weight_bytes = sum(w.nbytes for w in weights)
    weight_count = sum(w.size for w in weights)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = path.with_name(path.name + ".data")
    if data.exists():
        data.unlink()
    external = weight_bytes > TWO_GB
    if external:
        ir.save(model, path, external_data=data.name)  # all tensors in ONE file next to the graph
    else:
        ir.save(model, path)
    return {"casts_removed": casts, "weight_bytes": weight_bytes, "params": weight_count, "external_data": data.name if external else None}
