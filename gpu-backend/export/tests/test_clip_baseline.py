"""The MLLM-with-CLIP baseline: in-graph resize equal to PIL's bicubic (CLIPImageProcessor) within one level
on a few pixels (measured), and with --weights its own LLaVA-Qwen (LLM, connector, CLIP tower keys) loaded
strictly instead of the VHS LLM; `trained` records which parts are real."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

from export.check import session
from export.configs import get_config
from export.onnx_io import export_graph
from export.pil_resize import PilBicubicResize
from export.pipeline import build_modules, build_upstream
from export.weights import load_upstream
from tests.test_weights import save_upstream_layout


def _images(size: int) -> dict[str, np.ndarray]:
    yy, xx = np.mgrid[0:size, 0:size]
    smooth = 127 + 120 * np.sin(xx / 17.0)[..., None] * np.cos(yy / 23.0)[..., None] * np.array([1.0, 0.5, -0.7])
    noise = np.random.default_rng(0).integers(0, 256, (size, size, 3))
    return {"smooth": smooth.astype(np.uint8), "noise": noise.astype(np.uint8)}


@pytest.mark.parametrize(("size", "out"), [(128, 32), (1024, 336)])
def test_resize_matches_pil_bicubic(size, out):
    """Measured: smooth images exact; uniform noise max 1 level on ≤0.04% of values (fp32 sums at .5)."""
    resize = PilBicubicResize(size, size, out)
    for name, img in _images(size).items():
        want = np.asarray(Image.fromarray(img).resize((out, out), Image.BICUBIC, reducing_gap=None)).astype(int)
        got = resize(torch.from_numpy(img).permute(2, 0, 1)[None].float())[0].permute(1, 2, 0).numpy().astype(int)
        diff = np.abs(got - want)
        assert diff.max() <= 1 and diff.mean() < 5e-4, (name, diff.max(), diff.mean())
        if name == "smooth":
            assert diff.max() == 0


def test_resize_in_onnx_matches_pil(tmp_path):
    resize = PilBicubicResize(128, 128, 32)
    signature = ([("levels", "float32", ["batch", 3, 128, 128])], [("out", "float32", ["batch", 3, 32, 32])])
    img = _images(128)["noise"]
    levels = torch.from_numpy(img).permute(2, 0, 1)[None].float()
    export_graph(resize, {"levels": levels}, signature, tmp_path / "resize.onnx")
    (got,) = session(tmp_path / "resize.onnx").run(None, {"levels": levels.numpy()})
    want = np.asarray(Image.fromarray(img).resize((32, 32), Image.BICUBIC, reducing_gap=None)).astype(int)
    assert np.abs(got[0].transpose(1, 2, 0).astype(int) - want).max() <= 1


def test_seeded_clip_verify_has_its_own_llm():
    m = build_modules("tiny", graph_names=("clip_verify", "vhs_verify"))
    assert m.upstream.clip_llm is not m.upstream.llm
    assert m.graphs["clip_verify"].scorer.llm is m.upstream.clip_llm


def _save_clip_verifier(root, up) -> None:
    """The baseline's LLaVA-Qwen layout: LLM + model.mm_projector.* + model.vision_tower.vision_tower.* keys."""
    up.clip_llm.save_pretrained(root / "clip_verifier")
    file = next((root / "clip_verifier").glob("*.safetensors"))
    state = load_file(str(file))
    for key, value in up.clip_connector.state_dict().items():
        state[f"model.mm_projector.{key}"] = value.contiguous()
    for key, value in up.clip.state_dict().items():
        state[f"model.vision_tower.vision_tower.{key}"] = value.contiguous()
    save_file(state, str(file), metadata={"format": "pt"})
    config = json.loads((root / "clip_verifier" / "config.json").read_text())
    config.update(mm_projector_type="mlp2x_gelu", mm_vision_select_layer=-2, mm_vision_select_feature="patch")
    (root / "clip_verifier" / "config.json").write_text(json.dumps(config))


def test_weights_load_the_baselines_own_llava_qwen_strictly(tmp_path, committed_bundle):
    up = build_upstream(get_config("tiny"), seed=0)
    save_upstream_layout(tmp_path, up, committed_bundle)
    without = load_upstream(get_config("tiny"), tmp_path)
    assert without.trained == {"generator": True, "text_encoder": True, "vhs_verifier": True, "clip_verifier": False, "ae_verifier": False}
    _save_clip_verifier(tmp_path, up)
    loaded = load_upstream(get_config("tiny"), tmp_path)
    assert loaded.trained["clip_verifier"] is True and loaded.trained["ae_verifier"] is False
    assert loaded.clip_llm is not loaded.llm
    for name in ("clip_llm", "clip_connector", "clip"):
        want, got = getattr(up, name).state_dict(), getattr(loaded, name).state_dict()
        for key in want:
            torch.testing.assert_close(got[key], want[key], rtol=0, atol=0, msg=f"{name}.{key}")
    # the VHS LLM differs from the baseline's: the graphs really score with the baseline's own
    assert not torch.equal(loaded.llm.lm_head.weight, loaded.clip_llm.lm_head.weight)
