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
from babel.dates import get_day_names
from babel.lists import format_list
from babel.numbers import format_compact_currency as _babel_compact_currency
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import get_currency_symbol

HERE = Path(__file__).parent
DEFAULT = "en"

# Where a reader expects another currency symbol than CLDR's. CLDR writes TWD as a bare "$" in
# zh_Hant_TW, which in a budget table reads as US dollars; Taiwanese business documents write NT$
# (the formal 新臺幣…元 belongs to contracts and official letters, and does not fit a table cell or a
# chart axis). Keyed by (language, currency); everything else is CLDR's.
CURRENCY_SYMBOLS = {("zh-TW", "TWD"): "NT$"}

# How a run of weekdays is written ("Mon–Fri", "週一至週五"). CLDR has day names and list patterns but no
# pattern for a range of weekdays, so the connector is kept here; other languages get an en dash.
WEEKDAY_RANGE = {"zh": "至"}


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
            # no-break spaces: a date never wraps inside a table cell or at a line end
            return _babel_date(value, "d MMM yyyy", locale=self.locale).replace(" ", "\u00a0")
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
        """``1234567, "TWD"`` -> "NT$1,234,567" (en and zh-TW alike), ``-5000, "USD"`` -> "-$5,000"."""
        if value is None:
            return ""
        currency = (currency or "USD").upper()
        # Whole units: a plan's budget lines are estimates, cents are noise in a document.
        text = _babel_currency(round(value), currency, locale=self.locale, format_type="standard",
                               currency_digits=False, format="¤#,##0")
        return self._symbol(text, currency)

    def compact_money(self, value: float | None, currency: str = "USD") -> str:
        """Short amounts for chart axes: "$1.2M", "NT$120萬" (same currency symbols as :meth:`money`)."""
        if value is None:
            return ""
        currency = (currency or "USD").upper()
        text = _babel_compact_currency(value, currency, locale=self.locale, fraction_digits=1)
        return self._symbol(text, currency)

    def _symbol(self, text: str, currency: str) -> str:
        wanted = CURRENCY_SYMBOLS.get((self.language, currency))
        if not wanted:
            return text
        cldr = get_currency_symbol(currency, locale=self.locale)
        return text if wanted in text else text.replace(cldr, wanted, 1)

    def week(self, days) -> str:
        """A working week in words: ``"Mon-Fri"`` or ``{0, 1, 2, 3, 4}`` -> "Mon–Fri" / "週一至週五";
        ``"Sun-Thu"`` -> "週日至週四"; ``"Mon,Tue,Thu"`` -> "週一、週二和週四". Text that is not a week is
        returned as it is."""
        from ..workdays import parse_week

        if isinstance(days, str) or days is None:
            parsed = parse_week(days)
            if parsed is None:
                return days or ""
            days = parsed
        days = sorted(set(days))
        if not days:
            return ""
        names = get_day_names("abbreviated", context="format", locale=self.locale)
        connector = WEEKDAY_RANGE.get(self.language.split("-")[0], "–")
        if len(days) == 7:
            return f"{names[0]}{connector}{names[6]}"
        # Runs of consecutive days, wrapping past Sunday (Sun-Thu is one run): a run starts at a day
        # whose previous day is not worked; runs are listed from the earliest weekday.
        runs = []
        for first in days:
            if (first - 1) % 7 in days:
                continue
            run = [first]
            while (run[-1] + 1) % 7 in days:
                run.append((run[-1] + 1) % 7)
            runs.append(run)
        parts: list[str] = []
        for run in runs:
            if len(run) >= 3:
                parts.append(f"{names[run[0]]}{connector}{names[run[-1]]}")
            else:
                parts.extend(names[d] for d in run)
        return format_list(parts, locale=self.locale)

    def percent(self, value: float | None) -> str:
        if value is None:
            return ""
        return f"{value:.0f}%"
