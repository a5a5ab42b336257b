"""Small helpers the chart modules share: the style of a plan, statuses, dates and word lists."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..i18n import Messages
from ..model import Plan
from . import fonts
from .drawable import plan_texts
from .theme import Style


def style_for(plan: Plan, language: str | None = None) -> Style:
    """The chart style of a plan: its language's words and fonts (CJK first if any text needs it)."""
    language = language or plan.language
    # Memoised on the plan object: scanning 5,000 task names for CJK once per chart is wasted work.
    cache = plan.__dict__.setdefault("_chart_styles", {})
    style = cache.get(language)
    if style is None:
        style = Style(Messages(language), fonts.families_for(language, plan_texts(plan)))
        cache[language] = style
    return style


def canonical(value: str, choices: Iterable[str]) -> str:
    """``value`` spelt as in ``choices`` (case-insensitive), or "" when it is none of them."""
    low = (value or "").strip().lower()
    for choice in choices:
        if choice.lower() == low:
            return choice
    return ""


def task_status(status: str, progress: float) -> str:
    """A task's status for colouring: as written, else from its progress."""
    found = canonical(status, ("Not started", "In progress", "Done", "Blocked", "At risk"))
    if found:
        return found
    if progress >= 100:
        return "Done"
    if progress > 0:
        return "In progress"
    return "Not started"


def status_word(style: Style, status: str) -> str:
    key = f"charts.status.{status.lower().replace(' ', '_')}"
    return style.t(key) if style.t.has(key) else status


def join(style: Style, items: Iterable[str], limit: int = 0) -> str:
    """Items joined with the language's list separator; beyond ``limit`` (if given), "and N more"."""
    items = list(items)
    if limit and len(items) > limit:
        items = items[:limit] + [style.word("more_items", n=len(items) - limit)]
    return style.word("list_sep").join(items)


def day(style: Style, value: date | None) -> str:
    return style.t.date(value)


def count_statuses(style: Style, statuses: Iterable[str]) -> str:
    """"3 Done, 2 In progress" in the plan's language, in a fixed order."""
    order = ("Done", "In progress", "Not started", "Blocked", "At risk")
    counts = {s: 0 for s in order}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    items = [style.word("gantt.alt_status_item", count=n, status=status_word(style, s))
             for s, n in counts.items() if n]
    return join(style, items) if items else style.word("risk.alt_none")
