"""The working-day calendar: which days are worked, and counting in working days.

A day is worked when its weekday is in the plan's ``Working days`` week (``Mon-Fri`` by default) and it is
not a Holiday, or when it is listed under Extra working days (make-up workdays). A date on both lists is a
holiday: no work is planned on a day someone declared a holiday.

Counting follows the contract: a task of Duration 1 starts and finishes on the same working day; Finish is
the Duration-th working day from Start. Internally every working day has an integer *index* (consecutive
working days have consecutive indexes), so the scheduler can do its arithmetic on integers; indexes are
stable for the life of a :class:`Calendar` (they stay valid when the calendar grows its span).

No library was used: ``numpy.busday_*`` knows weekmasks and holidays but not extra working days, and
``workalendar``/``holidays`` compute national holidays, which the plan lists itself.
"""
from __future__ import annotations

import re
from array import array
from datetime import date, timedelta
from typing import Iterable

from .errors import ImplanError, Location

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DASHES = re.compile(r"\s*[-\u2010-\u2015~\uff5e]\s*")  # hyphen, en/em dashes, tildes

# The span a calendar may cover: wide enough for any plan, small enough that a runaway Duration
# (say 10**9 days) fails with a clear message instead of building a huge table.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)


class CalendarRangeError(ImplanError):
    """A working-day computation ran outside the calendar's supported span (1900-2999)."""


def _day_number(token: str) -> int | None:
    """0-6 for a day name or an unambiguous abbreviation of two letters or more (``Mon``, ``Th``, ``Tues``)."""
    token = token.strip().rstrip(".")
    if len(token) < 2:
        return None
    found = [number for number, name in enumerate(_FULL_NAMES) if name.startswith(token)]
    return found[0] if len(found) == 1 else None


def parse_week(text: str | None) -> frozenset[int] | None:
    """The weekdays (0 = Monday ... 6 = Sunday) of a ``Working days`` value, or None when it is not one.

    Accepts ranges (``Mon-Fri``, ``Sun-Thu``; a range wraps past Sunday), lists (``Mon,Tue,Thu``) and
    both mixed (``Mon-Wed, Fri``); day names may be written in full or abbreviated, in any case, with
    spaces around the separators. An empty value, an unknown name or a week with no day gives None.
    """
    if text is None:
        return None
    text = _DASHES.sub("-", str(text).strip().lower())
    days: set[int] = set()
    for part in re.split(r"[\s,;/\u3001\uff0c]+", text):
        if not part:
            continue
        ends = part.split("-")
        numbers = [_day_number(end) for end in ends]
        if len(ends) > 2 or None in numbers:
            return None
        day, last = numbers[0], numbers[-1]
        days.add(day)
        while day != last:
            day = (day + 1) % 7
            days.add(day)
    return frozenset(days) or None


def format_week(days: Iterable[int]) -> str:
    """``{0, 1, 2, 3, 4}`` -> ``"Mon,Tue,Wed,Thu,Fri"`` (for messages)."""
    return ",".join(WEEKDAY_NAMES[d].capitalize() for d in sorted(days))


def _dates(values: Iterable) -> frozenset[date]:
    """Dates from dates, datetimes or records with a ``date`` attribute (``CalendarDay``)."""
    out = set()
    for value in values:
        value = getattr(value, "date", value)
        if value is None:
            continue
        if hasattr(value, "date") and callable(value.date):  # datetime
            value = value.date()
        out.add(value)
    return frozenset(out)


class Calendar:
    """Working days of a plan, with counting in working days.

    ``Calendar("Sun-Thu", holidays=[date(2027, 1, 1)], extra=[date(2027, 1, 9)])``. ``week`` is a
    ``Working days`` text or a set of weekday numbers (0 = Monday). Lookups are O(1) over a table of
    the working days that grows (doubling) to cover whatever dates are asked about.
    """

    __slots__ = ("week", "holidays", "extra", "_lo", "_hi", "_base", "_count", "_days", "_mask")

    def __init__(self, week: str | Iterable[int] = "Mon-Fri", holidays: Iterable = (), extra: Iterable = ()):
        if isinstance(week, str):
            parsed = parse_week(week)
            if parsed is None:
                raise ValueError(f"{week!r} is not a working week (write e.g. Mon-Fri, Sun-Thu, Mon,Tue,Thu)")
            week = parsed
        self.week: frozenset[int] = frozenset(int(d) for d in week)
        if not self.week or not self.week <= set(range(7)):
            raise ValueError(f"a working week needs at least one weekday 0-6, not {sorted(self.week)}")
        self.holidays: frozenset[date] = _dates(holidays)
        self.extra: frozenset[date] = _dates(extra) - self.holidays
        self._mask = tuple(d in self.week for d in range(7))
        self._lo = self._hi = 0  # ordinals of the table's span [lo, hi)
        self._base = 0  # index of the first working day of the span
        self._count = array("l")  # _count[i]: working days in [lo, lo + i)
        self._days: list[date] = []  # the working days of the span, in order

    @classmethod
    def from_plan(cls, plan) -> "Calendar":
        """The calendar of a :class:`~implan_docs.model.Plan`: its week, Holidays and Extra working days.

        Raises :class:`~implan_docs.errors.WorkbookError` located at the Project ``Working days`` value
        when it is not a working week (the reader reports that as E144 first).
        """
        text = plan.project.working_days or "Mon-Fri"
        week = parse_week(text)
        if week is None:
            from .errors import WorkbookError

            raise WorkbookError(f"'{text}' is not a working week (write e.g. Mon-Fri, Sun-Thu, Mon,Tue,Thu)",
                                plan.loc("Project", plan.project.row_of("Working days"), "Value"))
        return cls(week, plan.holidays, plan.extra_working_days)

    def __repr__(self) -> str:
        return (f"Calendar({format_week(self.week)!r}, holidays={len(self.holidays)}, "
                f"extra={len(self.extra)})")

    # -- the table of working days --------------------------------------------------------------------
    def _works(self, d: date) -> bool:
        if d in self.holidays:
            return False
        return self._mask[d.weekday()] or d in self.extra

    def _cover(self, lo: int, hi: int) -> None:
        """Make the table span at least ordinals [lo, hi), growing it by doubling; indexes stay stable."""
        if self._days or self._hi > self._lo:
            if lo >= self._lo and hi <= self._hi:
                return
            width = self._hi - self._lo
            new_lo = min(lo, self._lo - width if lo < self._lo else self._lo)
            new_hi = max(hi, self._hi + width if hi > self._hi else self._hi)
        else:
            new_lo, new_hi = lo - 366, hi + 3 * 366
        new_lo = max(new_lo, MIN_DATE.toordinal())
        new_hi = min(new_hi, MAX_DATE.toordinal() + 1)
        if lo < new_lo or hi > new_hi:
            raise CalendarRangeError(
                f"a working-day computation runs outside the years {MIN_DATE.year}-{MAX_DATE.year} "
                f"(is a Duration, Lag or Buffer far too large?)", Location())
        count = array("l", [0]) * (new_hi - new_lo + 1)
        days: list[date] = []
        d = date.fromordinal(new_lo)
        one = timedelta(days=1)
        n = 0
        for i in range(new_hi - new_lo):
            count[i] = n
            if self._works(d):
                days.append(d)
                n += 1
            d += one
        count[new_hi - new_lo] = n
        if self._days:
            # keep the index of the old table's first working day
            old_first = self._days[0].toordinal()
            self._base = self._base - count[old_first - new_lo]
        self._lo, self._hi, self._count, self._days = new_lo, new_hi, count, days

    def _slot(self, d: date) -> int:
        o = d.toordinal()
        if not self._lo <= o < self._hi:
            self._cover(o, o + 1)
        return o - self._lo

    # -- integer interface (used by the scheduler) -----------------------------------------------------
    def index(self, d: date) -> int:
        """Index of ``d`` if it is a working day, else of the next working day after it."""
        i = self._slot(d)
        while self._count[i] == len(self._days):  # no working day from d on inside the table yet
            self._cover(self._lo, self._hi + 1)
            i = self._slot(d)
        return self._base + self._count[i]

    def index_before(self, d: date) -> int:
        """Index of ``d`` if it is a working day, else of the last working day before it."""
        i = self._slot(d)
        while self._count[i + 1] == 0:  # no working day up to d inside the table yet
            self._cover(self._lo - 1, self._hi)
            i = self._slot(d)
        return self._base + self._count[i + 1] - 1

    def day(self, index: int) -> date:
        """The working day with this index."""
        i = index - self._base
        while i < 0 or i >= len(self._days):
            if not self._days:
                self._cover(date.today().toordinal(), date.today().toordinal() + 1)
            elif i < 0:
                self._cover(self._lo - 1, self._hi)
            else:
                self._cover(self._lo, self._hi + 1)
            i = index - self._base
        return self._days[i]

    def days(self, first: int, last: int) -> list[date]:
        """The working days with indexes first..last (inclusive)."""
        self.day(first), self.day(last)
        return self._days[first - self._base:last - self._base + 1]

    # -- date interface --------------------------------------------------------------------------------
    def is_working(self, d: date) -> bool:
        i = self._slot(d)
        return self._count[i + 1] != self._count[i]

    def next_working(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        return self.day(self.index(d))

    def prev_working(self, d: date) -> date:
        """``d`` itself if it is a working day, else the last working day before it."""
        return self.day(self.index_before(d))

    def add(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n > 0) or before it (n < 0).

        ``add(Fri, 1)`` is the next Monday in a Mon-Fri week, and so is ``add(Sat, 1)``; ``add(Mon, -1)``
        and ``add(Sun, -1)`` are the Friday before. ``add(d, 0)`` is ``next_working(d)``.
        """
        if n > 0:
            return self.day(self.index_before(d) + n)
        return self.day(self.index(d) + n)

    def finish_for(self, start: date, duration: int) -> date:
        """The finish of a task of ``duration`` working days starting on ``start`` (moved to a working day).

        Duration 1 finishes on its start day; duration 0 (a milestone) falls on the start day.
        """
        if duration < 0:
            raise ValueError(f"a duration cannot be negative ({duration})")
        first = self.index(start)
        return self.day(first + max(duration - 1, 0))

    def start_for(self, finish: date, duration: int) -> date:
        """The start of a task of ``duration`` working days finishing on ``finish`` (the inverse of finish_for)."""
        if duration < 0:
            raise ValueError(f"a duration cannot be negative ({duration})")
        last = self.index_before(finish)
        return self.day(last - max(duration - 1, 0))

    def count(self, a: date, b: date) -> int:
        """Working days in the closed range [a, b]: ``count(start, finish)`` is a task's duration.

        0 when b is before a. ``count(d, d)`` is 1 for a working day, 0 otherwise.
        """
        if b < a:
            return 0
        self._cover(a.toordinal(), b.toordinal() + 1)
        return self._count[b.toordinal() - self._lo + 1] - self._count[a.toordinal() - self._lo]

    def distance(self, a: date, b: date) -> int:
        """Signed working-day steps from a to b: for working days, ``add(a, distance(a, b)) == b``.

        A date that is not a working day counts as the next working day. ``distance(Fri, Mon)`` is 1,
        ``distance(Mon, Fri)`` of the week before is -1.
        """
        return self.index(b) - self.index(a)

    def working_days(self, a: date, b: date) -> list[date]:
        """The working days in [a, b], in order."""
        if b < a:
            return []
        first, last = self.index(a), self.index_before(b)
        return self.days(first, last) if last >= first else []


__all__ = ["Calendar", "CalendarRangeError", "parse_week", "format_week", "WEEKDAY_NAMES"]
