"""Stage: the DC-AE autoencoder 64×64×3 → 8×8×8. Pixel MSE + L1; a little latent noise while training makes
the decoder forgiving of the generator's small latent errors. Afterwards the scaling factor is set so that
latent × factor has unit variance (the generator's data scale), and every world image is encoded once."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from export.decoder import VaeDecode

from .. import shapeeval
from .context import Run
from .data import load_world, to_pixels
from .loop import run_budgeted
from .models import build_vae

STAGE = 2
DECODER_STAGE = 7
LATENT_NOISE = 0.05  # × the batch's latent std


def train_autoencoder(run: Run) -> dict:
    cfg, budget = run.cfg, run.cfg.budgets["autoencoder"]
    images, prompts, _ = load_world(run)
    torch.manual_seed(cfg.seed + STAGE)
    vae = build_vae(cfg).to(run.device)
    opt = torch.optim.AdamW(vae.parameters(), lr=budget.lr, weight_decay=0.0)

    def step(i: int) -> torch.Tensor:
        g = run.torch_gen(STAGE, i)
        idx = torch.randint(len(images), (budget.batch,), generator=g)
        x = to_pixels(images[idx.numpy()]).to(run.device)
        z = vae.encode(x).latent
        z = z + LATENT_NOISE * z.detach().std() * torch.randn(z.shape, generator=g).to(run.device)
        y = vae.decode(z).sample
        return F.mse_loss(y, x) + 0.5 * F.l1_loss(y, x)

    result = run_budgeted("autoencoder", run.work / "autoencoder.state.pt", {"vae": vae}, opt, step, budget, cfg.checkpoint_minutes)
    vae.eval()
    with torch.no_grad():
        latents = _encode_world(vae, images, run.device)
        scale = float(1.0 / latents.std())
        vae.register_to_config(scaling_factor=scale)
        torch.save(latents * scale, run.work / "world_latents.pt")
        accuracy = reconstruction_accuracy(vae, images, prompts, scale, run.device)
    vae.save_pretrained(run.work / "vae")
    return {**result.summary(), "scaling_factor": round(scale, 5), "reconstruction_judged_correct": accuracy}


@torch.no_grad()
def _encode_world(vae, images: np.ndarray, device) -> torch.Tensor:
    """Every world image's latent (unscaled), in chunks of 256."""
    return torch.cat([vae.encode(to_pixels(images[i : i + 256]).to(device)).latent.cpu() for i in range(0, len(images), 256)])


@torch.no_grad()
def reconstruction_accuracy(vae, images: np.ndarray, prompts: list[str], scale: float, device, count: int = 600) -> float:
    """Share of reconstructions shapeeval judges correct for their prompt (through the served decode graph)."""
    decode = VaeDecode(vae)
    count = min(count, len(images))
    correct = 0
    for i in range(0, count, 100):
        x = to_pixels(images[i : min(count, i + 100)]).to(device)
        recon = decode(vae.encode(x).latent * scale).cpu().numpy()
        correct += sum(shapeeval.judge(img, p).correct for img, p in zip(recon, prompts[i : i + len(recon)]))
    return round(correct / count, 4)


def reuse_autoencoder(run: Run, weights: Path) -> dict:
    """Both autoencoder stages from an earlier run's weights folder instead of training (the generator and the
    verifiers can then be retrained alone): its VAE becomes this run's, and the world is encoded with it."""
    from diffusers import AutoencoderDC

    images, prompts, _ = load_world(run)
    vae = AutoencoderDC.from_pretrained(weights / "vae").to(run.device).eval()
    scale = float(vae.config.scaling_factor)
    with torch.no_grad():
        torch.save(_encode_world(vae, images, run.device) * scale, run.work / "world_latents.pt")
        accuracy = reconstruction_accuracy(vae, images, prompts, scale, run.device)
    vae.save_pretrained(run.work / "vae")
    return {"reused_from": weights.name, "scaling_factor": round(scale, 5), "reconstruction_judged_correct": accuracy}


def refine_decoder(run: Run) -> dict:
    """Stage: the decoder alone, encoder frozen (the latents the generator learns stay what they are), at a
    lower rate; kept only when shapeeval judges more reconstructions correct than before."""
    from diffusers import AutoencoderDC

    cfg, budget = run.cfg, run.cfg.budgets["decoder"]
    images, prompts, _ = load_world(run)
    vae = AutoencoderDC.from_pretrained(run.work / "vae").to(run.device)
    scale = float(vae.config.scaling_factor)
    with torch.no_grad():
        before = reconstruction_accuracy(vae.eval(), images, prompts, scale, run.device)
    for p in vae.encoder.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(vae.decoder.parameters(), lr=budget.lr, weight_decay=0.0)

    def step(i: int) -> torch.Tensor:
        g = run.torch_gen(DECODER_STAGE, i)
        idx = torch.randint(len(images), (budget.batch,), generator=g)
        x = to_pixels(images[idx.numpy()]).to(run.device)
        with torch.no_grad():
            z = vae.encode(x).latent
        z = z + LATENT_NOISE * z.std() * torch.randn(z.shape, generator=g).to(run.device)
        y = vae.decode(z).sample
        return F.mse_loss(y, x) + 0.5 * F.l1_loss(y, x)

    result = run_budgeted("decoder", run.work / "decoder.state.pt", {"decoder": vae.decoder}, opt, step, budget, cfg.checkpoint_minutes)
    vae.eval()
    with torch.no_grad():
        after = reconstruction_accuracy(vae, images, prompts, scale, run.device)
    if after > before:
        tmp = run.work / "vae.refined"
        vae.save_pretrained(tmp)
        shutil.rmtree(run.work / "vae")
        tmp.rename(run.work / "vae")
    return {**result.summary(), "reconstruction_judged_correct_before": before, "reconstruction_judged_correct": after,
            "kept": after > before}
