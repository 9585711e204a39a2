"""The world's training data: prompt-conditioned rendered scenes from the training prompts, and the held-out
prompt list the report evaluates on (one task at a time, so every task is represented equally)."""

from __future__ import annotations

import json

import numpy as np
from tqdm import tqdm

from .. import world
from .context import Run

STAGE = 1


def world_data(run: Run) -> dict:
    cfg = run.cfg
    rng = run.rng(STAGE)
    prompts, images = [], np.empty((cfg.world_images, 64, 64, 3), np.uint8)
    for i in tqdm(range(cfg.world_images), desc="world data", unit="image", mininterval=5):
        spec = world.sample_prompt(rng, world.TASKS[i % len(world.TASKS)], "train")
        # slight jitter and blur on a third of the images: the generator should not learn one exact pixel value
        rough = i % 3 == 0
        scene = world.sample_scene_for_prompt(rng, spec)
        images[i] = world.render(scene, jitter=0.5 if rough else 0.0, blur=0.4 if rough else 0.0, rng=rng)
        prompts.append(spec.text)
    heldout = [world.sample_prompt(rng, world.TASKS[i % len(world.TASKS)], "heldout").text for i in range(cfg.heldout_prompts)]
    np.save(run.work / "world_images.npy", images)
    (run.work / "world_prompts.json").write_text(json.dumps({"train": prompts, "heldout": heldout}))
    return {"images": cfg.world_images, "heldout_prompts": len(heldout)}


def load_world(run: Run) -> tuple[np.ndarray, list[str], list[str]]:
    prompts = json.loads((run.work / "world_prompts.json").read_text())
    return np.load(run.work / "world_images.npy"), prompts["train"], prompts["heldout"]


def to_pixels(images: np.ndarray):
    """uint8 [B,H,W,3] → float [B,3,H,W] in [-1, 1] (the VAE's pixel range)."""
    import torch

    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1
