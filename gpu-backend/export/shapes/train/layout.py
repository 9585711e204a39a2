"""Writes the trained models in the upstream layouts the export tool's --weights loads strictly: diffusers
folders (transformer/, vae/), transformers folders (text_encoder/, clip/), and LLaVA-Qwen2 checkpoints
(verifier/, clip_verifier/, ae_verifier/: Qwen2ForCausalLM keys + model.mm_projector.{0,2}.*)."""

from __future__ import annotations

import json
import shutil

import torch
from diffusers import AutoencoderDC
from safetensors.torch import save_file

from .config import SPLIT_LAYER
from .context import Run
from .generator import load_teacher
from .samples import load_student
from .verifiers import load_verifier

LLAVA_FOLDERS = {"vhs": "verifier", "clip": "clip_verifier", "ae": "ae_verifier"}


def save_llava(folder, llm, connector) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config = llm.config.to_dict()
    config.update(mm_projector_type="mlp2x_gelu", mm_hidden_size=connector[0].in_features)
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    state = {k: v.contiguous() for k, v in llm.state_dict().items() if not (llm.config.tie_word_embeddings and k == "lm_head.weight")}
    state.update({f"model.mm_projector.{k}": v.contiguous() for k, v in connector.state_dict().items()})
    save_file(state, str(folder / "model.safetensors"))


def write_weights(run: Run) -> dict:
    w = run.weights
    encoder, _ = load_teacher(run)
    encoder.model.save_pretrained(w / "text_encoder")
    load_student(run).transformer.save_pretrained(w / "transformer")
    vae = AutoencoderDC.from_pretrained(run.work / "vae")
    # from_pretrained records the run folder it read; the committed weights should not carry that path
    vae.register_to_config(_name_or_path="vae")
    vae.save_pretrained(w / "vae")
    for kind, name in LLAVA_FOLDERS.items():
        verifier = load_verifier(run, kind)
        save_llava(w / name, verifier.llm, verifier.connector)
        if verifier.features is not None:
            verifier.features.model.save_pretrained(w / "clip")
    for kind in ("mean", "variance"):
        shutil.copyfile(run.work / f"block_{SPLIT_LAYER}_{kind}.pt", w / "verifier" / f"block_{SPLIT_LAYER}_{kind}.pt")
    (w / "training_config.json").write_text(run.cfg.to_json() + "\n")
    total = sum(f.stat().st_size for f in w.rglob("*") if f.is_file())
    # relative to the run folder: the report is committed with the weights, the run folder is not
    return {"folder": str(w.relative_to(run.out)), "megabytes": round(total / 2**20, 2)}
