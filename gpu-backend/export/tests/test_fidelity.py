"""Fidelity of the committed tiny bundle against the unfused upstream pipeline run step by step in torch:
diffusers' SanaSprintPipeline (hooked at block ℓ* as VHS's ActivationCatcher does), the VHS normalization and
connector, a LLaVA-style splice and Qwen2ForCausalLM's full logits."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer
from diffusers import SanaSprintPipeline, SCMScheduler

from export.check import session
from export.configs import get_config
from export.examples import example_inputs
from export.pipeline import build_upstream
from vhs_reference import assert_propose_matches_unfused

BATCH = 4


@pytest.fixture(scope="module")
def upstream_run(committed_manifest):
    """The reference: one SanaSprintPipeline call over BATCH candidates, with h_ℓ* captured by a forward hook."""
    cfg = get_config("tiny")
    cfg.prefix_len = committed_manifest["graphs"]["propose"]["inputs"][3]["shape"][1]
    up = build_upstream(cfg, seed=0)  # the committed bundle was exported with seed 0
    inputs = example_inputs(cfg, "propose", batch=BATCH, seed=4242, suffix_len=11)
    for name in ("prompt_embeds", "prompt_mask"):  # one prompt for the batch, as SanaSprintPipeline takes it
        inputs[name] = inputs[name][:1].expand(BATCH, *inputs[name].shape[1:]).contiguous()
    captured = {}
    block = up.transformer.transformer_blocks[cfg.split_layer]
    hook = block.register_forward_hook(lambda _m, _i, out: captured.setdefault("h", out))
    pipe = SanaSprintPipeline(tokenizer=None, text_encoder=None, vae=up.vae, transformer=up.transformer, scheduler=SCMScheduler())
    pipe.set_progress_bar_config(disable=True)
    with torch.no_grad():
        images = pipe(
            prompt_embeds=inputs["prompt_embeds"][:1],
            prompt_attention_mask=inputs["prompt_mask"][:1],
            latents=inputs["noise"],
            num_images_per_prompt=BATCH,
            num_inference_steps=1,
            intermediate_timesteps=None,
            guidance_scale=4.5,
            height=cfg.image_size,
            width=cfg.image_size,
            use_resolution_binning=False,
            output_type="np",
        ).images
    hook.remove()
    return cfg, up, inputs, captured["h"], images


def test_propose_scores_match_unfused_upstream(committed_bundle, committed_manifest, upstream_run):
    cfg, up, inputs, hidden, _ = upstream_run
    verifier = committed_manifest["verifier"]
    got = session(committed_bundle / "propose.onnx").run(None, {k: v.numpy() for k, v in inputs.items()})
    tokenizer = Tokenizer.from_file(str(committed_bundle / verifier["tokenizer"]))
    assert_propose_matches_unfused(cfg, up, hidden, inputs, got, tokenizer, verifier)


def test_head_then_finish_matches_sana_sprint_pipeline(committed_bundle, upstream_run):
    """dit_head → finish (ORT) reproduces SanaSprintPipeline's decoded images for every candidate."""
    _, _, inputs, _, images = upstream_run
    cond = {k: inputs[k].numpy() for k in ("noise", "prompt_embeds", "prompt_mask")}
    (hidden,) = session(committed_bundle / "dit_head.onnx").run(None, cond)
    (image,) = session(committed_bundle / "finish.onnx").run(None, {"hidden": hidden, **cond})
    want = (images * 255).round().astype(np.uint8)  # diffusers numpy_to_pil
    assert image.shape == want.shape
    diff = np.abs(image.astype(int) - want.astype(int))
    assert diff.max() <= 1 and (diff > 0).mean() < 0.01


def test_tail_latent_and_decode_match_pipeline(committed_bundle, upstream_run):
    _, up, inputs, hidden, images = upstream_run
    cond = {k: inputs[k].numpy() for k in ("noise", "prompt_embeds", "prompt_mask")}
    (latent,) = session(committed_bundle / "dit_tail.onnx").run(None, {"hidden": hidden.numpy(), **cond})
    (image,) = session(committed_bundle / "vae_decode.onnx").run(None, {"latent": latent})
    want = (images * 255).round().astype(np.uint8)
    assert np.abs(image.astype(int) - want.astype(int)).max() <= 1
