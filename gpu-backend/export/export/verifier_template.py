"""The verifier prompt as the released VHS code builds it: one user turn holding VHS's instruction with an
`<image>` placeholder, rendered by the checkpoint tokenizer's own chat template (generation prompt added),
then split at the placeholder into the prefix and suffix the backend tokenizes around the image tokens."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

IMAGE_PLACEHOLDER = "<image>"
# aimagelab/VHS LatentGemmaVerifier.build_message; `{prompt}` stays literal for the backend to fill in
VHS_MESSAGE = (
    "You are an AI assistant specializing in image analysis and ranking. Your task is to analyze and compare "
    "image based on how well they match the given prompt. <image> The given prompt is: {prompt}. Please "
    "consider the prompt and the image to make a decision and response directly with 'yes' or 'no'"
)
# Used when no checkpoint tokenizer is given (the built tiny/proportional tokenizers): Qwen2.5's chat
# template (Qwen/Qwen2.5-0.5B tokenizer_config.json) without its tool-calling branches, which a single
# user turn never reaches. It adds Qwen's default system turn, as the stock template does.
DEFAULT_CHAT_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}"
    "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- for message in messages %}"
    "{%- if message.role != 'system' %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class VerifierTemplate:
    prefix: str  # text before the image tokens
    suffix: str  # text after them, with `{prompt}`
    source: str  # "checkpoint" (the folder's chat_template) or "default" (DEFAULT_CHAT_TEMPLATE)


def render(tokenizer, where: str, source: str) -> VerifierTemplate:
    """apply_chat_template on the one user turn, split at the image placeholder; `where` names it in errors."""
    if not getattr(tokenizer, "chat_template", None):
        raise TemplateError(f"{where}: the tokenizer has no chat_template (tokenizer_config.json or chat_template.jinja)")
    text = tokenizer.apply_chat_template([{"role": "user", "content": VHS_MESSAGE}], tokenize=False, add_generation_prompt=True)
    if text.count(IMAGE_PLACEHOLDER) != 1 or text.count("{prompt}") != 1:
        raise TemplateError(f"{where}: the rendered chat template must keep exactly one {IMAGE_PLACEHOLDER} and one {{prompt}}: {text!r}")
    prefix, suffix = text.split(IMAGE_PLACEHOLDER)
    if "{prompt}" not in suffix:
        raise TemplateError(f"{where}: {{prompt}} must follow {IMAGE_PLACEHOLDER} in the rendered template")
    return VerifierTemplate(prefix, suffix, source)


def checkpoint_template(folder: Path) -> VerifierTemplate:
    """The template of a checkpoint folder's own tokenizer (tokenizer.json + tokenizer_config.json)."""
    from transformers import PreTrainedTokenizerFast

    return render(PreTrainedTokenizerFast.from_pretrained(str(folder)), str(folder), "checkpoint")


@lru_cache(maxsize=1)
def default_template() -> VerifierTemplate:
    """DEFAULT_CHAT_TEMPLATE rendered by transformers (no vocabulary needed to render text)."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.BPE()), chat_template=DEFAULT_CHAT_TEMPLATE)
    return render(tokenizer, "the default chat template", "default")
