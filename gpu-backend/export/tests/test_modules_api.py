"""export.pipeline.build_modules, the API bench/gpu times in torch: fp16 modules track fp32 within the
fp16 bound, and building a subset of graphs gives the same weights as building all of them."""

from __future__ import annotations

import torch

from export.pipeline import GRAPH_NAMES, build_modules


def _outputs(module, inputs):
    with torch.no_grad():
        out = module(**inputs)
    return out if isinstance(out, tuple) else (out,)


def test_fp16_modules_track_fp32():
    m16, m32 = build_modules("tiny", "fp16"), build_modules("tiny", "fp32")
    assert set(m16.graphs) == set(GRAPH_NAMES)
    assert next(m16.graphs["propose"].parameters()).dtype == torch.float16
    for name in (g for g in GRAPH_NAMES if g != "finish"):  # finish = dit_tail + vae_decode, both covered
        inputs = m32.example(name, 2)
        for got, want in zip(_outputs(m16.graphs[name], inputs), _outputs(m32.graphs[name], inputs)):
            assert got.dtype == want.dtype  # external signature unchanged
            if want.dtype == torch.float32:
                assert (got - want).abs().max() <= 1e-2 * want.abs().max(), name
            elif want.dtype == torch.uint8:
                assert (got.int() - want.int()).abs().max() <= 3, name


def test_subset_build_has_the_same_weights():
    subset = build_modules("tiny", graph_names=("propose",))
    full = build_modules("tiny")
    assert set(subset.graphs) == {"propose", "dit_head", "dit_tail", "vhs_verify"}
    assert subset.upstream.vae is None and subset.upstream.text_encoder is None
    inputs = full.example("propose", 2)
    for got, want in zip(_outputs(subset.graphs["propose"], inputs), _outputs(full.graphs["propose"], inputs)):
        assert torch.equal(got, want)
