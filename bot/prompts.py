"""Prompt templates are files in prompts/; one function loads and fills them strictly."""

from __future__ import annotations

import string
from importlib import resources


class PromptError(ValueError):
    """A template is missing, or its variables do not match what the caller supplied."""


def template_fields(template: str) -> set[str]:
    """The {placeholders} a template uses ({{ and }} are literal braces)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def load_prompt(name: str, **variables: str) -> str:
    """Fill prompts/<name>.txt; a missing or an unused variable is an error, not a silent gap."""
    try:
        template = resources.files("prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt template named '{name}'") from exc
    fields = template_fields(template)
    missing, unused = fields - variables.keys(), variables.keys() - fields
    if missing or unused:
        raise PromptError(f"prompt '{name}': missing {sorted(missing)}, unused {sorted(unused)}")
    return template.format(**variables)
