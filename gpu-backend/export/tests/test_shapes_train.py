"""The shapes training command at smoke size (a few steps of every stage): it runs from nothing, writes a
report with every stage, resumes without redoing work, and its checkpoints load strictly through the export
tool's --weights path into graph modules that run."""

from __future__ import annotations

import json

import pytest
import torch

from export.pipeline import build_modules
from export.score_tokens import ScoreTokens
from shapes.train import layer_probe, samples
from shapes.train.config import SPLIT_LAYER, Budget, get_config
from shapes.train.loop import run_budgeted
from shapes.train.metrics import best_of, roc_auc
from shapes.train.run import STAGE_NAMES, train


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    torch.set_num_threads(1)
    out = tmp_path_factory.mktemp("shapes-smoke")
    report = train(get_config("smoke"), out)
    return out, report


def test_smoke_run_reports_every_stage(smoke_run):
    out, report = smoke_run
    assert set(STAGE_NAMES) <= set(report)
    for kind in ("vhs", "clip", "ae"):
        assert report[kind]["judge"]["steps"] == 3
        assert set(report[kind]["heldout"]) >= {"auc", "accuracy", "bo2", "bo4"}
    assert report["samples"]["stats_shape"] == [64]
    on_disk = json.loads((out / "weights" / "training_report.json").read_text())
    assert on_disk["autoencoder"]["steps"] == 3


def test_rerun_skips_finished_stages(smoke_run):
    out, report = smoke_run
    again = train(get_config("smoke"), out)
    assert again["teacher"] == report["teacher"]
    assert again["weights"] == report["weights"]


def test_checkpoints_load_strictly_through_the_export_tool(smoke_run):
    out, _ = smoke_run
    mods = build_modules("shapes", weights=out / "weights", token_ids=ScoreTokens(5, 6, (5,)), graph_names=("propose", "clip_verify", "ae_verify"))
    assert mods.upstream.trained == dict.fromkeys(("generator", "text_encoder", "vhs_verifier", "clip_verifier", "ae_verifier"), True)
    # each baseline has its own language model, not the VHS verifier's
    assert mods.upstream.clip_llm is not mods.upstream.llm and mods.upstream.ae_llm is not mods.upstream.llm
    example = mods.example("propose", batch=3)
    groups = example["group_mask"].shape[0]  # the example's rows belong to two requests
    with torch.no_grad():
        scores, winner, hidden = mods.graphs["propose"](**example)
    assert scores.shape == (3,) and winner.shape == (groups,) and hidden.shape == (groups, 64, 128)
    assert torch.isfinite(scores).all()


def test_layer_probe_regenerates_the_stored_samples_and_scores_each_block(smoke_run, tmp_path):
    out, _ = smoke_run
    stored = torch.load(out / "work" / "samples_train.pt")
    run = layer_probe.Run(get_config("smoke"), out, torch.device("cpu"), layer_probe.load_tokenizers(out / "weights"))
    blocks = layer_probe.every_block(run, stored["prompts"], layer_probe.STAGE)
    # the samples stage's seeds: block ℓ* is exactly the VHS input the verifiers trained on
    assert torch.equal(blocks[str(SPLIT_LAYER)], stored["hidden"])
    assert blocks["latent"].shape == (len(stored["prompts"]), 64, 8)
    result = tmp_path / "probe.json"
    layer_probe.main(["--run", str(out), "--train-samples", "64", "--steps", "2", "--blocks", "0,latent", "--out", str(result)])
    probed = json.loads(result.read_text())["blocks"]
    assert set(probed) == {"0", "latent"} and all(0 <= b["bo4"] <= 1 for b in probed.values())


def test_samples_made_in_two_processes_are_the_one_process_samples(smoke_run):
    out, _ = smoke_run
    cfg = get_config("smoke")
    cfg.processes = 2
    run = layer_probe.Run(cfg, out, torch.device("cpu"), layer_probe.load_tokenizers(out / "weights"))
    prompts = json.loads((out / "work" / "world_prompts.json").read_text())["train"][:3]
    prompts = [p for p in prompts for _ in range(samples.BATCH)]  # three batches: parts of two and one
    together = samples.generate(run, prompts, samples.STAGE)
    apart = samples.generate_in_processes(run, prompts, samples.STAGE)
    assert apart["prompts"] == together["prompts"] == prompts and apart["caption"] == together["caption"]
    for key in ("hidden", "latent", "image", "label"):
        assert torch.equal(apart[key], together[key]), key
    assert not list((out / "work").glob("samples_part*.pt"))


def test_budgeted_loop_resumes_at_the_step_it_stopped(tmp_path):
    model = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    seen: list[int] = []

    def step(i: int) -> torch.Tensor:
        seen.append(i)
        return model(torch.ones(1, 2)).pow(2).sum()

    state = tmp_path / "state.pt"
    first = run_budgeted("t", state, {"m": model}, opt, step, Budget(steps=3, minutes=1, batch=1, lr=0.1), 0.0, log_every=1)
    second = run_budgeted("t", state, {"m": model}, opt, step, Budget(steps=5, minutes=1, batch=1, lr=0.1), 0.0, log_every=1)
    assert seen == [0, 1, 2, 3, 4]
    assert (first.steps, second.steps) == (3, 5) and len(second.losses) == 5


def test_auc_and_best_of_n():
    labels = torch.tensor([1, 0, 0, 0, 0, 1, 0, 0])
    scores = torch.tensor([0.9, 0.1, 0.2, 0.3, 0.4, 0.8, 0.0, 0.5])
    assert roc_auc(scores, labels) == 1.0
    assert roc_auc(-scores, labels) == 0.0
    assert roc_auc(scores, torch.zeros(8)) is None
    assert best_of(labels, None, group=4, n=1) == 0.25  # Bo1: one right candidate in each group of four
    assert best_of(labels, None, group=4, n=4) == 1.0  # oracle Bo4: each group has a right one
    assert best_of(labels, None, group=4, n=2) == 0.5  # half the pairs of a group hold its right one
    assert best_of(labels, scores, group=4, n=4) == 1.0  # the top score is the right one in both groups
    assert best_of(labels, scores, group=4, n=2) == 0.5  # ... so it is picked whenever a pair holds it
    assert best_of(labels, -scores, group=4, n=4) == 0.0
    # the right one outscores two of the other three: it is the pick of 2 of the 6 pairs
    assert abs(best_of(torch.tensor([0, 1, 0, 0]), torch.tensor([0.1, 0.5, 0.9, 0.2]), group=4, n=2) - 2 / 6) < 1e-12


def test_label_weights_balance_each_prompt_and_damp_uniform_groups():
    from shapes.train.verifiers import class_weights, label_weights

    # groups of 4: one with 1 of 4 correct, one all wrong, one all correct
    labels = torch.tensor([1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]).bool()
    w = label_weights(labels, 4, 0.3)
    mixed = w[:4]
    assert torch.isclose(mixed[0], mixed[1:].sum())  # the group's yes and no weigh the same
    assert torch.isclose(mixed.sum(), torch.tensor(4.0))  # a mixed group weighs its size
    wrong, right = w[4:8], w[8:]
    assert torch.allclose(wrong, wrong[0]) and torch.allclose(right, right[0])
    # uniform groups: global class balance (5 of 12 correct), damped
    assert torch.isclose(right[0], torch.tensor(0.3 * 0.5 / (5 / 12)))
    assert torch.isclose(wrong[0], torch.tensor(0.3 * 0.5 / (7 / 12)))
    # the paper's class weighting: yes and no each carry half of the total weight
    paper = class_weights(labels)
    assert torch.isclose(paper[labels].sum(), paper[~labels].sum()) and torch.isclose(paper.sum(), torch.tensor(12.0))


def test_reused_autoencoder_replaces_both_autoencoder_stages(smoke_run, tmp_path):
    from diffusers import AutoencoderDC

    first, _ = smoke_run
    report = train(get_config("smoke"), tmp_path, until="teacher", reuse_autoencoder_from=first / "weights")
    assert report["autoencoder"]["reused_from"] == "weights"
    assert "steps" in report["teacher"] and "decoder" not in report  # stopped after the teacher
    reused = AutoencoderDC.from_pretrained(tmp_path / "work" / "vae").state_dict()
    source = AutoencoderDC.from_pretrained(first / "weights" / "vae").state_dict()
    assert all(torch.equal(reused[k], source[k]) for k in source)
    # the world is encoded with the reused encoder, at its scale
    latents = torch.load(tmp_path / "work" / "world_latents.pt")
    assert latents.shape[1:] == (8, 8, 8) and torch.isfinite(latents).all()


def test_lanes_put_the_longest_stages_apart():
    from shapes.train.lanes import plan_lanes, stage_minutes

    minutes = {"vhs": 33.5, "clip": 33.0, "ae": 4.5}
    assert plan_lanes(["vhs", "clip", "ae"], minutes, 2) == [["vhs"], ["clip", "ae"]]
    assert plan_lanes(["vhs", "clip", "ae"], minutes, 1) == [["vhs", "clip", "ae"]]
    assert plan_lanes(["ae"], minutes, 4) == [["ae"]]
    full = get_config("full")
    assert stage_minutes(full, "vhs") == full.budgets["vhs_align"].minutes + full.budgets["vhs_judge"].minutes
