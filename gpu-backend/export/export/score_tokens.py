"""The verifier's answer tokens, read from its tokenizer as the released VHS scorer reads its output: a
candidate counts as "yes" when the decoded top token, lower-cased, contains "yes" ("Yes", " yes", "YES"…);
the score then takes P(yes) at the single id of encode("yes")[0], else −P(no) at encode("no")[0]."""

from __future__ import annotations

from dataclasses import dataclass

from tokenizers import Tokenizer


@dataclass(frozen=True)
class ScoreTokens:
    yes_id: int  # encode("yes")[0]: whose probability a "yes" candidate scores
    no_id: int  # encode("no")[0]: whose probability (negated) any other candidate scores
    yes_ids: tuple[int, ...]  # every id whose decoded text contains "yes", case-insensitively (sorted)

    def __post_init__(self) -> None:
        if self.yes_id not in self.yes_ids:
            raise ValueError(f"yes id {self.yes_id} is not in the yes set {self.yes_ids[:8]}")


def yes_token_ids(tok: Tokenizer) -> tuple[int, ...]:
    """Ids whose decoded text contains "yes" in any case. Decoded one id at a time, with special tokens
    skipped as the released code's batch_decode(skip_special_tokens=True) does."""
    return tuple(i for i in range(tok.get_vocab_size()) if "yes" in tok.decode([i], skip_special_tokens=True).lower())


def score_tokens(tok: Tokenizer) -> ScoreTokens:
    yes = tok.encode("yes", add_special_tokens=False).ids
    no = tok.encode("no", add_special_tokens=False).ids
    if not yes or not no:
        raise ValueError("the verifier tokenizer encodes 'yes' or 'no' to no ids")
    return ScoreTokens(yes[0], no[0], yes_token_ids(tok))
