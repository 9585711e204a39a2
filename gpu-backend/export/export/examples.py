"""Random inputs in each graph's external signature (docs/contracts.md §1), for tracing, checks and timing."""

from __future__ import annotations

import torch

from .configs import BundleConfig

# typical token count of the template suffix with a short prompt (the graphs take any suffix_len)
SUFFIX_LEN = {"tiny": 39, "proportional": 39, "real": 42, "shapes": 40}


def graph_signature(cfg: BundleConfig) -> dict[str, tuple[list[tuple[str, str, list]], list[tuple[str, str, list]]]]:
    """graph → (inputs, outputs) as (name, dtype, shape) with "batch"/"suffix_len"/"groups" symbolic dims.

    Everything a row needs travels with the row (its prompt's embeddings, mask, suffix ids and length), so a
    batch may mix the candidates of several requests; propose's group_mask says which rows are whose."""
    c, s, d, tokens = cfg.latent_channels, cfg.latent_size, cfg.hidden_size, cfg.tokens
    img = cfg.image_size
    L, cc = cfg.text_output_length, cfg.transformer["caption_channels"]
    prefix_len = cfg.prefix_len
    noise = ("noise", "float32", ["batch", c, s, s])
    text_pe = ("prompt_embeds", "float32", [1, L, cc])
    text_pm = ("prompt_mask", "int64", [1, L])
    pe = ("prompt_embeds", "float32", ["batch", L, cc])
    pm = ("prompt_mask", "int64", ["batch", L])
    pre = ("prefix_ids", "int64", [1, prefix_len])
    suf = ("suffix_ids", "int64", ["batch", "suffix_len"])
    sl = ("suffix_length", "int64", ["batch"])
    hidden = ("hidden", "float32", ["batch", tokens, d])
    latent = ("latent", "float32", ["batch", c, s, s])
    image = ("image", "uint8", ["batch", img, img, 3])
    scores = ("scores", "float32", ["batch"])
    ml = cfg.text_max_length
    return {
        "text_encoder": (
            [("input_ids", "int64", [1, ml]), ("attention_mask", "int64", [1, ml])],
            [text_pe, text_pm],
        ),
        "propose": (
            [noise, pe, pm, pre, suf, sl, ("group_mask", "int64", ["groups", "batch"])],
            [scores, ("winner_index", "int64", ["groups"]), ("winner_hidden", "float32", ["groups", tokens, d])],
        ),
        "finish": ([hidden, noise, pe, pm], [image]),
        "dit_head": ([noise, pe, pm], [hidden]),
        "dit_tail": ([hidden, noise, pe, pm], [latent]),
        "vae_decode": ([latent], [image]),
        "vhs_verify": ([hidden, pre, suf, sl], [scores]),
        "clip_verify": ([image, pre, suf, sl], [scores]),
        "ae_verify": ([latent, pre, suf, sl], [scores]),
    }


def example_inputs(cfg: BundleConfig, graph: str, batch: int = 1, seed: int = 1, device="cpu", suffix_len: int | None = None) -> dict[str, torch.Tensor]:
    """Fresh random inputs: N(0,1) noise/latents, realistic masks (ones then right padding), in-vocab ids.
    Rows of a batch > 1 act as two requests: the suffix lengths differ (row 0 uses all suffix_len ids, the
    others fewer) and propose's group_mask puts the first half of the rows in group 0, the rest in group 1."""
    gen = torch.Generator().manual_seed(seed)
    inputs, _ = graph_signature(cfg)[graph]
    out: dict[str, torch.Tensor] = {}
    groups = min(batch, 2)
    for name, dtype, shape in inputs:
        sizes = {"batch": batch, "suffix_len": suffix_len or SUFFIX_LEN.get(cfg.name, 39), "groups": groups}
        dims = [sizes.get(dim, dim) if isinstance(dim, str) else dim for dim in shape]
        if name == "suffix_length":
            full = sizes["suffix_len"]
            t = torch.randint(1, full + 1, dims, generator=gen)
            t[0] = full
        elif name == "group_mask":
            t = torch.zeros(dims, dtype=torch.int64)
            half = (batch + 1) // 2
            t[0, :half] = 1
            if groups > 1:
                t[1, half:] = 1
        elif name in ("prefix_ids", "suffix_ids"):
            t = torch.randint(0, min(cfg.verifier_vocab_size, cfg.verifier["vocab_size"]), dims, generator=gen)
        elif name == "input_ids":
            t = torch.randint(4, min(cfg.text_vocab_size, cfg.text_encoder["vocab_size"]), dims, generator=gen)
            valid = dims[1] * 3 // 4
            t[:, 0] = 2  # <bos>
            t[:, valid:] = cfg.text_encoder.get("pad_token_id", 0)
        elif name in ("attention_mask", "prompt_mask"):
            t = torch.zeros(dims, dtype=torch.int64)
            t[:, : max(1, dims[1] * 3 // 4)] = 1
        elif name == "image":
            t = torch.randint(0, 256, dims, generator=gen).to(torch.uint8)
        elif name == "hidden":
            t = torch.randn(dims, generator=gen) * 2.0
        else:
            t = torch.randn(dims, generator=gen)
        out[name] = t.to(device)
    return out
