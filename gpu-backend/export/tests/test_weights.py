"""--weights: the tiny random models saved in their upstream layouts (save_pretrained + the VHS LLaVA-Qwen
checkpoint with model.mm_projector.{0,2}) reload strictly and give the same graphs; bad folders fail clearly."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file, save_file

from export.configs import get_config
from export.pipeline import build_modules, build_upstream
from export.weights import WeightsError, load_upstream

SPLIT = get_config("tiny").split_layer


def save_upstream_layout(root, up, tokenizers_from) -> None:
    up.transformer.save_pretrained(root / "transformer")
    up.vae.save_pretrained(root / "vae")
    up.text_encoder.save_pretrained(root / "text_encoder")
    up.llm.save_pretrained(root / "verifier")
    (root / "tokenizer").mkdir()
    shutil.copyfile(tokenizers_from / "text_tokenizer.json", root / "tokenizer" / "tokenizer.json")
    shutil.copyfile(tokenizers_from / "verifier_tokenizer.json", root / "verifier" / "tokenizer.json")
    # the LLaVA-Qwen checkpoint carries the connector next to the LLM weights
    file = next((root / "verifier").glob("*.safetensors"))
    state = load_file(str(file))
    for key, value in up.vhs_connector.state_dict().items():
        state[f"model.mm_projector.{key}"] = value.contiguous()
    save_file(state, str(file), metadata={"format": "pt"})
    config = json.loads((root / "verifier" / "config.json").read_text())
    config.update(mm_projector_type="mlp2x_gelu", mm_hidden_size=up.vhs_connector[0].in_features)
    (root / "verifier" / "config.json").write_text(json.dumps(config))
    torch.save(up.hidden_mean.to(torch.bfloat16).float(), root / "verifier" / f"block_{SPLIT}_mean_bf16.pt")
    torch.save(up.hidden_var.to(torch.bfloat16).float(), root / "verifier" / f"block_{SPLIT}_variance_bf16.pt")


@pytest.fixture()
def checkpoint(tmp_path, committed_bundle):
    up = build_upstream(get_config("tiny"), seed=0)
    save_upstream_layout(tmp_path, up, committed_bundle)
    return tmp_path, up


def test_saved_checkpoints_reload_strictly(checkpoint):
    root, up = checkpoint
    loaded = load_upstream(get_config("tiny"), root)
    for name in ("transformer", "vae", "text_encoder", "llm", "vhs_connector"):
        want, got = getattr(up, name).state_dict(), getattr(loaded, name).state_dict()
        assert set(want) == set(got), name
        for key in want:
            torch.testing.assert_close(got[key], want[key], rtol=0, atol=0, msg=f"{name}.{key}")


def test_graphs_from_weights_equal_seeded_graphs(checkpoint):
    root, _ = checkpoint
    seeded = build_modules("tiny", seed=0)
    loaded = build_modules("tiny", weights=root)
    for graph in ("propose", "finish", "text_encoder"):
        inputs = seeded.example(graph, 2)
        with torch.no_grad():
            a, b = seeded.graphs[graph](**inputs), loaded.graphs[graph](**inputs)
        a, b = (a if isinstance(a, tuple) else (a,)), (b if isinstance(b, tuple) else (b,))
        for x, y in zip(a, b):
            if graph == "propose" and x.dtype == torch.float32:
                # the stats went through bf16 like the released .pt files: close, not equal
                torch.testing.assert_close(x, y, rtol=5e-2, atol=1e-4)
            else:
                torch.testing.assert_close(x, y, rtol=0, atol=0)


def test_missing_key_is_a_clear_error(checkpoint):
    root, _ = checkpoint
    file = root / "transformer" / "diffusion_pytorch_model.safetensors"
    state = load_file(str(file))
    del state["transformer_blocks.0.attn1.to_q.weight"]
    save_file(state, str(file))
    with pytest.raises(WeightsError, match=r"transformer.*missing keys \(1\): transformer_blocks\.0\.attn1\.to_q\.weight"):
        load_upstream(get_config("tiny"), root)


def test_unexpected_key_is_a_clear_error(checkpoint):
    root, _ = checkpoint
    file = next((root / "verifier").glob("*.safetensors"))
    state = load_file(str(file))
    state["model.vision_tower.extra.weight"] = torch.zeros(2)
    save_file(state, str(file))
    with pytest.raises(WeightsError, match=r"unexpected keys \(1\): model\.vision_tower\.extra\.weight"):
        load_upstream(get_config("tiny"), root)


def test_missing_projector_and_folders_are_clear_errors(checkpoint, tmp_path_factory):
    root, _ = checkpoint
    (root / "verifier" / f"block_{SPLIT}_mean_bf16.pt").unlink()
    with pytest.raises(WeightsError, match="block_2_mean"):
        load_upstream(get_config("tiny"), root)
    empty = tmp_path_factory.mktemp("empty")
    with pytest.raises(WeightsError, match="expected layout"):
        load_upstream(get_config("tiny"), empty)
