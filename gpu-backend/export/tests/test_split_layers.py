"""Every ℓ* from 0 to L−1 exports (ℓ* = L−1: the tail runs no block, only norm_out/proj_out and the TrigFlow
step); at each split dit_head and dit_tail in onnxruntime equal their torch modules, and head → tail gives
the same latent whatever the split (the same weights, cut elsewhere)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from export.bundle import export_bundle
from export.check import relative_error, session
from export.configs import get_config
from export.examples import example_inputs
from export.pipeline import build_modules

LAYERS = get_config("tiny").transformer["num_layers"]


@pytest.fixture(scope="module")
def conditions():
    return example_inputs(get_config("tiny"), "dit_head", batch=3, seed=5)


@pytest.fixture(scope="module")
def full_latent(conditions):
    """The unsplit reference: head and tail of the default split, composed in torch."""
    m = build_modules("tiny")
    with torch.no_grad():
        hidden = m.graphs["dit_head"](**conditions)
        return m.graphs["dit_tail"](hidden, **conditions).numpy()


@pytest.mark.parametrize("split", range(LAYERS))
def test_every_split_layer_exports(tmp_path, split, conditions, full_latent):
    export_bundle("tiny", tmp_path, split_layer=split, graphs=("dit_head", "dit_tail"), progress=False, skip_check=True)
    assert json.loads((tmp_path / "manifest.json").read_text())["generator"]["split_layer"] == split
    torch_graphs = build_modules("tiny", split_layer=split, graph_names=("dit_head", "dit_tail")).graphs
    feeds = {k: v.numpy() for k, v in conditions.items()}
    (hidden,) = session(tmp_path / "dit_head.onnx").run(None, feeds)
    (latent,) = session(tmp_path / "dit_tail.onnx").run(None, {"hidden": hidden, **feeds})
    with torch.no_grad():
        want_hidden = torch_graphs["dit_head"](**conditions).numpy()
        want_latent = torch_graphs["dit_tail"](torch.from_numpy(hidden), **conditions).numpy()
    assert relative_error(hidden, want_hidden) <= 1e-4 and relative_error(latent, want_latent) <= 1e-4
    np.testing.assert_allclose(latent, full_latent, rtol=1e-4, atol=1e-5)


def test_split_layer_past_the_last_block_is_refused():
    with pytest.raises(ValueError, match=f"0..{LAYERS - 1}"):
        get_config("tiny", split_layer=LAYERS)
