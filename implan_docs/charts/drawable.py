"""Plan text that no chart font can draw: a finding, and a visible placeholder in the charts.

Charts refuse to draw a missing glyph (it would print as an empty box; see ``fonts.py``). A plan is
valid with any text, though, so the build does not stop: every cell holding a character no chart font
has becomes finding W192, and the charts are drawn from a copy of the plan in which that character is
U+FFFD (�). The document keeps the text exactly as written.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace

from collections.abc import Iterable

from ..findings import Finding, make
from ..model import Plan

REPLACEMENT = "\ufffd"
# Text fields that charts draw: (plan attribute, sheet, ((record field, column header), ...)). IDs are left
# alone: the schedule is keyed by them (an ID no font can draw stops the chart with a located error).
_FIELDS = (
    ("deliverables", "Deliverables", (("name", "Deliverable"),)),
    ("tasks", "Tasks", (("name", "Task"),)),
    ("people", "People", (("name", "Name"),)),
    ("objectives", "Objectives", (("objective", "Objective"),)),
)


def plan_texts(plan: Plan) -> Iterable[str]:
    """The plan's texts that can appear on a chart (to decide whether CJK fonts lead)."""
    yield plan.project.name
    for d in plan.deliverables:
        yield d.id
        yield d.name
    for t in plan.tasks:
        yield t.id
        yield t.name
    for r in plan.risks:
        yield r.id
    for p in plan.people:
        yield p.name
    for o in plan.objectives:
        yield o.id
        yield o.objective
        yield str(o.baseline or "")
        yield str(o.target or "")
    for r in plan.resources:
        yield r.type


def undrawable_findings(plan: Plan) -> list[Finding]:
    """W192 findings: the plan's cells with a character no chart font has. Cheap for plain Latin text
    (no font is loaded), so the check phase can ask it of every plan."""
    if all(_plain(t) for t in plan_texts(plan) if t):
        return []
    return drawable_plan(plan)[1]


def _plain(text: str) -> bool:
    """Latin, Greek and Cyrillic letters and common punctuation: always in DejaVu Sans (fast path)."""
    return all(ord(ch) < 0x0530 or 0x2000 <= ord(ch) < 0x2070 for ch in text)


def _missing(text: str, cover: frozenset[int]) -> str:
    from . import fonts

    return "".join(dict.fromkeys(
        ch for ch in text
        if ord(ch) not in cover and not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
        and ord(ch) not in fonts.MODIFIERS))


def drawable_plan(plan: Plan) -> tuple[Plan, list[Finding]]:
    """The plan with undrawable characters replaced by U+FFFD, and a W192 finding per such cell."""
    from . import fonts

    if all(_plain(t) for t in plan_texts(plan) if t):
        return plan, []
    families = fonts.families_for(plan.language, plan_texts(plan))
    cover: frozenset[int] = frozenset().union(*(fonts.coverage(f) for f in families))
    findings: list[Finding] = []
    changes: dict[str, tuple] = {}
    for attr, sheet, fields in _FIELDS:
        records = list(getattr(plan, attr))
        touched = False
        for i, rec in enumerate(records):
            updates = {}
            for field, header in fields:
                text = getattr(rec, field)
                if not text or _plain(text):
                    continue
                missing = _missing(text, cover)
                if missing:
                    findings.append(make("W192", plan.loc(sheet, rec.row, header), chars=" ".join(missing),
                                         codes=", ".join(f"U+{ord(c):04X}" for c in missing)))
                    updates[field] = "".join(REPLACEMENT if c in missing else c for c in text)
            if updates:
                records[i] = replace(rec, **updates)
                touched = True
        if touched:
            changes[attr] = tuple(records)
    return (replace(plan, **changes) if changes else plan), findings
