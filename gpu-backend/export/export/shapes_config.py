"""The `shapes` config: the models the shapes world trains (`python -m shapes.train`), 64×64 images from an
8×8×8 latent, a 6-block generator split after block 2; sizes are read from the training config so the
two never disagree. Export it from the trained checkpoints: `--config shapes --weights DIR/weights`."""

from __future__ import annotations

from shapes.train.config import LATENT_SIZE, SPLIT_LAYER, TEXT_LENGTH, TEXT_VOCAB, VERIFIER_VOCAB, get_config

from .bundle_config import BundleConfig


def shapes_config() -> BundleConfig:
    train = get_config("full")
    return BundleConfig(
        name="shapes",
        bundle_id="shapes",
        transformer=dict(train.transformer),
        vae=dict(train.vae),
        text_encoder=dict(train.text_encoder),
        verifier=dict(train.verifier),
        clip=dict(train.clip),
        split_layer=SPLIT_LAYER,
        latent_size=LATENT_SIZE,
        text_max_length=TEXT_LENGTH,  # no complex human instruction: the 16 ids are the prompt itself
        text_output_length=TEXT_LENGTH,
        complex_human_instruction=[],
        max_batch=16,
        text_vocab_size=TEXT_VOCAB,
        verifier_vocab_size=VERIFIER_VOCAB,
    )
