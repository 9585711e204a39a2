"""Stages of the three verifiers, each its own connector (LLaVA mlp2x_gelu) and its own Qwen2, all started
from one small Qwen2 pretrained on the world's text (the stand-in for a released LLM):
  align: the connector alone (and the CLIP tower, which has no pretraining either) learns to caption the
         image (shapeeval's description of it) with the LLM frozen;
  judge: connector + LLM learn the yes/no answer of the VHS template, weighted cross-entropy over the whole
         vocabulary (so the served argmax/score head sees the trained distribution), focal term optional;
         classes weighted to equal total weight, or (label_weighting "per_prompt") within each prompt's group.
Inputs: VHS = h_ℓ* normalized with the sample statistics; CLIP = its patch features of the decoded image;
AE = the final latent, one token per latent pixel."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from transformers import DynamicCache

from export.clip_encoder import ClipFeatures
from export.verifier import HiddenNormalization, ScoreHead

from .. import world
from .config import SPLIT_LAYER
from .context import Run
from .loop import run_budgeted
from .metrics import verifier_metrics
from .models import build_clip, build_connector, build_llm
from .text import VHS_PREFIX, VHS_SUFFIX, caption_ids, prefix_ids, suffix_ids

KINDS = ("vhs", "clip", "ae")
STAGES = {"llm_text": 10, "vhs": 20, "clip": 30, "ae": 40}
PAD = 0
CLIP_SELECT_LAYER = -2  # LLaVA: penultimate layer, patch tokens only (the export config's clip_select_layer)


def pad_ids(texts: list[list[int]], fill: int = PAD) -> torch.Tensor:
    """Token id lists → one right-padded int64 tensor [rows, longest]."""
    ids = torch.full((len(texts), max(len(t) for t in texts)), fill, dtype=torch.int64)
    for row, t in enumerate(texts):
        ids[row, : len(t)] = torch.tensor(t)
    return ids


class Verifier(nn.Module):
    """Image tokens of one kind → connector → Qwen2 over [prefix ⊕ image ⊕ text]."""

    def __init__(self, kind: str, run: Run, llm: nn.Module) -> None:
        super().__init__()
        cfg = run.cfg
        self.kind = kind
        self.llm = llm
        # the decoded images are the tower's own input size (64 px), so no resize
        self.features = ClipFeatures(build_clip(cfg), CLIP_SELECT_LAYER, cfg.clip["image_size"]) if kind == "clip" else None
        in_features = {"vhs": cfg.transformer["num_attention_heads"] * cfg.transformer["attention_head_dim"],
                       "clip": cfg.clip["hidden_size"], "ae": cfg.transformer["out_channels"]}[kind]
        self.connector = build_connector(in_features, cfg)
        if kind == "vhs":
            mean = torch.load(run.work / f"block_{SPLIT_LAYER}_mean.pt")
            var = torch.load(run.work / f"block_{SPLIT_LAYER}_variance.pt")
            self.norm = HiddenNormalization(mean, var, cfg.transformer["sample_size"] ** 2)
        self.prefix = torch.tensor(prefix_ids(run.tokens.verifier))
        self.tokenizer = run.tokens.verifier
        self.suffixes: dict[str, list[int]] = {}

    def suffix(self, prompt: str) -> list[int]:
        if prompt not in self.suffixes:
            self.suffixes[prompt] = suffix_ids(self.tokenizer, prompt)
        return self.suffixes[prompt]

    def image_tokens(self, data: dict, idx: torch.Tensor, device) -> torch.Tensor:
        if self.kind == "vhs":
            x = self.norm(data["hidden"][idx].float().to(device))
        elif self.kind == "clip":
            x = self.features(data["image"][idx].to(device))
        else:
            x = data["latent"][idx].to(device).flatten(2).transpose(1, 2)
        return self.connector(x)

    def sequence(self, image: torch.Tensor, texts: list[list[int]]) -> tuple[torch.Tensor, list[int]]:
        """[prefix ⊕ image ⊕ text] embeddings, right-padded (causal attention never looks at the padding);
        returns them and the index of each row's last real position."""
        device = image.device
        embed = self.llm.model.embed_tokens
        prefix = embed(self.prefix.to(device)).expand(image.shape[0], -1, -1)
        embeds = torch.cat([prefix, image, embed(pad_ids(texts).to(device))], dim=1)
        start = len(self.prefix) + image.shape[1]
        return embeds, [start + len(t) - 1 for t in texts]

    def last_logits(self, data: dict, idx: torch.Tensor, device) -> torch.Tensor:
        """The LLM's next-token logits after each row's [prefix ⊕ image ⊕ suffix]: the answer's distribution.
        Computed as the served graph's math, but cheaper to train: the template prefix is the same for every
        row and (causal attention) sees nothing after it, so it runs once per call and its keys and values
        are shared by the rows; and the vocabulary head runs only at each row's last position."""
        suffixes = [self.suffix(data["prompts"][i]) for i in idx.tolist()]
        image = self.image_tokens(data, idx, device)
        n = image.shape[0]
        embed = self.llm.model.embed_tokens
        cache = DynamicCache()
        self.llm.model(inputs_embeds=embed(self.prefix.to(device))[None], past_key_values=cache, use_cache=True)
        cache.batch_repeat_interleave(n)
        rest = torch.cat([image, embed(pad_ids(suffixes).to(device))], dim=1)
        hidden = self.llm.model(inputs_embeds=rest, past_key_values=cache, use_cache=True).last_hidden_state
        last = torch.tensor([image.shape[1] + len(t) - 1 for t in suffixes], device=hidden.device)
        return self.llm.lm_head(hidden[torch.arange(n, device=hidden.device), last])


def pretrain_llm(run: Run) -> dict:
    """Plain language modelling on the world's text: the template with prompts and answers, and captions."""
    cfg, budget = run.cfg, run.cfg.budgets["llm_text"]
    tok = run.tokens.verifier
    prompts = [p.text for t in world.TASKS for p in world.all_prompts(t)]
    torch.manual_seed(cfg.seed + STAGES["llm_text"])
    llm = build_llm(cfg).to(run.device)
    opt = torch.optim.AdamW(llm.parameters(), lr=budget.lr, weight_decay=0.01)

    def step(i: int) -> torch.Tensor:
        rng = run.rng(STAGES["llm_text"], i)
        texts = []
        for _ in range(budget.batch):
            if rng.random() < 0.5:
                p = prompts[int(rng.integers(len(prompts)))]
                texts.append(tok.encode(VHS_PREFIX + VHS_SUFFIX.replace("{prompt}", p) + ("yes" if rng.random() < 0.5 else "no"),
                                        add_special_tokens=False).ids)
            else:
                texts.append(caption_ids(tok, world.describe(world.random_scene(rng))))
        ids, labels = pad_ids(texts), pad_ids(texts, fill=-100)
        return llm(input_ids=ids.to(run.device), labels=labels.to(run.device), use_cache=False).loss

    result = run_budgeted("llm text", run.work / "llm_text.state.pt", {"llm": llm}, opt, step, budget, cfg.checkpoint_minutes)
    torch.save(llm.state_dict(), run.work / "llm_text.pt")
    return result.summary()


def _fresh_verifier(run: Run, kind: str) -> Verifier:
    llm = build_llm(run.cfg)
    llm.load_state_dict(torch.load(run.work / "llm_text.pt", map_location="cpu"))
    torch.manual_seed(run.cfg.seed + STAGES[kind])
    return Verifier(kind, run, llm).to(run.device)


def train_verifier(run: Run, kind: str) -> dict:
    cfg = run.cfg
    train = torch.load(run.work / "samples_train.pt")
    heldout = torch.load(run.work / "samples_heldout.pt")
    verifier = _fresh_verifier(run, kind)
    tok = run.tokens.verifier
    captions = [caption_ids(tok, c) for c in train["caption"]]
    stage = STAGES[kind]

    # align: connector (and a CLIP tower) only
    budget = cfg.budgets[f"{kind}_align"]
    trainable = [*verifier.connector.parameters(), *(verifier.features.parameters() if verifier.features else [])]
    for p in verifier.llm.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(trainable, lr=budget.lr, weight_decay=0.0)

    def align_step(i: int) -> torch.Tensor:
        idx = torch.randint(len(captions), (budget.batch,), generator=run.torch_gen(stage, i))
        texts = [captions[j] for j in idx.tolist()]
        embeds, last = verifier.sequence(verifier.image_tokens(train, idx, run.device), texts)
        logits = verifier.llm(inputs_embeds=embeds, use_cache=False).logits
        labels = torch.full(logits.shape[:2], -100, dtype=torch.int64)
        for row, (t, end) in enumerate(zip(texts, last)):
            start = end - len(t) + 1  # first caption position; the position before it predicts it
            labels[row, start - 1 : end] = torch.tensor(t)
        return F.cross_entropy(logits.flatten(0, 1), labels.flatten().to(run.device), ignore_index=-100)

    modules = {"connector": verifier.connector, **({"clip": verifier.features.model} if verifier.features else {})}
    align = run_budgeted(f"{kind} align", run.work / f"{kind}_align.state.pt", modules, opt, align_step, budget, cfg.checkpoint_minutes)

    # judge: connector + LLM (+ CLIP tower) on yes/no, weighted cross-entropy
    budget = cfg.budgets[f"{kind}_judge"]
    for p in verifier.llm.parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW([*trainable, *verifier.llm.parameters()], lr=budget.lr, weight_decay=0.01)
    labels = train["label"]
    positive = float(labels.float().mean().clamp(0.02, 0.98))
    weights = label_weights(labels, cfg.samples_per_prompt, cfg.uniform_group_weight) if cfg.label_weighting == "per_prompt" \
        else class_weights(labels)
    yes, no = run.tokens.yes_id, run.tokens.no_id

    def judge_step(i: int) -> torch.Tensor:
        idx = torch.randint(len(labels), (budget.batch,), generator=run.torch_gen(stage + 1, i))
        lab = labels[idx]
        logp = F.log_softmax(verifier.last_logits(train, idx, run.device).float(), dim=-1)
        target = torch.where(lab, yes, no).to(run.device)
        ce = -logp.gather(1, target[:, None]).squeeze(1)
        if cfg.focal_gamma > 0:
            ce = ce * (1 - torch.exp(-ce)) ** cfg.focal_gamma
        w = weights[idx].to(run.device)
        return (w * ce).sum() / w.sum()

    modules = {"connector": verifier.connector, "llm": verifier.llm, **({"clip": verifier.features.model} if verifier.features else {})}
    judge = run_budgeted(f"{kind} judge", run.work / f"{kind}_judge.state.pt", modules, opt, judge_step, budget, cfg.checkpoint_minutes)
    scores = score(run, verifier, heldout)
    torch.save({k: m.state_dict() for k, m in modules.items()}, run.work / f"{kind}_verifier.pt")
    return {"align": align.summary(), "judge": judge.summary(), "positive_share": round(positive, 4),
            "heldout": verifier_metrics(scores, heldout["label"], cfg.candidates_per_prompt)}


def class_weights(labels: torch.Tensor) -> torch.Tensor:
    """The paper's weighting: yes and no samples each carry half of the total weight."""
    positive = float(labels.float().mean().clamp(0.02, 0.98))
    return torch.where(labels.bool(), torch.tensor(0.5 / positive), torch.tensor(0.5 / (1 - positive)))


def label_weights(labels: torch.Tensor, group: int, uniform_group_weight: float) -> torch.Tensor:
    """Per-sample weights of the yes/no loss. Samples come in groups of `group` seeds of one prompt. Within a
    group that holds both labels, each label gets half the group's weight (the paper's class weighting, applied
    per prompt: the verifier must tell this prompt's right candidates from its wrong ones). A group whose
    candidates all share a label weighs `uniform_group_weight` as much, split by the global class balance, so
    the answer stays calibrated across prompts without prompt difficulty dominating the loss."""
    lab = labels.bool().view(-1, group)
    share = lab.float().mean(dim=1, keepdim=True)
    mixed = (share > 0) & (share < 1)
    within = torch.where(lab, 0.5 / share.clamp(min=1e-6), 0.5 / (1 - share).clamp(min=1e-6))
    return torch.where(mixed, within, uniform_group_weight * class_weights(lab)).flatten()


@torch.no_grad()
def score(run: Run, verifier: Verifier, data: dict) -> torch.Tensor:
    """The served score: P(yes) when 'yes' is the top token, else −P(no)."""
    verifier.eval()
    head = ScoreHead(run.tokens.score)
    out = [head(verifier.last_logits(data, torch.arange(i, min(i + 128, len(data["label"]))), run.device)).cpu()
           for i in range(0, len(data["label"]), 128)]
    return torch.cat(out)


def load_verifier(run: Run, kind: str) -> Verifier:
    verifier = Verifier(kind, run, build_llm(run.cfg))
    state = torch.load(run.work / f"{kind}_verifier.pt", map_location="cpu")
    verifier.connector.load_state_dict(state["connector"])
    verifier.llm.load_state_dict(state["llm"])
    if verifier.features is not None:
        verifier.features.model.load_state_dict(state["clip"])
    return verifier.to(run.device).eval()

