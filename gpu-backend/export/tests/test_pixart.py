"""PixArt-α-DMD family: pixart-real has the published sizes (on the meta device), the committed pixart-tiny
manifest is what the exporter writes, and a checkpoint folder in upstream layouts reloads strictly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from diffusers import DDPMScheduler
from test_weights import save_upstream_layout
from tokenizers import Tokenizer

from export.configs import get_config
from export.manifest import build_manifest
from export.pipeline import GRAPH_NAMES, build_modules, build_upstream
from export.pixart_configs import DEFAULT_SCHEDULER
from export.pixart_weights import load_pixart_upstream
from export.score_tokens import score_tokens
from export.upstream import TRAINED_KEYS
from export.verifier_template import default_template
from export.weights import WeightsError

BUNDLE = Path(__file__).resolve().parents[2] / "models" / "pixart-tiny"


def _params(module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_pixart_real_config_sizes_on_meta_device():
    cfg = get_config("pixart-real")
    up = build_upstream(cfg, 0, device="meta", parts={"transformer", "vae", "text_encoder", "vhs_connector"})
    assert _params(up.transformer) == pytest.approx(611e6, rel=0.005)  # PixArt-α XL/2: 0.6B
    assert _params(up.text_encoder) == pytest.approx(4.762e9, rel=0.002)  # T5-v1.1-XXL encoder
    assert _params(up.vae.decoder) == pytest.approx(49.49e6, rel=0.002)  # SD VAE decoder
    assert (cfg.hidden_size, cfg.transformer["num_layers"], cfg.split_layer) == (1152, 28, 13)
    assert (cfg.latent_size, cfg.latent_channels, cfg.patch_size, cfg.tokens) == (64, 4, 2, 1024)
    assert (cfg.vae_compression, cfg.image_size) == (8, 512)
    assert cfg.text_max_length == cfg.text_output_length == 120
    assert cfg.text_encoder["d_model"] == cfg.transformer["caption_channels"] == 4096
    assert _params(up.vhs_connector) == 1152 * 896 + 896 + 896 * 896 + 896


def test_committed_manifest_is_what_the_exporter_writes():
    committed = json.loads((BUNDLE / "manifest.json").read_text())
    cfg = get_config("pixart-tiny")
    cfg.prefix_len = committed["graphs"]["propose"]["inputs"][3]["shape"][1]
    v = committed["verifier"]
    template = default_template()  # the built tokenizers carry no chat template of their own
    cfg.template_prefix, cfg.template_suffix = template.prefix, template.suffix
    tokens = score_tokens(Tokenizer.from_file(str(BUNDLE / v["tokenizer"])))
    untrained = dict.fromkeys(TRAINED_KEYS, False)
    built = build_manifest(cfg, "fp32", list(GRAPH_NAMES), tokens, [cfg.tokens], untrained, True, dict.fromkeys(GRAPH_NAMES, "fp32"))
    assert built == {**committed, "profile": None}
    # random weights: a test bundle, served in every mode; the same Qwen2 VHS verifier design as SANA-Sprint's
    assert committed["test_bundle"] is True and committed["trained"] == untrained
    assert v["architecture"] == "qwen2" and v["yes_token_id"] in v["yes_token_ids"]
    gen = committed["generator"]
    assert gen["family"] == "pixart-dmd" and gen["patch_size"] == 2
    assert gen["sampler"]["type"] == "ddpm_one_step" and gen["sampler"]["timestep"] == 400
    assert committed["text_encoder"]["select"] == "all" and committed["text_encoder"]["complex_human_instruction"] == []
    assert v["image_tokens"] == cfg.tokens == 16


@pytest.fixture()
def pixart_checkpoint(tmp_path):
    cfg = get_config("pixart-tiny")
    up = build_upstream(cfg, seed=0)
    save_upstream_layout(tmp_path, up, BUNDLE)  # transformer, vae, text_encoder, tokenizer, verifier (+ stats)
    sana_split = get_config("tiny").split_layer
    for kind in ("mean", "variance"):
        (tmp_path / "verifier" / f"block_{sana_split}_{kind}_bf16.pt").rename(tmp_path / "verifier" / f"block_{cfg.split_layer}_{kind}_bf16.pt")
    DDPMScheduler(**DEFAULT_SCHEDULER).save_config(str(tmp_path / "scheduler"))
    return tmp_path, up


def test_checkpoint_folder_reloads_strictly_and_gives_the_same_graphs(pixart_checkpoint):
    root, _ = pixart_checkpoint
    seeded = build_modules("pixart-tiny", seed=0, graph_names=("dit_head", "finish", "text_encoder"))
    loaded = build_modules("pixart-tiny", weights=root, graph_names=("dit_head", "finish", "text_encoder"))
    assert loaded.config.extra["scheduler"]["beta_schedule"] == "linear"
    with torch.no_grad():
        for graph in ("dit_head", "finish", "text_encoder"):
            feeds = seeded.example(graph, batch=2, seed=5)
            for a, b in zip(_tuple(seeded.graphs[graph](**feeds)), _tuple(loaded.graphs[graph](**feeds))):
                assert torch.equal(a, b), graph


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def test_missing_scheduler_and_bad_t5_are_clear_errors(pixart_checkpoint):
    root, _ = pixart_checkpoint
    cfg = get_config("pixart-tiny")
    (root / "scheduler" / "scheduler_config.json").unlink()
    with pytest.raises(WeightsError, match="scheduler_config.json"):
        load_pixart_upstream(cfg, root)
    DDPMScheduler(**DEFAULT_SCHEDULER).save_config(str(root / "scheduler"))
    from safetensors.torch import load_file, save_file

    file = next((root / "text_encoder").glob("*.safetensors"))
    state = load_file(str(file))
    state.pop(next(k for k in state if "layer.0.SelfAttention.q" in k))
    save_file(state, str(file), metadata={"format": "pt"})
    with pytest.raises(WeightsError, match="missing keys"):
        load_pixart_upstream(get_config("pixart-tiny"), root)


def test_fresh_export_reproduces_the_committed_serving_graphs(tmp_path):
    """`python -m export --config pixart-tiny` (the vhs-mode graphs, numeric checks on) gives the committed files'
    outputs and the same tokenizers."""
    import numpy as np

    from export.bundle import export_bundle
    from export.check import session
    from export.examples import example_inputs

    graphs = ("text_encoder", "propose", "finish")
    rows = export_bundle("pixart-tiny", tmp_path, graphs=graphs, progress=False)
    assert all(r.load_ok and r.max_rel_error <= (1 / 255 + 1e-9 if r.graph == "finish" else 1e-4) for r in rows), rows
    for name in ("text_tokenizer.json", "verifier_tokenizer.json"):
        assert (tmp_path / name).read_bytes() == (BUNDLE / name).read_bytes()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    committed = json.loads((BUNDLE / "manifest.json").read_text())
    assert manifest["generator"] == committed["generator"] and manifest["text_encoder"] == committed["text_encoder"]
    cfg = get_config("pixart-tiny")
    cfg.prefix_len = manifest["graphs"]["propose"]["inputs"][3]["shape"][1]
    for graph in graphs:
        feeds = {k: v.numpy() for k, v in example_inputs(cfg, graph, batch=3, seed=99, suffix_len=5).items()}
        for a, b in zip(session(tmp_path / f"{graph}.onnx").run(None, feeds), session(BUNDLE / f"{graph}.onnx").run(None, feeds)):
            if a.dtype == np.uint8:
                assert np.abs(a.astype(int) - b.astype(int)).max() <= 1, graph
            else:
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=graph)
