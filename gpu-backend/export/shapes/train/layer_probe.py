"""`python -m shapes.train.layer_probe --run DIR`: which DiT block's hidden states tell right from wrong
candidates best? The split layer ℓ* trades what the VHS verifier can read (later blocks carry more of the
final layout) against what scoring skips (the blocks after ℓ*). For each block this trains the same small
probe — prompt bag-of-words + a 2-layer transformer over the block's 64 hidden tokens — on a finished
run's training samples (regenerated with the samples stage's seeds, so the labels are the stored ones)
and reports held-out ROC AUC and Best-of-4/8 as the training report computes them. Seeded; minutes on
one CPU core. The final latent (`--blocks latent`) is the AE baseline's input, for comparison."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
from torch import nn

from .config import TrainConfig
from .context import Run
from .metrics import best_of, roc_auc
from .samples import HELDOUT_STAGE_OFFSET, STAGE, load_student, student_inputs
from .text import load_tokenizers


@torch.no_grad()
def every_block(run: Run, prompts: list[str], seed_stage: int) -> dict[str, torch.Tensor]:
    """Each block's output tokens [B, 64, width] (fp16) and the final latent as tokens [B, 64, channels]."""
    student = load_student(run, split_layer=0)
    captured: dict[str, list[torch.Tensor]] = {}
    hooks = [block.register_forward_hook(lambda _m, _i, out, k=str(k): captured.setdefault(k, []).append(out.half()))
             for k, block in enumerate(student.transformer.transformer_blocks)]
    latents = []
    try:
        for _chunk, noise, embeds, emask in student_inputs(run, prompts, seed_stage, desc="hidden states"):
            latents.append(student(noise, embeds, emask).flatten(2).transpose(1, 2).half().cpu())
    finally:
        for hook in hooks:
            hook.remove()
    out = {k: torch.cat(v).cpu() for k, v in captured.items()}
    out["latent"] = torch.cat(latents)
    return out


def bag_of_words(prompts: list[str], vocabulary: dict[str, int]) -> torch.Tensor:
    x = torch.zeros(len(prompts), len(vocabulary))
    for row, prompt in enumerate(prompts):
        for word in prompt.split():
            x[row, vocabulary[word]] += 1
    return x


class Probe(nn.Module):
    """[prompt token ⊕ hidden tokens] → 2 transformer layers → logit of the prompt token's output."""

    def __init__(self, width: int, words: int, dim: int = 64) -> None:
        super().__init__()
        self.tokens = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, dim))
        self.prompt = nn.Linear(words, dim)
        self.position = nn.Parameter(torch.zeros(1, 65, dim))
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim, 4, 2 * dim, 0.0, batch_first=True), 2)
        self.head = nn.Linear(dim, 1)

    def forward(self, hidden: torch.Tensor, prompt: torch.Tensor) -> torch.Tensor:
        x = torch.cat([self.prompt(prompt)[:, None], self.tokens(hidden)], dim=1) + self.position
        return self.head(self.encoder(x)[:, 0]).squeeze(-1)


def probe(train: tuple[torch.Tensor, torch.Tensor, torch.Tensor], heldout: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
          group: int, steps: int, seed: int) -> dict:
    """Class-weighted logistic loss (as the verifiers' judge stage), AdamW, batch 64; held-out metrics."""
    hidden, prompts, labels = train
    torch.manual_seed(seed)
    model = Probe(hidden.shape[-1], prompts.shape[-1])
    opt = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=0.01)
    positive = labels.mean()
    weights = torch.where(labels > 0, 0.5 / positive, 0.5 / (1 - positive))
    for _ in range(steps):
        idx = torch.randint(len(labels), (64,))
        logits = model(hidden[idx].float(), prompts[idx])
        loss = (nn.functional.binary_cross_entropy_with_logits(logits, labels[idx], reduction="none") * weights[idx]).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        scores = model(heldout[0].float(), heldout[1])
    auc = roc_auc(scores, heldout[2])
    return {"auc": None if auc is None else round(auc, 4), "bo4": round(best_of(heldout[2], scores, group, 4), 4),
            "bo8": round(best_of(heldout[2], scores, group, 8), 4), "final_loss": round(float(loss.detach()), 4)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m shapes.train.layer_probe", description=__doc__)
    p.add_argument("--run", type=Path, required=True, help="a run folder whose samples stage has finished")
    p.add_argument("--train-samples", type=int, default=6144, help="the first K training samples train the probe")
    p.add_argument("--steps", type=int, default=1500, help="optimizer steps per block")
    p.add_argument("--blocks", default="2,4,5,latent", help="block indices (0-based) and/or 'latent'")
    p.add_argument("--out", type=Path, help="write the results here as JSON")
    args = p.parse_args(argv)
    cfg = TrainConfig.from_dict(json.loads((args.run / "config.json").read_text()))
    torch.set_num_threads(cfg.threads)
    run = Run(cfg, args.run, torch.device("cpu"), load_tokenizers(args.run / "weights"))
    stored_train = torch.load(run.work / "samples_train.pt")
    stored_heldout = torch.load(run.work / "samples_heldout.pt")
    train_prompts = stored_train["prompts"][: args.train_samples]
    heldout_prompts = stored_heldout["prompts"]
    train_hidden = every_block(run, train_prompts, STAGE)
    heldout_hidden = every_block(run, heldout_prompts, STAGE + HELDOUT_STAGE_OFFSET)
    every_prompt = stored_train["prompts"] + heldout_prompts
    vocabulary = {w: i for i, w in enumerate(sorted({w for q in every_prompt for w in q.split()}))}
    train_words, heldout_words = bag_of_words(train_prompts, vocabulary), bag_of_words(heldout_prompts, vocabulary)
    train_labels = stored_train["label"][: args.train_samples].float()
    heldout_labels = stored_heldout["label"].float()
    results = {"train_samples": len(train_prompts), "heldout_samples": len(heldout_prompts), "steps": args.steps,
               "heldout_bo1": round(float(heldout_labels.mean()), 4), "blocks": {}}
    for block in args.blocks.split(","):
        began = time.monotonic()
        results["blocks"][block] = probe((train_hidden[block], train_words, train_labels),
                                         (heldout_hidden[block], heldout_words, heldout_labels),
                                         cfg.candidates_per_prompt, args.steps, cfg.seed)
        results["blocks"][block]["seconds"] = round(time.monotonic() - began, 1)
        print(block, results["blocks"][block], flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
