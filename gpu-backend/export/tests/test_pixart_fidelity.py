"""Fidelity of the committed pixart-tiny bundle against diffusers' PixArtAlphaPipeline run as the PixArt-α-DMD
demo runs it (DDPMScheduler, timesteps=[400], num_inference_steps=1, guidance_scale=1), with h_ℓ* captured by a
forward hook on block ℓ*, the VHS scoring written out over it, and the T5 encoder behind the pipeline's own
tokenizer call."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import DDPMScheduler, PixArtAlphaPipeline
from tokenizers import Tokenizer
from transformers import PreTrainedTokenizerFast

from export.check import relative_error, session
from export.configs import get_config
from export.examples import example_inputs
from export.pipeline import build_upstream
from export.pixart_configs import DEFAULT_SCHEDULER, DMD_TIMESTEP
from vhs_reference import assert_propose_matches_unfused

BUNDLE = Path(__file__).resolve().parents[2] / "models" / "pixart-tiny"
BATCH = 4
PROMPT = "A photo of a red cat next to a Blue clock"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((BUNDLE / "manifest.json").read_text())


@pytest.fixture(scope="module")
def upstream_run(manifest):
    torch.set_num_threads(1)
    cfg = get_config("pixart-tiny")
    cfg.prefix_len = manifest["graphs"]["propose"]["inputs"][3]["shape"][1]
    up = build_upstream(cfg, seed=0)  # the committed bundle was exported with seed 0
    inputs = example_inputs(cfg, "propose", batch=BATCH, seed=4242, suffix_len=11)
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(BUNDLE / "text_tokenizer.json"), pad_token="<pad>", eos_token="</s>", unk_token="<unk>")
    pipe = PixArtAlphaPipeline(tokenizer=tokenizer, text_encoder=up.text_encoder, vae=up.vae, transformer=up.transformer, scheduler=DDPMScheduler(**DEFAULT_SCHEDULER))
    pipe.set_progress_bar_config(disable=True)
    captured: dict[str, torch.Tensor] = {}
    block = up.transformer.transformer_blocks[cfg.split_layer]

    def catch(name: str, pick):
        def hook(_module, _inputs, out) -> None:  # returns None: the pipeline keeps the module's own output
            captured.setdefault(name, pick(out))

        return hook

    hook = block.register_forward_hook(catch("h", lambda out: out))
    text_hook = up.text_encoder.register_forward_hook(catch("embeds", lambda out: out[0]))
    call = dict(
        prompt=PROMPT, timesteps=[DMD_TIMESTEP], num_inference_steps=1, guidance_scale=1.0, num_images_per_prompt=BATCH,
        latents=inputs["noise"], height=cfg.image_size, width=cfg.image_size, use_resolution_binning=False,
        clean_caption=False, max_sequence_length=cfg.text_max_length,
    )
    with torch.no_grad():
        images = pipe(**call, output_type="np").images
        latents = pipe(**call, output_type="latent").images
    hook.remove()
    text_hook.remove()
    ids = tokenizer(PROMPT.lower().strip(), padding="max_length", max_length=cfg.text_max_length, truncation=True, return_tensors="pt")
    return cfg, up, inputs, captured, images, latents, ids


def test_text_encoder_matches_pipeline_t5(upstream_run):
    _, _, _, captured, _, _, ids = upstream_run
    embeds, mask = session(BUNDLE / "text_encoder.onnx").run(None, {"input_ids": ids.input_ids.numpy(), "attention_mask": ids.attention_mask.numpy()})
    assert relative_error(embeds, captured["embeds"][:1].numpy()) <= 1e-5
    assert (mask == ids.attention_mask.numpy()).all()
    assert int(ids.input_ids[0, int(ids.attention_mask.sum()) - 1]) == 1, "T5 ids end with </s>"


def _pipeline_conditioning(upstream_run):
    _, _, inputs, captured, _, _, ids = upstream_run
    # one prompt for every row (the pipeline's num_images_per_prompt), repeated per row as the graphs take it
    embeds = captured["embeds"][:1].numpy().repeat(BATCH, axis=0)
    return {"noise": inputs["noise"].numpy(), "prompt_embeds": embeds, "prompt_mask": ids.attention_mask.numpy().repeat(BATCH, axis=0)}


def test_propose_scores_match_unfused_upstream(manifest, upstream_run):
    cfg, up, inputs, captured, _, _, _ = upstream_run
    cond = _pipeline_conditioning(upstream_run)
    verifier = manifest["verifier"]
    rows = ("prefix_ids", "suffix_ids", "suffix_length", "group_mask")
    feed = {**cond, **{k: inputs[k].numpy() for k in rows}}
    got = session(BUNDLE / "propose.onnx").run(None, feed)
    hidden = captured["h"]
    assert hidden.shape == (BATCH, cfg.tokens, cfg.hidden_size)
    tokenizer = Tokenizer.from_file(str(BUNDLE / verifier["tokenizer"]))
    assert_propose_matches_unfused(cfg, up, hidden, inputs, got, tokenizer, verifier)


def test_head_matches_hook_and_finish_matches_pipeline_images(upstream_run):
    _, _, _, captured, images, _, _ = upstream_run
    cond = _pipeline_conditioning(upstream_run)
    (hidden,) = session(BUNDLE / "dit_head.onnx").run(None, cond)
    assert relative_error(hidden, captured["h"].numpy()) <= 1e-4
    (image,) = session(BUNDLE / "finish.onnx").run(None, {"hidden": hidden, **cond})
    want = (images * 255).round().astype(np.uint8)  # diffusers numpy_to_pil
    assert image.shape == want.shape
    diff = np.abs(image.astype(int) - want.astype(int))
    assert diff.max() <= 1 and (diff > 0).mean() < 0.01


def test_tail_latent_is_the_pipelines_pred_original_sample(upstream_run):
    _, _, _, captured, images, latents, _ = upstream_run
    cond = _pipeline_conditioning(upstream_run)
    (latent,) = session(BUNDLE / "dit_tail.onnx").run(None, {"hidden": captured["h"].numpy(), **cond})
    assert relative_error(latent, latents.numpy()) <= 1e-4
    (image,) = session(BUNDLE / "vae_decode.onnx").run(None, {"latent": latent})
    want = (images * 255).round().astype(np.uint8)
    assert np.abs(image.astype(int) - want.astype(int)).max() <= 1


def test_sampler_constant_is_ddpm_alphas_cumprod_at_400(manifest):
    scheduler = DDPMScheduler(**DEFAULT_SCHEDULER)
    sampler = manifest["generator"]["sampler"]
    assert sampler["timestep"] == 400
    assert sampler["alpha_cumprod"] == pytest.approx(float(scheduler.alphas_cumprod[400]), rel=1e-7)
    assert sampler["guidance_scale"] == 1.0
