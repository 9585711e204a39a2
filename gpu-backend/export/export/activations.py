"""Largest |activation| of each graph at realistic input scale, to decide which graphs fp16 can hold
(|x| ≤ 65504) and to write in the export report. Inputs are chained as the backend feeds them: a tokenized
prompt into the text encoder, its embeddings and N(0,1) noise into the DiT head, the head's h_ℓ* into the
tail and the verifier, the tail's latent into the decoder; only the image is random (uint8, full range)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .configs import BundleConfig
from .examples import example_inputs

FP16_MAX = 65504.0
PROMPT = "a photo of a red cat to the left of a blue dog"


@dataclass(frozen=True)
class ActivationPeak:
    value: float  # largest |x| over every floating output of every submodule (and the graph's outputs)
    module: str  # the submodule that produced it


def _floats(out) -> list[torch.Tensor]:
    if isinstance(out, torch.Tensor):
        return [out] if out.is_floating_point() else []
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _floats(item)]
    if hasattr(out, "to_tuple"):  # transformers ModelOutput
        return _floats(out.to_tuple())
    return []


def peak_activation(module: nn.Module, inputs: dict[str, torch.Tensor]) -> ActivationPeak:
    """Runs `module` once with a forward hook on every submodule; NaN/inf count as out of range."""
    best = [0.0, ""]

    def hook(name):
        def record(_mod, _args, out):
            for t in _floats(out):
                peak = float(t.detach().abs().float().max()) if t.numel() else 0.0
                if not (peak <= best[0]):  # also catches NaN
                    best[0], best[1] = peak if peak == peak else float("inf"), name
        return record

    handles = [m.register_forward_hook(hook(name or "(graph)")) for name, m in module.named_modules()]
    try:
        with torch.no_grad():
            module(**inputs)
    finally:
        for h in handles:
            h.remove()
    return ActivationPeak(best[0], best[1])


def realistic_inputs(cfg: BundleConfig, graphs: dict[str, nn.Module], text_ids, prefix_ids, suffix_ids, batch: int = 2, seed: int = 11):
    """Per graph: inputs in its signature, chained through the fp32 reference graphs where they exist.
    text_ids: (input_ids, attention_mask) of a tokenized prompt; prefix/suffix_ids of the verifier template."""
    feeds = {name: example_inputs(cfg, name, batch, seed, suffix_len=int(suffix_ids.shape[1])) for name in graphs}
    # one prompt for every row, repeated per row as the batched graphs take it (format 2)
    rows = suffix_ids.expand(batch, -1)
    shared: dict[str, torch.Tensor] = {"prefix_ids": prefix_ids, "suffix_ids": rows, "suffix_length": torch.full((batch,), rows.shape[1])}
    with torch.no_grad():
        if "text_encoder" in graphs:
            shared["input_ids"], shared["attention_mask"] = text_ids
            embeds, mask = graphs["text_encoder"](*text_ids)
            shared["prompt_embeds"], shared["prompt_mask"] = embeds.expand(batch, -1, -1), mask.expand(batch, -1)
        noise = next((f["noise"] for f in feeds.values() if "noise" in f), None)
        dit = next((m.dit for m in graphs.values() if hasattr(m, "dit")), None)
        if noise is not None and dit is not None:
            pe = shared.get("prompt_embeds", example_inputs(cfg, "dit_head", batch, seed)["prompt_embeds"])
            pm = shared.get("prompt_mask", example_inputs(cfg, "dit_head", batch, seed)["prompt_mask"])
            shared.update(noise=noise, prompt_embeds=pe, prompt_mask=pm)
            shared["hidden"] = dit.head(noise, pe, pm).float()
            shared["latent"] = dit.tail(shared["hidden"], noise, pe, pm).float()
    for feed in feeds.values():
        for key in feed:
            if key in shared:
                feed[key] = shared[key]
    return feeds
