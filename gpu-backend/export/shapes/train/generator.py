"""Stages: text encoder + flow-matching teacher (trained together from nothing, prompt dropout for
classifier-free guidance), the teacher's noise → sample pairs (Euler, CFG), and the one-step student
regressed on them through the served TrigFlow step, initialized from the teacher."""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from tqdm import tqdm

from .config import SPLIT_LAYER, TEXT_LENGTH
from .context import Run
from .data import load_world
from .loop import run_budgeted
from .models import OneStep, build_text_encoder, build_transformer, velocity
from .text import text_ids

TEACHER, PAIRS, STUDENT = 3, 4, 5
T_ONE_SHARE = 0.1  # share of teacher batches at t = 1 exactly: the point the student starts from


def _encode(run: Run, encoder, prompts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    ids, mask = text_ids(run.tokens.text, prompts, TEXT_LENGTH)
    return encoder(ids.to(run.device), mask.to(run.device))


def train_teacher(run: Run) -> dict:
    cfg, budget = run.cfg, run.cfg.budgets["teacher"]
    _, prompts, _ = load_world(run)
    latents = torch.load(run.work / "world_latents.pt")
    all_ids, all_mask = text_ids(run.tokens.text, prompts, TEXT_LENGTH)
    empty_ids, empty_mask = text_ids(run.tokens.text, [""], TEXT_LENGTH)
    torch.manual_seed(cfg.seed + TEACHER)
    encoder, teacher = build_text_encoder(cfg).to(run.device), build_transformer(cfg).to(run.device)
    opt = torch.optim.AdamW([*encoder.parameters(), *teacher.parameters()], lr=budget.lr, weight_decay=0.01)

    def step(i: int) -> torch.Tensor:
        g = run.torch_gen(TEACHER, i)
        n = budget.batch
        idx = torch.randint(len(latents), (n,), generator=g)
        ids, mask = all_ids[idx].clone(), all_mask[idx].clone()
        drop = torch.rand(n, generator=g) < cfg.cfg_dropout
        ids[drop], mask[drop] = empty_ids, empty_mask
        x0 = latents[idx].to(run.device)
        noise = torch.randn(x0.shape, generator=g).to(run.device)
        t = torch.sigmoid(torch.randn(n, generator=g))  # logit-normal: most steps mid-trajectory
        t = torch.where(torch.rand(n, generator=g) < T_ONE_SHARE, torch.ones_like(t), t).to(run.device)
        xt = (1 - t.view(-1, 1, 1, 1)) * x0 + t.view(-1, 1, 1, 1) * noise
        embeds, emask = encoder(ids.to(run.device), mask.to(run.device))
        return F.mse_loss(velocity(teacher, xt, t, embeds, emask), noise - x0)

    result = run_budgeted("teacher", run.work / "teacher.state.pt", {"encoder": encoder, "teacher": teacher}, opt, step,
                          budget, cfg.checkpoint_minutes)
    torch.save({"encoder": encoder.state_dict(), "teacher": teacher.state_dict()}, run.work / "teacher.pt")
    return result.summary()


def load_teacher(run: Run):
    state = torch.load(run.work / "teacher.pt", map_location="cpu")
    encoder, teacher = build_text_encoder(run.cfg), build_transformer(run.cfg)
    encoder.load_state_dict(state["encoder"])
    teacher.load_state_dict(state["teacher"])
    return encoder.to(run.device).eval(), teacher.to(run.device).eval()


@torch.no_grad()
def sample_teacher(run: Run, encoder, teacher, prompts: list[str], noise: torch.Tensor) -> torch.Tensor:
    """Euler from t = 1 to 0 in cfg.teacher_steps steps, CFG: v = v_empty + w·(v_prompt − v_empty)."""
    n = len(prompts)
    cond, cmask = _encode(run, encoder, prompts)
    unc, umask = _encode(run, encoder, [""] * n)
    embeds, masks = torch.cat([cond, unc]), torch.cat([cmask, umask])
    x = noise.to(run.device)
    ts = torch.linspace(1, 0, run.cfg.teacher_steps + 1)
    for k in range(run.cfg.teacher_steps):
        t = torch.full([2 * n], float(ts[k]), device=run.device)
        v = velocity(teacher, torch.cat([x, x]), t, embeds, masks)
        v = v[n:] + run.cfg.teacher_cfg * (v[:n] - v[n:])
        x = x - float(ts[k] - ts[k + 1]) * v
    return x


def make_pairs(run: Run) -> dict:
    """Teacher samples for training prompts: (prompt, noise, x0/σ_d) triples."""
    cfg = run.cfg
    _, prompts, _ = load_world(run)
    encoder, teacher = load_teacher(run)
    g = run.torch_gen(PAIRS)
    pick = torch.randint(len(prompts), (cfg.pairs,), generator=g)
    chosen = [prompts[i] for i in pick.tolist()]
    noise = torch.randn(cfg.pairs, cfg.transformer["in_channels"], cfg.transformer["sample_size"], cfg.transformer["sample_size"], generator=g)
    samples = []
    for i in tqdm(range(0, cfg.pairs, 128), desc="teacher pairs", unit="batch", mininterval=5):
        samples.append(sample_teacher(run, encoder, teacher, chosen[i : i + 128], noise[i : i + 128]).cpu())
    torch.save({"prompts": chosen, "noise": noise, "x0": torch.cat(samples)}, run.work / "pairs.pt")
    return {"pairs": cfg.pairs, "teacher_steps": cfg.teacher_steps, "cfg_scale": cfg.teacher_cfg}


def train_student(run: Run) -> dict:
    cfg, budget = run.cfg, run.cfg.budgets["student"]
    encoder, teacher = load_teacher(run)
    pairs = torch.load(run.work / "pairs.pt")
    with torch.no_grad():
        embeds, masks = zip(*(_encode(run, encoder, pairs["prompts"][i : i + 512]) for i in range(0, len(pairs["prompts"]), 512)))
        embeds, masks = torch.cat(embeds), torch.cat(masks)
    student = OneStep(copy.deepcopy(teacher), SPLIT_LAYER).to(run.device)
    opt = torch.optim.AdamW(student.parameters(), lr=budget.lr, weight_decay=0.0)

    def step(i: int) -> torch.Tensor:
        idx = torch.randint(len(embeds), (budget.batch,), generator=run.torch_gen(STUDENT, i))
        noise, target = pairs["noise"][idx].to(run.device), pairs["x0"][idx].to(run.device)
        return F.mse_loss(student(noise, embeds[idx], masks[idx]), target)

    result = run_budgeted("student", run.work / "student.state.pt", {"student": student}, opt, step, budget, cfg.checkpoint_minutes)
    torch.save(student.transformer.state_dict(), run.work / "student.pt")
    return result.summary()
