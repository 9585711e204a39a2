"""Held-out metrics of the training report: ROC AUC of verifier scores against shapeeval's labels, and
Best-of-N over groups of consecutive candidates of one prompt, estimated as the served evaluation does
(over every N-subset of the group, `shapes.ranking`)."""

from __future__ import annotations

import torch

from .. import ranking


def roc_auc(scores: torch.Tensor, labels: torch.Tensor) -> float | None:
    return ranking.roc_auc(scores.double().tolist(), labels.bool().tolist())


def best_of(labels: torch.Tensor, scores: torch.Tensor | None, group: int, n: int) -> float:
    """Mean over groups of the expected accuracy when n of the group's candidates are drawn and the top score
    kept; scores None = the oracle (any correct candidate among the n)."""
    lab = labels.bool().view(-1, group).tolist()
    sc = [None] * len(lab) if scores is None else scores.double().view(-1, group).tolist()
    return sum(ranking.subset_best_of(c, s, n) for c, s in zip(lab, sc, strict=True)) / len(lab)


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
