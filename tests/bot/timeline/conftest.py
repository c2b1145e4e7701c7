"""Fixtures of the timeline tests: services over the shared examples index, and the CLI pointed at it."""

import pytest

from bot.services import Services
from bot.settings import Settings


@pytest.fixture()
def services(examples_index, tmp_path):
    """Services over the shared examples index (UTC, extractive); their own state goes to tmp_path."""
    opened = Services.open(Settings(_env_file=None, NEWSBOT_DATA_DIR=str(tmp_path), NEWSBOT_TIMEZONE="UTC"),
                           index=examples_index)
    yield opened
    opened.memory.close()  # the shared index stays open for other tests


@pytest.fixture()
def examples_cli(examples_index, monkeypatch):
    """`newsbot` commands run against the examples index, offline (no LLM), in UTC."""
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(examples_index.config.data_dir))
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "UTC")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSBOT_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    return examples_index
