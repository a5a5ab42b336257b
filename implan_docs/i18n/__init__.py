"""Message catalogues: every word the tool writes into a document, chart or workbook, per language.

Catalogues are data: ``i18n/<language>/*.yaml`` files, merged per language, with the same keys in every
language (a test checks). Add a language by adding a folder; no code changes. Dates, numbers and money
are formatted by Babel with the language's locale.
"""
from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import yaml
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal

HERE = Path(__file__).parent
DEFAULT = "en"


def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in HERE.iterdir() if p.is_dir() and any(p.glob("*.yaml"))))


@functools.lru_cache(maxsize=None)
def catalogue(language: str) -> dict[str, str]:
    folder = HERE / language
    if not folder.is_dir():
        folder = HERE / DEFAULT
    merged: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in _flatten(data):
            merged[key] = value
    return merged


def _flatten(data: dict, prefix: str = ""):
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, full + ".")
        else:
            yield full, "" if value is None else str(value)


def babel_locale(language: str) -> str:
    return {"en": "en_US", "zh-TW": "zh_Hant_TW"}.get(language, language.replace("-", "_"))


class Messages:
    """``t = Messages("zh-TW"); t("heading.schedule")`` -> "時程"; ``t.date(d)`` -> "2027年3月15日"."""

    def __init__(self, language: str = DEFAULT):
        self.language = language if (HERE / language).is_dir() else DEFAULT
        self.locale = babel_locale(self.language)
        self._cat = catalogue(self.language)
        self._fallback = catalogue(DEFAULT)

    def __call__(self, key: str, **values) -> str:
        text = self._cat.get(key)
        if text is None:
            text = self._fallback.get(key)
        if text is None:
            raise KeyError(f"no message {key!r} in the {self.language} catalogue")
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._cat or key in self._fallback

    def word(self, group: str, value: str) -> str:
        """Translate an enumerated value (status, kind, rating...) if the catalogue has it."""
        if not value:
            return ""
        key = f"{group}.{value.lower().replace(' ', '_')}"
        return self(key) if self.has(key) else value

    # -- formatting (Babel) ----------------------------------------------------------------------
    def date(self, value: date | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if self.language == "en" and fmt == "medium":
            return _babel_date(value, "d MMM yyyy", locale=self.locale)
        if self.language.startswith("zh") and fmt == "medium":
            return _babel_date(value, "y年M月d日", locale=self.locale)
        return _babel_date(value, fmt, locale=self.locale)

    def short_date(self, value: date | None) -> str:
        if value is None:
            return ""
        if self.language.startswith("zh"):
            return _babel_date(value, "M/d", locale=self.locale)
        return _babel_date(value, "d MMM", locale=self.locale)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return ""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return _babel_decimal(value, format=pattern, locale=self.locale)

    def money(self, value: float | None, currency: str = "USD") -> str:
        if value is None:
            return ""
        # Whole units: a plan's budget lines are estimates, cents are noise in a document.
        return _babel_currency(round(value), currency or "USD", locale=self.locale, format_type="standard",
                               currency_digits=False, format="¤#,##0")

    def percent(self, value: float | None) -> str:
        if value is None:
            return ""
        return f"{value:.0f}%"
