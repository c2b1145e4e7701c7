"""Settings: every knob is documented in .env.example, and the example itself loads."""

from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()


def test_every_setting_is_documented_in_env_example():
    text = "\n".join(example_lines())
    aliases = [field.alias for field in Settings.model_fields.values() if field.alias]
    missing = [a for a in aliases if f"{a}=" not in text]
    assert aliases and not missing, f".env.example lacks {missing}"


def test_the_example_values_are_valid_settings():
    values = dict(line.split("=", 1) for line in example_lines() if line and not line.startswith("#"))
    Settings(**{k: v for k, v in values.items() if v})  # raises on a value the example gets wrong
