"""Fidelity of the committed tiny bundle against the unfused upstream pipeline run step by step in torch:
diffusers' SanaSprintPipeline (hooked at block ℓ* as VHS's ActivationCatcher does), the VHS normalization and
connector, a LLaVA-style splice and Qwen2ForCausalLM's full logits."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer
from diffusers import SanaSprintPipeline, SCMScheduler

from export.check import relative_error, session
from export.configs import get_config
from export.examples import example_inputs
from export.pipeline import build_upstream

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


def unfused_scores(cfg, up, hidden, prefix_ids, suffix_ids, suffix_length, tokenizer, yes_id, no_id) -> torch.Tensor:
    """VHS scoring written out, one row at a time without padding: normalize, mm_projector, splice at the
    <image> position, Qwen, last-token softmax, then the released rule: "yes" in the lower-cased decoded top
    token → P(yes), else −P(no). Row i's prompt is its own suffix_ids[i, :suffix_length[i]]."""
    with torch.no_grad():
        mean, var = up.hidden_mean.view(1, -1, 1), up.hidden_var.view(1, -1, 1)
        feats = up.vhs_connector((hidden - mean) / torch.sqrt(var + 1e-6))
        embed = up.llm.get_input_embeddings()
        last = []
        for i in range(hidden.shape[0]):
            row = torch.cat([embed(prefix_ids[0]), feats[i], embed(suffix_ids[i, : int(suffix_length[i])])]).unsqueeze(0)
            positions = torch.arange(row.shape[1]).unsqueeze(0)
            logits = up.llm(inputs_embeds=row, attention_mask=torch.ones(row.shape[:2], dtype=torch.long), position_ids=positions).logits
            last.append(logits[0, -1])
        probs = torch.softmax(torch.stack(last).float(), dim=-1)
        says_yes = torch.tensor(["yes" in tokenizer.decode([int(t)]).lower() for t in probs.argmax(dim=-1)])
        return torch.where(says_yes, probs[:, yes_id], -probs[:, no_id])


def test_propose_scores_match_unfused_upstream(committed_bundle, committed_manifest, upstream_run):
    cfg, up, inputs, hidden, _ = upstream_run
    verifier = committed_manifest["verifier"]
    got = session(committed_bundle / "propose.onnx").run(None, {k: v.numpy() for k, v in inputs.items()})
    scores, winner, winner_hidden = got
    tokenizer = Tokenizer.from_file(str(committed_bundle / verifier["tokenizer"]))
    want = unfused_scores(
        cfg, up, hidden, inputs["prefix_ids"], inputs["suffix_ids"], inputs["suffix_length"], tokenizer, verifier["yes_token_id"], verifier["no_token_id"]
    ).numpy()
    assert relative_error(scores, want) <= 1e-4, (scores, want)
    for g, rows in enumerate(inputs["group_mask"].numpy() != 0):  # one winner per request of the batch
        members = np.flatnonzero(rows)
        assert int(winner[g]) == int(members[np.argmax(want[members])])
        assert relative_error(winner_hidden[g], hidden[int(winner[g])].numpy()) <= 1e-4
    assert len(set(np.round(want, 8))) == BATCH, "candidates should score differently"


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
