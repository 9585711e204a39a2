"""How well scores rank candidates, shared by the training report (torch held-out) and the served
evaluation, so that both measure Best-of-N the same way.

Best-of-N is the expectation over every N-subset of one prompt's candidates, not the first N alone: one
first-N draw per prompt leaves a standard error of ≈ 0.02 at 600 prompts (≈ 0.04 at the training
report's 160), as large as the differences between verifiers."""

from __future__ import annotations

from collections.abc import Sequence
from math import comb

import numpy as np


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Probability that a random correct candidate outscores a random wrong one (ties count half); None
    when a class is absent."""
    s, y = np.asarray(scores, np.float64), np.asarray(labels, bool)
    pos, neg = s[y], s[~y]
    if len(pos) == 0 or len(neg) == 0:
        return None
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def subset_best_of(correct: Sequence[bool], scores: Sequence[float] | None, n: int) -> float:
    """Best-of-n accuracy over every n-subset of one prompt's candidates: the oracle (scores None) is right
    unless the subset holds no correct candidate (the unbiased pass@k estimator); a verifier keeps its top
    score (lower index on ties, as the backend picks). An n above the group's size means the whole group."""
    g = len(correct)
    n = min(n, g)
    if scores is None:
        return 1 - comb(g - sum(map(bool, correct)), n) / comb(g, n)
    # a candidate is the pick of exactly the subsets whose other n - 1 members rank below it
    order = sorted(range(g), key=lambda i: (scores[i], -i))
    return sum(bool(correct[i]) * comb(rank, n - 1) for rank, i in enumerate(order)) / comb(g, n)
