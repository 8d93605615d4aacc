"""Translations: t(key, lang, **values) reads core/classroom/locales/<lang>/*.toml (strings are data,
not code).

A key is "<file>.<name>", e.g. "perceptron.title" lives in perceptron.toml as `title = "..."`;
nested tables add more dots.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("ko", "en")
LANG_NAMES = {"ko": "한국어", "en": "English"}
LOCALES = Path(__file__).parent / "locales"


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for k, v in table.items():
        key = f"{prefix}.{k}"
        if isinstance(v, dict):
            _flatten(key, v, out)
        else:
            out[key] = str(v)


@cache
def strings(lang: str) -> dict[str, str]:
    """Every string of one language, by dotted key."""
    out: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        with path.open("rb") as f:
            _flatten(path.stem, tomllib.load(f), out)
    return out


def normalize_lang(value: object, default: str = "en") -> str:
    """'ko', 'ko-KR', 'KO_kr' -> 'ko'; anything unknown -> default."""
    if isinstance(value, str) and value[:2].lower() in LANGS:
        return value[:2].lower()
    return default


def t(key: str, lang: str, **values: Any) -> str:
    """The string for key in lang (English, then the key itself, as fallbacks), formatted with values."""
    s = strings(normalize_lang(lang)).get(key) or strings("en").get(key) or key
    return s.format(**values) if values else s
