"""Findings: located messages returned by validation and scheduling (values, not exceptions).

A finding with severity ``error`` makes the workbook unusable as a plan; a ``warning`` is a question a
reviewer would ask. Codes are stable and documented in ``docs/findings.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .errors import Location

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    code: str  # stable code, e.g. "E201" (errors) or "W301" (warnings)
    severity: str  # ERROR or WARNING
    message: str  # English, for the console
    location: Location = field(default_factory=Location)
    params: tuple[tuple[str, object], ...] = ()  # values for the message template (re-rendered per language)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        loc = str(self.location)
        prefix = f"{loc}: " if loc else ""
        return f"{prefix}{self.code} {self.message}"

    def as_dict(self) -> dict:
        loc = self.location
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": loc.file,
            "sheet": loc.sheet,
            "row": loc.row,
            "column": loc.column,
            "header": loc.header,
            "cell": loc.cell,
        }


def make(code: str, location: Location | None = None, **params) -> Finding:
    """A finding whose message comes from the ``findings`` catalogue (``i18n/*/findings*.yaml``).

    The severity follows the code: ``E...`` codes are errors, all others (``W...``, ``S...``) warnings.
    The English text goes to the console; documents re-render it with :func:`render` in the plan's
    language from ``params``.
    """
    from .i18n import Messages

    message = Messages("en")(f"findings.{code}", **params)
    severity = ERROR if code.startswith("E") else WARNING
    return Finding(code, severity, message, location or Location(), tuple(sorted(params.items())))


def render(f: Finding, language: str) -> str:
    """The finding's message in ``language`` (falls back to the English text)."""
    from .i18n import Messages

    t = Messages(language)
    key = f"findings.{f.code}"
    if not t.has(key):
        return f.message
    try:
        return t(key, **{k: _local_date(t, v) for k, v in f.params})
    except (KeyError, IndexError, ValueError):
        return f.message


def _local_date(t, value):
    """A date parameter (kept as ISO text, as the console shows it) the way the document's language writes dates."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        from datetime import date

        try:
            return t.date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by sheet, row and column, then code: a stable, readable order."""
    return sorted(findings, key=lambda f: (not f.is_error, f.location.sort_key(), f.code, f.message))


def error(code: str, message: str, location: Location | None = None) -> Finding:
    return Finding(code, ERROR, message, location or Location())


def warning(code: str, message: str, location: Location | None = None) -> Finding:
    return Finding(code, WARNING, message, location or Location())
