"""The VHS verifier written out in torch, as the released code scores: the reference the fused propose graphs of
every generator family are checked against."""

from __future__ import annotations

import numpy as np
import torch

from export.check import relative_error


def unfused_scores(cfg, up, hidden, prefix_ids, suffix_ids, suffix_length, tokenizer, yes_id, no_id) -> torch.Tensor:
    """VHS scoring written out, one row at a time without padding: normalize, mm_projector, splice at the
    <image> position, Qwen, last-token softmax, then the released rule: "yes" in the lower-cased decoded top
    token → P(yes), else −P(no). Row i's prompt is its own suffix_ids[i, :suffix_length[i]]."""
    with torch.no_grad():
        mean, var = up.hidden_mean.view(1, -1, 1), up.hidden_var.view(1, -1, 1)
        feats = up.vhs_connector((hidden - mean) / torch.sqrt(var + 1e-6))
        embed = up.llm.get_input_embeddings()
        last = []
        for i in range(hidden.shape[0]):
            row = torch.cat([embed(prefix_ids[0]), feats[i], embed(suffix_ids[i, : int(suffix_length[i])])]).unsqueeze(0)
            positions = torch.arange(row.shape[1]).unsqueeze(0)
            logits = up.llm(inputs_embeds=row, attention_mask=torch.ones(row.shape[:2], dtype=torch.long), position_ids=positions).logits
            last.append(logits[0, -1])
        probs = torch.softmax(torch.stack(last).float(), dim=-1)
        says_yes = torch.tensor(["yes" in tokenizer.decode([int(t)]).lower() for t in probs.argmax(dim=-1)])
        return torch.where(says_yes, probs[:, yes_id], -probs[:, no_id])


def assert_propose_matches_unfused(cfg, up, hidden, inputs, outputs, tokenizer, verifier) -> None:
    """propose's scores equal the written-out scoring of the hooked h_ℓ*, and each request of the batch (a row
    group of group_mask) gets the argmax of its own rows as winner, with that row's hidden state."""
    scores, winner, winner_hidden = outputs
    want = unfused_scores(
        cfg, up, hidden, inputs["prefix_ids"], inputs["suffix_ids"], inputs["suffix_length"], tokenizer,
        verifier["yes_token_id"], verifier["no_token_id"],
    ).numpy()
    assert relative_error(scores, want) <= 1e-4, (scores, want)
    for g, rows in enumerate(inputs["group_mask"].numpy() != 0):
        members = np.flatnonzero(rows)
        assert int(winner[g]) == int(members[np.argmax(want[members])])
        assert relative_error(winner_hidden[g], hidden[int(winner[g])].numpy()) <= 1e-4
    assert len(set(np.round(want, 8))) == len(want), "candidates should score differently"
