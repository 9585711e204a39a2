"""The evaluation's arithmetic on fixed records (the HTTP run itself is `npm run eval:shapes`)."""

from __future__ import annotations

from shapes import evaluate, world


def test_roc_auc_counts_ties_half_and_needs_both_classes():
    assert evaluate.roc_auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert evaluate.roc_auc([0.1, 0.2, 0.9, 0.8], [True, True, False, False]) == 0.0
    assert evaluate.roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert evaluate.roc_auc([0.3, 0.7, 0.8], [True, False, True]) == 0.5
    assert evaluate.roc_auc([0.1, 0.2], [True, True]) is None


def test_heldout_set_has_every_task_and_never_a_training_color_attr_prompt():
    prompts = evaluate.heldout_set(100)
    assert len(prompts) == 100 * len(world.TASKS)
    for task in world.TASKS:
        assert sum(p.task == task for p in prompts) == 100
    train = {p.text for p in world.prompt_split("color_attr", "train")}
    assert not {p.text for p in prompts if p.task == "color_attr"} & train


def _record(task: str, correct: list[bool], picks: dict[str, int], scores: dict[str, list[float]]) -> dict:
    return {
        "task": task,
        "candidate_correct": correct,
        "candidate_wall_ms": [10.0] * len(correct),
        "verifiers": {
            v: {
                str(n): {
                    "correct": correct[min(picks[v], n - 1)],
                    "same_as_candidate": True,
                    "wall_ms": 5.0 * n,
                    "server_ms": 4.0 * n,
                    **({"scores": scores[v]} if n == 4 else {}),
                }
                for n in (1, 2, 4)
            }
            for v in evaluate.VERIFIERS
        },
    }


def test_summary_oracle_random_and_verifier_accuracy():
    # per task: candidate 0 wrong, candidate 1 right; VHS picks 1, CLIP and AE pick 0
    scores = {"vhs": [0.1, 0.9, 0.2, 0.3], "clip": [0.9, 0.1, 0.2, 0.3], "ae": [0.5, 0.5, 0.5, 0.5]}
    records = [
        _record(t, [False, True, False, False], {"vhs": 1, "clip": 0, "ae": 0}, scores) for t in world.TASKS
    ]
    budget_rows = [
        {"task": t, "budget_ms": b, "mode": m, "n": 2, "correct": m == "vhs", "wall_ms": 9.0, "refused": None}
        for t in world.TASKS
        for b in (50, 75, 110, 165)
        for m in (*evaluate.VERIFIERS, "none")
    ]
    s = evaluate.summarize(records, budget_rows, [1, 2, 4])
    t = s["table"]
    assert t["bo1"]["accuracy"]["overall"] == 0.0
    assert t["oracle@1"]["accuracy"]["overall"] == 0.0
    assert t["oracle@2"]["accuracy"]["overall"] == 1.0
    assert t["random@2"]["accuracy"]["overall"] == 0.5
    assert t["random@4"]["accuracy"]["overall"] == 0.25
    assert t["vhs@2"]["accuracy"]["overall"] == 1.0 and t["clip@2"]["accuracy"]["overall"] == 0.0
    assert t["oracle@4"]["median_ms"] == 40.0  # four candidates fetched alone
    assert s["auc"]["vhs"] == 1.0 and s["auc"]["clip"] == 0.0 and s["auc"]["ae"] == 0.5
    assert s["budgets"]["75"]["vhs"]["accuracy"] == 1.0 and s["budgets"]["75"]["clip"]["accuracy"] == 0.0

    sub = s["subsets"]  # four candidates, only candidate 1 right; VHS ranks it first, CLIP last
    assert sub["bo1"]["overall"] == 0.25
    assert sub["oracle@2"]["overall"] == 0.5 and sub["oracle@4"]["overall"] == 1.0
    assert sub["vhs@2"]["overall"] == 0.5 and sub["vhs@4"]["overall"] == 1.0
    assert sub["clip@2"]["overall"] == 0.0 and sub["clip@4"]["overall"] == 0.0

    checks = {name: ok for name, ok, _ in evaluate.targets(s)}
    assert checks["oracle Bo4 - Bo1 >= 0.15"] and checks["VHS Bo4 - Bo1 >= 0.10"]
    assert checks["VHS Bo4 gain >= 60% of oracle's"]
    assert checks["VHS >= CLIP at every budget (4 budgets)"]
    assert checks["VHS ROC AUC >= 0.85"]
    assert not checks["Bo1 overall in [0.30, 0.80]"]
    assert "| VHS | 0.000" in evaluate.markdown_table({**s, "ns": [1, 2, 4]})


def test_subset_best_of_matches_enumerating_every_subset():
    from itertools import combinations

    correct = [False, True, False, True, False, False]
    scores = [0.3, 0.2, 0.9, 0.5, 0.5, 0.1]  # a tie between candidates 3 and 4: the lower index wins
    for n in (1, 2, 3, 4, 6):
        subsets = list(combinations(range(len(correct)), n))
        oracle = sum(any(correct[i] for i in sub) for sub in subsets) / len(subsets)
        picked = sum(correct[max(sub, key=lambda i: (scores[i], -i))] for sub in subsets) / len(subsets)
        assert abs(evaluate.subset_best_of(correct, None, n) - oracle) < 1e-12
        assert abs(evaluate.subset_best_of(correct, scores, n) - picked) < 1e-12
