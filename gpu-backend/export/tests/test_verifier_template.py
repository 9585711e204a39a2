"""The verifier prompt is the checkpoint's own chat template (tokenizer_config.json `chat_template`, one user
turn, generation prompt added) rendered with the tokenizer's apply_chat_template and split at <image>."""

from __future__ import annotations

import json
import shutil

import pytest

from export.bundle import _tokenizers
from export.configs import get_config
from export.verifier_template import VHS_MESSAGE, TemplateError, checkpoint_template, default_template

QWEN_LIKE = (
    "{% for m in messages %}{% if loop.first and m.role != 'system' %}<|im_start|>system\nA custom system line.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
PLAIN = "{% for m in messages %}USER: {{ m.content | trim }}\n{% endfor %}{% if add_generation_prompt %}ASSISTANT:{% endif %}"
INSTRUCTION, AFTER = VHS_MESSAGE.split("<image>")


def _folder(root, committed_bundle, template):
    root.mkdir(parents=True)
    shutil.copyfile(committed_bundle / "verifier_tokenizer.json", root / "tokenizer.json")
    config = {"tokenizer_class": "PreTrainedTokenizerFast"}
    if template is not None:
        config["chat_template"] = template
    (root / "tokenizer_config.json").write_text(json.dumps(config))
    return root


def test_two_templates_render_differently(tmp_path, committed_bundle):
    a = checkpoint_template(_folder(tmp_path / "a", committed_bundle, QWEN_LIKE))
    b = checkpoint_template(_folder(tmp_path / "b", committed_bundle, PLAIN))
    assert a.prefix == "<|im_start|>system\nA custom system line.<|im_end|>\n<|im_start|>user\n" + INSTRUCTION
    assert a.suffix == AFTER + "<|im_end|>\n<|im_start|>assistant\n"
    assert b.prefix == "USER: " + INSTRUCTION
    assert b.suffix == AFTER + "\nASSISTANT:"
    assert a.source == b.source == "checkpoint"


def test_default_template_is_qwen25_with_its_system_turn():
    t = default_template()
    assert t.source == "default"
    assert t.prefix.startswith("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\n")
    assert t.suffix.endswith("'yes' or 'no'<|im_end|>\n<|im_start|>assistant\n") and "{prompt}" in t.suffix


def test_a_checkpoint_without_chat_template_is_refused(tmp_path, committed_bundle):
    with pytest.raises(TemplateError, match="chat_template"):
        checkpoint_template(_folder(tmp_path / "none", committed_bundle, None))


def test_export_takes_the_template_from_the_weights_folder(tmp_path, committed_bundle):
    weights = tmp_path / "weights"
    _folder(weights / "verifier", committed_bundle, PLAIN)
    (weights / "tokenizer").mkdir()
    shutil.copyfile(committed_bundle / "text_tokenizer.json", weights / "tokenizer" / "tokenizer.json")
    cfg = get_config("tiny")
    out = tmp_path / "out"
    out.mkdir()
    _tokenizers(cfg, out, weights)
    assert cfg.template_prefix == "USER: " + INSTRUCTION and cfg.template_suffix == AFTER + "\nASSISTANT:"
