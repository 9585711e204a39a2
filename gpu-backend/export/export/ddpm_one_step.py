"""The one-step sampler of PixArt-α-DMD as PixArtAlphaPipeline runs it with a DDPMScheduler, timesteps=[400] and
num_inference_steps=1: latents = noise · init_noise_sigma, scale_model_input is the identity, the transformer sees
the integer timestep, and the image comes from the scheduler step's pred_original_sample (learned-sigma channels
dropped first). The scheduler itself computes the constants, so they are diffusers' own float32 values."""

from __future__ import annotations

import torch
from diffusers import DDPMScheduler

from .precision import Float32Buffers


class SamplerError(ValueError):
    pass


class DdpmOneStep(Float32Buffers):
    def __init__(self, scheduler_kwargs: dict, timestep: int, guidance_scale: float) -> None:
        super().__init__()
        if guidance_scale > 1.0:
            # the pipeline would double the batch with the negative prompt; the DMD demo runs guidance_scale=1
            raise SamplerError(f"guidance_scale {guidance_scale} > 1 (classifier-free guidance) is not exported")
        scheduler = DDPMScheduler(**scheduler_kwargs)
        if scheduler.config.thresholding:
            raise SamplerError("DDPMScheduler thresholding=True is not exported (dynamic thresholding)")
        if scheduler.config.prediction_type not in ("epsilon", "sample", "v_prediction"):
            raise SamplerError(f"prediction_type {scheduler.config.prediction_type!r} is not supported")
        scheduler.set_timesteps(timesteps=[timestep])
        t = scheduler.timesteps[0]
        self.prediction_type = scheduler.config.prediction_type
        self.clip_range = float(scheduler.config.clip_sample_range) if scheduler.config.clip_sample else None
        self.init_noise_sigma = float(scheduler.init_noise_sigma)
        self.register_buffer("timestep", t.reshape(1).to(torch.int64), persistent=False)
        self.register_buffer("alpha_prod", scheduler.alphas_cumprod[t].float(), persistent=False)

    def model_input(self, noise: torch.Tensor) -> torch.Tensor:
        """prepare_latents (randn · init_noise_sigma); DDPMScheduler.scale_model_input returns its input."""
        return noise * self.init_noise_sigma

    def x0(self, sample: torch.Tensor, model_output: torch.Tensor) -> torch.Tensor:
        """DDPMScheduler.step(...).pred_original_sample, the same ops in the same order."""
        alpha_prod_t = self.alpha_prod
        beta_prod_t = 1 - alpha_prod_t
        if self.prediction_type == "epsilon":
            x0 = (sample - beta_prod_t ** (0.5) * model_output) / alpha_prod_t ** (0.5)
        elif self.prediction_type == "sample":
            x0 = model_output
        else:
            x0 = (alpha_prod_t**0.5) * sample - (beta_prod_t**0.5) * model_output
        if self.clip_range is not None:
            x0 = x0.clamp(-self.clip_range, self.clip_range)
        return x0

    def manifest(self, scheduler_kwargs: dict, guidance_scale: float) -> dict:
        return {
            "type": "ddpm_one_step",
            "timestep": int(self.timestep[0]),
            "alpha_cumprod": float(self.alpha_prod),
            "prediction_type": self.prediction_type,
            "clip_sample": self.clip_range is not None,
            "init_noise_sigma": self.init_noise_sigma,
            "guidance_scale": guidance_scale,
            "scheduler": {k: v for k, v in scheduler_kwargs.items() if not k.startswith("_")},
        }
