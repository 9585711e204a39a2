"""The score rule of the released VHS code: a candidate is "yes" when its decoded top token, lower-cased,
contains "yes" ("yes", "Yes", " yes", "YES"), then score = P(encode("yes")[0]), else −P(encode("no")[0]).
A verifier whose LM head has a bias the test sets picks the top token; every branch is run in torch and
through the exported ONNX graph (the yes set is a constant of the graph)."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from torch import nn

from export.check import session
from export.configs import get_config
from export.onnx_io import export_graph
from export.score_tokens import score_tokens
from export.verifier import SplicedScorer, build_verifier_llm

WORDS = ["yes", "Yes", " yes", "YES", "no", " no", "cat", "maybe"]
TOKENS = 6  # image tokens spliced between prefix and suffix


def _tokenizer() -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(["".join(WORDS)] * 50 + WORDS * 50, trainer)
    for word in WORDS:
        assert len(tok.encode(word).ids) == 1, word
    return tok


@pytest.fixture(scope="module")
def scorer_graph(tmp_path_factory):
    tok = _tokenizer()
    tokens = score_tokens(tok)
    cfg = get_config("tiny")
    llm = build_verifier_llm({**cfg.verifier, "vocab_size": tok.get_vocab_size()})
    d = llm.config.hidden_size
    llm.lm_head = nn.Linear(d, tok.get_vocab_size(), bias=True)  # logits = bias: the test picks the winner
    nn.init.zeros_(llm.lm_head.weight)
    scorer = SplicedScorer(llm, tokens).eval()
    signature = (
        [
            ("image_tokens", "float32", ["batch", TOKENS, d]),
            ("prefix_ids", "int64", [1, 3]),
            ("suffix_ids", "int64", ["batch", "suffix_len"]),
            ("suffix_length", "int64", ["batch"]),
        ],
        [("scores", "float32", ["batch"])],
    )
    gen = torch.Generator().manual_seed(0)
    inputs = {
        "image_tokens": torch.randn(2, TOKENS, d, generator=gen),
        "prefix_ids": torch.tensor([[1, 2, 3]]),
        "suffix_ids": torch.tensor([[4, 5, 6, 7], [4, 5, 6, 7]]),
        "suffix_length": torch.tensor([4, 4]),
    }
    path = tmp_path_factory.mktemp("score") / "scorer.onnx"
    export_graph(scorer, inputs, signature, path)
    return tok, tokens, scorer, path, inputs


def _bias(tok: Tokenizer, tokens, top_word: str) -> torch.Tensor:
    bias = torch.zeros(tok.get_vocab_size())
    bias[tokens.yes_id], bias[tokens.no_id] = 3.0, 2.0
    bias[tok.encode(top_word).ids[0]] = 8.0
    return bias


def _expected(bias: torch.Tensor, tok: Tokenizer, yes_id: int, no_id: int) -> float:
    """The released rule, written out: decode the argmax, test the lower-cased text."""
    probs = np.exp(bias.double().numpy() - bias.max().item())
    probs /= probs.sum()
    top_text = tok.decode([int(np.argmax(probs))])
    return float(probs[yes_id] if "yes" in top_text.lower() else -probs[no_id])


def test_yes_set_is_every_id_whose_text_contains_yes(scorer_graph):
    tok, tokens, *_ = scorer_graph
    want = sorted(tok.encode(w).ids[0] for w in ("yes", "Yes", " yes", "YES"))
    assert [i for i in want if i in tokens.yes_ids] == want
    assert tokens.yes_id == tok.encode("yes").ids[0] and tokens.no_id == tok.encode("no").ids[0]
    assert tok.encode("no").ids[0] not in tokens.yes_ids and tok.encode("cat").ids[0] not in tokens.yes_ids
    assert all("yes" in tok.decode([i]).lower() for i in tokens.yes_ids)


@pytest.mark.parametrize("top_word", ["yes", "Yes", " yes", "YES", "no", "cat"])
def test_each_branch_in_torch_and_onnx(scorer_graph, top_word, tmp_path):
    tok, tokens, scorer, path, inputs = scorer_graph
    bias = _bias(tok, tokens, top_word)
    want = _expected(bias, tok, tokens.yes_id, tokens.no_id)
    assert (want > 0) == ("yes" in top_word.lower())
    with torch.no_grad():
        scorer.llm.lm_head.bias.copy_(bias)
        got_torch = scorer(**inputs).numpy()
    np.testing.assert_allclose(got_torch, [want, want], rtol=1e-5)
    model = onnx.load(str(path))
    (init,) = [i for i in model.graph.initializer if i.name.endswith("lm_head.bias")]
    init.CopyFrom(onnx.numpy_helper.from_array(bias.numpy(), init.name))
    edited = tmp_path / "scorer.onnx"
    onnx.save(model, str(edited))
    got_onnx = session(edited).run(None, {k: v.numpy() for k, v in inputs.items()})[0]
    np.testing.assert_allclose(got_onnx, [want, want], rtol=1e-5)


def test_yes_set_is_a_graph_constant(scorer_graph):
    tok, tokens, _, path, _ = scorer_graph
    model = onnx.load(str(path))
    consts = [onnx.numpy_helper.to_array(i) for i in model.graph.initializer if i.data_type == onnx.TensorProto.INT64]
    assert any(sorted(c.reshape(-1).tolist()) == list(tokens.yes_ids) for c in consts)
