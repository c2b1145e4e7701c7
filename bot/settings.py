"""The one Settings object: read from the environment (and .env) at entry points only."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import FetchLimits, IndexConfig


class Settings(BaseSettings):
    """Every knob newsbot has; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage
    data_dir: Path = Field(Path("data"), alias="NEWSBOT_DATA_DIR")
    chroma_url: str | None = Field(None, alias="NEWSBOT_CHROMA_URL")
    max_article_chars: int = Field(200_000, alias="NEWSBOT_MAX_ARTICLE_CHARS", gt=0)
    extract_actors: bool = Field(True, alias="NEWSBOT_EXTRACT_ACTORS")
    retain_days: int | None = Field(None, alias="NEWSBOT_RETAIN_DAYS", gt=0)

    # Embeddings
    embeddings: str = Field("local", alias="NEWSBOT_EMBEDDINGS", pattern="^(local|openai)$")
    openai_embedding_model: str = Field("text-embedding-3-small", alias="NEWSBOT_OPENAI_EMBEDDING_MODEL")

    # LLM (any OpenAI-compatible server); empty key and base URL = extractive engine only
    openai_api_key: str | None = Field(None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    llm_model: str = Field("gpt-4o-mini", alias="NEWSBOT_LLM_MODEL")
    llm_timeout: float = Field(30.0, alias="NEWSBOT_LLM_TIMEOUT", gt=0)
    llm_max_retries: int = Field(2, alias="NEWSBOT_LLM_MAX_RETRIES", ge=0)

    # Answers and conversations
    top_k: int = Field(24, alias="NEWSBOT_TOP_K", gt=0)
    memory_turns: int = Field(6, alias="NEWSBOT_MEMORY_TURNS", gt=0)
    timezone: str = Field("UTC", alias="NEWSBOT_TIMEZONE")

    # Live sources (URLs and feeds)
    feed_interval: int = Field(900, alias="NEWSBOT_FEED_INTERVAL", gt=0)
    fetch_timeout: float = Field(20.0, alias="NEWSBOT_FETCH_TIMEOUT", gt=0)
    fetch_max_bytes: int = Field(5_000_000, alias="NEWSBOT_FETCH_MAX_BYTES", gt=0)

    # Telegram
    telegram_bot_token: str | None = Field(None, alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str | None = Field(None, alias="TELEGRAM_BASE_URL")
    telegram_allowed_users: str = Field("", alias="TELEGRAM_ALLOWED_USERS")
    telegram_admin_ids: str = Field("", alias="TELEGRAM_ADMIN_IDS")
    telegram_base_file_url: str | None = Field(None, alias="TELEGRAM_BASE_FILE_URL")
    telegram_rate_limit: int = Field(10, alias="TELEGRAM_RATE_LIMIT", ge=0)  # questions per user per minute; 0 = off
    telegram_alerts_per_day: int = Field(10, alias="TELEGRAM_ALERTS_PER_DAY", ge=1)  # alert messages a chat a day
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_listen: str = Field("127.0.0.1", alias="TELEGRAM_WEBHOOK_LISTEN")
    telegram_webhook_port: int = Field(8443, alias="TELEGRAM_WEBHOOK_PORT", gt=0, lt=65536)
    telegram_webhook_secret: str | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'; use an IANA name like Europe/Berlin") from exc
        return value

    def index_config(self) -> IndexConfig:
        """The subset the write side needs."""
        return IndexConfig(
            data_dir=self.data_dir,
            chroma_url=self.chroma_url or None,
            embeddings=self.embeddings,
            openai_api_key=self.openai_api_key,
            openai_base_url=self.openai_base_url,
            openai_embedding_model=self.openai_embedding_model,
            max_article_chars=self.max_article_chars,
            extract_actors=self.extract_actors,
            retain_days=self.retain_days,
        )

    def fetch_limits(self) -> FetchLimits:
        """Bounds on every page or feed fetch."""
        return FetchLimits(timeout=self.fetch_timeout, max_bytes=self.fetch_max_bytes)

    @property
    def llm_configured(self) -> bool:
        """An LLM is used when a key or a compatible server URL is set."""
        return bool(self.openai_api_key or self.openai_base_url)


def settings_problem(exc: ValidationError) -> str:
    """One readable line per bad setting, named as in .env (e.g. 'NEWSBOT_TOP_K: …')."""
    lines = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']} (got {err.get('input')!r})" for err in exc.errors()]
    return "invalid settings — " + "; ".join(lines)
