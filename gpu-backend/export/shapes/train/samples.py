"""Stage: the student's own samples, the verifiers' data. Per sample: prompt, h_ℓ* (VHS input), final latent
(AE-baseline input), decoded image (CLIP-baseline input, through the served decode), shapeeval's verdict
(the yes/no label) and a caption of what shapeeval found (connector alignment). Training prompts, each with
cfg.samples_per_prompt seeds in a row, give the training set; held-out prompts × N seeds give the report's evaluation groups. The hidden-state statistics
(per token, over every training sample) are the normalization the served VHS graph applies.

Every batch's noise is drawn from its own start, so the batches need not be made in order: the training set is
made in cfg.processes processes (each every processes-th batch, `generate_in_processes`) and put back in order,
the same samples bit for bit as one process makes."""

from __future__ import annotations

import torch
from diffusers import AutoencoderDC
from tqdm import tqdm

from export.decoder import VaeDecode

from .. import shapeeval, world
from .config import SPLIT_LAYER, TEXT_LENGTH
from .context import Run
from .data import load_world
from .generator import load_teacher
from .models import OneStep, build_transformer
from .spawned import child_run, run_spawned
from .text import text_ids

STAGE = 6  # the training samples' seed stage; the held-out ones use STAGE + HELDOUT_STAGE_OFFSET
HELDOUT_STAGE_OFFSET = 100
BATCH = 128


def load_student(run: Run, split_layer: int = SPLIT_LAYER) -> OneStep:
    transformer = build_transformer(run.cfg)
    transformer.load_state_dict(torch.load(run.work / "student.pt", map_location="cpu"))
    return OneStep(transformer, split_layer).to(run.device).eval()


def caption(verdict: shapeeval.Verdict) -> str:
    objs = [world.Obj(d.shape, d.colour, d.x, d.y, float(d.width)) for d in verdict.objects if d.shape]
    return world.describe(world.Scene(tuple(objs)))


def batch_starts(prompts: list[str]) -> list[int]:
    return list(range(0, len(prompts), BATCH))


def student_inputs(run: Run, prompts: list[str], seed_stage: int, desc: str = "student samples",
                   starts: list[int] | None = None):
    """The student's inputs batch by batch (those at `starts`, default all): (prompts, noise, prompt
    embeddings, mask). The noise of each batch is drawn from (seed, seed_stage, batch start), so any reader
    regenerates the same samples."""
    encoder, _ = load_teacher(run)
    shape = (run.cfg.transformer["in_channels"], run.cfg.transformer["sample_size"], run.cfg.transformer["sample_size"])
    for i in tqdm(batch_starts(prompts) if starts is None else starts, desc=desc, unit="batch", mininterval=5):
        chunk = prompts[i : i + BATCH]
        noise = torch.randn((len(chunk), *shape), generator=run.torch_gen(seed_stage, i)).to(run.device)
        ids, mask = text_ids(run.tokens.text, chunk, TEXT_LENGTH)
        embeds, emask = encoder(ids.to(run.device), mask.to(run.device))
        yield chunk, noise, embeds, emask


@torch.no_grad()
def generate(run: Run, prompts: list[str], seed_stage: int, starts: list[int] | None = None) -> dict:
    """The samples of the batches at `starts` (default all), in that order."""
    starts = batch_starts(prompts) if starts is None else starts
    student = load_student(run)
    vae = AutoencoderDC.from_pretrained(run.work / "vae").to(run.device).eval()
    decode = VaeDecode(vae)
    out = {"prompts": [p for i in starts for p in prompts[i : i + BATCH]], "hidden": [], "latent": [], "image": [],
           "label": [], "caption": []}
    for chunk, noise, embeds, emask in student_inputs(run, prompts, seed_stage, starts=starts):
        latent, hidden = student(noise, embeds, emask, keep_hidden=True)
        images = decode(latent).cpu().numpy()
        verdicts = [shapeeval.judge(img, p) for img, p in zip(images, chunk)]
        out["hidden"].append(hidden.cpu().half())
        out["latent"].append(latent.cpu())
        out["image"].append(torch.from_numpy(images))
        out["label"] += [v.correct for v in verdicts]
        out["caption"] += [caption(v) for v in verdicts]
    for key in ("hidden", "latent", "image"):
        out[key] = torch.cat(out[key])
    out["label"] = torch.tensor(out["label"])
    return out


def _part(cfg, out: str, device: str, prompts: list[str], seed_stage: int, part: int, parts: int) -> None:
    run = child_run(cfg, out, device)
    starts = batch_starts(prompts)[part::parts]
    torch.save(generate(run, prompts, seed_stage, starts), run.work / f"samples_part{part}.pt")


def generate_in_processes(run: Run, prompts: list[str], seed_stage: int) -> dict:
    """`generate` over every batch, made in cfg.processes processes and put back in batch order."""
    parts = min(run.cfg.processes, len(batch_starts(prompts)))
    if parts <= 1:
        return generate(run, prompts, seed_stage)
    args = (run.cfg, str(run.out), run.device.type, prompts, seed_stage)
    if run_spawned([(f"samples-{k}", _part, (*args, k, parts)) for k in range(parts)]):
        raise RuntimeError("a sample-generation process failed (the samples stage reruns from the start)")
    paths = [run.work / f"samples_part{k}.pt" for k in range(parts)]
    made = [torch.load(path) for path in paths]
    # batch b was made by part b % parts as its (b // parts)-th: rows [j·BATCH, (j+1)·BATCH) there
    order = [(b % parts, b // parts) for b in range(len(batch_starts(prompts)))]
    out: dict = {"prompts": prompts}
    for key in ("hidden", "latent", "image", "label"):
        out[key] = torch.cat([made[k][key][j * BATCH : (j + 1) * BATCH] for k, j in order])
    out["caption"] = [c for k, j in order for c in made[k]["caption"][j * BATCH : (j + 1) * BATCH]]
    for path in paths:
        path.unlink()
    return out


def make_samples(run: Run) -> dict:
    cfg = run.cfg
    _, train_prompts, heldout = load_world(run)
    g = run.torch_gen(STAGE)
    group = cfg.samples_per_prompt
    pick = torch.randint(len(train_prompts), (cfg.verifier_samples // group,), generator=g).tolist()
    train = generate_in_processes(run, [train_prompts[i] for i in pick for _ in range(group)], STAGE)
    hidden = train["hidden"].float()
    mean, var = hidden.mean(dim=(0, 2)), hidden.var(dim=(0, 2))  # per token: [h·w]
    torch.save(mean, run.work / f"block_{SPLIT_LAYER}_mean.pt")
    torch.save(var, run.work / f"block_{SPLIT_LAYER}_variance.pt")
    torch.save(train, run.work / "samples_train.pt")
    evaluation = generate(run, [p for p in heldout for _ in range(cfg.candidates_per_prompt)], STAGE + HELDOUT_STAGE_OFFSET)
    torch.save(evaluation, run.work / "samples_heldout.pt")
    return {"train_samples": len(train["label"]), "train_positive_share": round(float(train["label"].float().mean()), 4),
            "heldout_samples": len(evaluation["label"]), "stats_shape": list(mean.shape)}
