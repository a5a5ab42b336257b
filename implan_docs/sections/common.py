"""Shared wording and colours of the sections (cell fills are the document's status colours)."""
from __future__ import annotations

from .. import blocks as b
from ..i18n import Messages

# Light fills that keep black text readable and survive greyscale printing as distinct greys.
FILL = {
    "done": "D9EAD3",
    "progress": "DDEBF7",
    "late": "F4CCCC",
    "warn": "FFF2CC",
    "muted": "EDEDED",
    "High": "F4CCCC",
    "Medium": "FFF2CC",
    "Low": "D9EAD3",
}
STATUS_FILL = {
    "Done": FILL["done"], "In progress": FILL["progress"], "Blocked": FILL["late"], "At risk": FILL["late"],
    "Open": "", "Closed": FILL["muted"], "Occurred": FILL["late"], "Approved": FILL["done"],
    "Requested": FILL["warn"], "Answered": FILL["progress"],
}
RACI_FILL = {"R": "DDEBF7", "A": "F8CBAD", "C": "FFF2CC", "I": "EDEDED"}


def status_cell(t: Messages, status: str, group: str = "status") -> b.Cell:
    return b.Cell(t.word(group, status), STATUS_FILL.get(status, ""))


def rating_cell(t: Messages, rating: str, score: int | None) -> b.Cell:
    text = f"{score} {t.word('rating', rating)}" if score is not None else ""
    return b.Cell(text, FILL.get(rating, ""), align="center")


def heading(t: Messages, key: str, level: int = 1) -> b.Heading:
    return b.Heading(t(key), level)


def text_or_dash(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def extra_text(t: Messages, extra) -> str:
    """Custom columns of a row, as ``Header: value; ...`` (so nothing the user wrote is hidden)."""
    return t("punct.list_sep").join(t("punct.field", name=k, value=text_or_dash(v))
                                    for k, v in extra if v not in (None, ""))
