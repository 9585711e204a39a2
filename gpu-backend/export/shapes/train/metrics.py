"""Held-out metrics: ROC AUC of verifier scores against shapeeval's labels, and best-of-N accuracy of a
picker over groups of N consecutive candidates of one prompt."""

from __future__ import annotations

import torch


def roc_auc(scores: torch.Tensor, labels: torch.Tensor) -> float | None:
    """Mann–Whitney U with ties counted half; None when a class is absent."""
    pos, neg = scores[labels.bool()], scores[~labels.bool()]
    if len(pos) == 0 or len(neg) == 0:
        return None
    greater = (pos[:, None] > neg[None, :]).float().sum()
    ties = (pos[:, None] == neg[None, :]).float().sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def best_of(labels: torch.Tensor, scores: torch.Tensor | None, group: int, n: int) -> float:
    """Accuracy when the first n candidates of each group are scored and the top one is kept (first on ties);
    scores None = the oracle (any correct candidate among the n)."""
    lab = labels.view(-1, group)[:, :n].float()
    if scores is None:
        return float(lab.max(dim=1).values.mean())
    pick = scores.view(-1, group)[:, :n].argmax(dim=1)
    return float(lab.gather(1, pick[:, None]).mean())


def generator_metrics(labels: torch.Tensor, group: int) -> dict:
    out = {"bo1": round(float(labels.float().mean()), 4)}
    for n in (2, 4, 8, 16):
        if n <= group:
            out[f"oracle_bo{n}"] = round(best_of(labels, None, group, n), 4)
    return out


def verifier_metrics(scores: torch.Tensor, labels: torch.Tensor, group: int) -> dict:
    auc = roc_auc(scores, labels)
    out = {"auc": None if auc is None else round(auc, 4),
           "accuracy": round(float(((scores > 0) == labels.bool()).float().mean()), 4)}
    for n in (2, 4, 8, 16):
        if n <= group:
            out[f"bo{n}"] = round(best_of(labels, scores, group, n), 4)
    return out
