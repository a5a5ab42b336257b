"""What every section needs: the plan, its schedule, its findings, the language and the output folder.

A section notebook calls :func:`load` with its parameters. Standalone, that reads and schedules the
workbook; inside ``implan build`` the runner passes ``context`` (a snapshot the build wrote once), so ten
notebooks do not read the same workbook ten times.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import blocks as b
from ..errors import ValidationFailed
from ..findings import Finding
from ..i18n import Messages
from ..model import Plan
from ..schedule import Schedule

SNAPSHOT = "context.pickle"


@dataclass
class Context:
    plan: Plan
    schedule: Schedule
    findings: tuple[Finding, ...]
    language: str
    output: Path
    status_date: date
    extras: dict = field(default_factory=dict)  # e.g. {"since": Diff} for the changes section

    @property
    def t(self) -> Messages:
        return Messages(self.language)

    @property
    def chart_plan(self) -> Plan:
        """The plan as charts draw it: characters no chart font has are � (finding W192 says where)."""
        cached = self.extras.get("_chart_plan")
        if cached is None:
            from ..charts.drawable import drawable_plan

            cached = self.extras["_chart_plan"] = drawable_plan(self.plan)[0]
        return cached

    @property
    def forecast(self):
        """The schedule's confidence, earned value and baseline variances (:mod:`implan_docs.forecast`),
        computed once per build (the build puts it in ``extras``), else on first use."""
        cached = self.extras.get("forecast")
        if cached is None:
            from ..forecast import forecast

            cached = self.extras["forecast"] = forecast(self.plan, self.schedule)
        return cached

    @property
    def charts_dir(self) -> Path:
        return self.output / "charts"

    def figure(self, chart) -> b.Figure:
        """Save a chart (from :mod:`implan_docs.charts`) under ``charts/`` and return its block."""
        from ..charts import save_png

        path = save_png(chart, self.charts_dir)
        return b.Figure(f"charts/{path.name}", chart.caption, chart.alt, chart.width_cm, chart.landscape)

    def figures(self, charts) -> list[b.Figure]:
        """Save several charts (PNG compression overlaps drawing the next one) and return their blocks."""
        from ..charts import save_pngs

        charts = list(charts)
        paths = save_pngs(charts, self.charts_dir)
        return [b.Figure(f"charts/{p.name}", c.caption, c.alt, c.width_cm, c.landscape) for c, p in zip(charts, paths)]


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load(workbook: str | Path = "", status_date=None, output: str | Path = "build", language: str = "",
         context: str | Path = "") -> Context:
    """The section context, from a build snapshot (``context``) or by reading ``workbook``."""
    output = Path(output)
    if context and Path(context).is_file():
        ctx = _read_snapshot(Path(context))
        ctx.output = output
        if language:
            ctx.language = language
        return ctx
    from ..phases import check_plan

    checked = check_plan(workbook, _parse_date(status_date))
    if not checked.ok:
        raise ValidationFailed(checked.findings, file=Path(workbook).name)
    schedule = checked.schedule
    return Context(checked.plan, schedule, checked.findings, language or checked.plan.language, output,
                   schedule.status_date)


def save_snapshot(ctx: Context, path: str | Path) -> Path:
    """Write the build's context for its kernels: a pickle, and beside it a signed record of its hash.

    Unpickling runs code, so a kernel loads a snapshot only if this user's tool signed its exact bytes
    (:mod:`implan_docs.trust`): a ``context`` parameter pointing at any other file is refused."""
    import hashlib

    from .. import trust
    from ..fileio import atomic_write_bytes, atomic_write_text

    path = Path(path)
    data = pickle.dumps(ctx, protocol=pickle.HIGHEST_PROTOCOL)
    record = {"sha256": hashlib.sha256(data).hexdigest()}
    atomic_write_text(path.with_name(path.name + ".sig"), trust.sign(_SNAPSHOT_KIND, record, _binding(path)))
    return atomic_write_bytes(path, data)


_SNAPSHOT_KIND = "section-context"


def _binding(path: Path) -> str:
    import os

    return os.path.abspath(path)


def _read_snapshot(path: Path) -> Context:
    import hashlib

    from .. import trust
    from ..errors import ImplanError, Location

    record = trust.read_verified(path.with_name(path.name + ".sig"), _SNAPSHOT_KIND, _binding(path))
    data = path.read_bytes()
    if record is None or record.get("sha256") != hashlib.sha256(data).hexdigest():
        raise ImplanError("not a context snapshot written by implan build for this folder; leave 'context' "
                          "empty to read the workbook instead", Location(file=str(path)))
    return pickle.loads(data)  # noqa: S301 - bytes this user's tool wrote and signed (checked above)
