"""How sure the dates are and whether the money is on track: one value for every reader of a schedule.

:func:`forecast` puts together the deterministic schedule, the Monte Carlo simulation
(:mod:`implan_docs.confidence`, only when some task has a three-point estimate), earned value
(:mod:`implan_docs.earned_value`, only when some resource has a cost) and the variance of each task's
finish against its baseline. ``implan schedule --format json`` prints :meth:`Forecast.as_json`
(the contract's keys, ``docs/plan-workbook.md``, "Schedule confidence"); the filled workbook and the
document read the same value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .model import Plan
from .schedule import Schedule


@dataclass(frozen=True)
class Forecast:
    plan: Plan
    schedule: Schedule
    confidence: object | None = None  # implan_docs.confidence.Confidence
    earned_value: object | None = None  # implan_docs.earned_value.EarnedValueReport
    finish_variance: dict[str, int] = field(default_factory=dict)  # task id -> working days late (+) / early (-)

    def as_json(self) -> dict:
        """The object ``implan schedule --format json`` prints (keys fixed by the contract)."""
        s, c, ev = self.schedule, self.confidence, self.earned_value
        tasks = {t.id: t for t in self.plan.tasks}
        confidence = None
        if c is not None:
            confidence = {"simulations": c.simulations, "seed": c.seed, "distribution": c.distribution,
                          "level": c.level, "finish_p50": _iso(c.finish.p50), "finish_p80": _iso(c.finish.p80),
                          "finish_p95": _iso(c.finish.p95), "finish_at_level": _iso(c.finish.at_level),
                          "probability_by_target": c.finish.probability}
        milestones = []
        for tid, td in s.tasks.items():
            if not td.milestone:
                continue
            q = c.milestones.get(tid) if c is not None else None
            milestones.append({"id": tid, "finish": _iso(td.early_finish), "p50": _iso(q.p50) if q else None,
                               "p80": _iso(q.p80) if q else None, "p95": _iso(q.p95) if q else None})
        rows = []
        for tid, td in s.tasks.items():
            task = tasks.get(tid)
            rows.append({"id": tid, "early_start": _iso(td.early_start), "early_finish": _iso(td.early_finish),
                         "total_float": td.total_float, "critical": td.critical,
                         "criticality": c.criticality.get(tid) if c is not None else None,
                         "baseline_finish": _iso(task.baseline_finish) if task else None,
                         "finish_variance": self.finish_variance.get(tid)})
        return {
            "finish": _iso(s.finish),
            "target_finish": _iso(s.target_finish),
            "status_date": _iso(s.status_date),
            "confidence": confidence,
            "earned_value": ev.project.as_dict() if ev is not None else None,
            "milestones": milestones,
            "tasks": rows,
        }


def forecast(plan: Plan, schedule: Schedule) -> Forecast:
    """The forecast of a scheduled plan (see the module's docstring)."""
    from .confidence import simulate
    from .earned_value import earned_value

    return Forecast(plan, schedule, simulate(plan, schedule), earned_value(plan, schedule),
                    finish_variances(plan, schedule))


OFF_TRACK, AT_RISK = 0.8, 0.9  # performance index below which the plan is off track / at risk
LIKELY = 0.5  # a target finish less likely than this puts the plan at risk


@dataclass(frozen=True)
class Status:
    """The overall status a sponsor reads first, and why (each reason a catalogue key and its values)."""

    state: str  # "on_track", "at_risk" or "off_track"
    reasons: tuple[tuple[str, dict], ...] = ()


def overall_status(fc: Forecast) -> Status:
    """Off track: the forecast finish is after the target Finish, or SPI or CPI is below 0.8. At risk: a
    deliverable is forecast after its Due date, tasks are behind, SPI or CPI is below 0.9, or the target
    finish is less than 50% likely. On track otherwise. (The document states this rule.)"""
    s, ev, c = fc.schedule, fc.earned_value, fc.confidence
    off: list = []
    risk: list = []
    if s.late_days > 0:
        off.append(("late", {"days": s.late_days}))
    if ev is not None:
        for key in ("spi", "cpi"):
            value = getattr(ev.project, key)
            if value is not None and value < OFF_TRACK:
                off.append((key, {"value": value}))
            elif value is not None and value < AT_RISK:
                risk.append((key, {"value": value}))
    late = [d.id for d in s.deliverables.values() if d.late_days > 0]
    if late and not s.late_days > 0:
        risk.append(("deliverables_late", {"count": len(late)}))
    if s.behind_ids:
        risk.append(("behind", {"count": len(s.behind_ids)}))
    if c is not None and c.finish.probability is not None and c.finish.probability < LIKELY:
        risk.append(("unlikely", {"probability": c.finish.probability}))
    if off:
        return Status("off_track", tuple(off + risk))
    if risk:
        return Status("at_risk", tuple(risk))
    return Status("on_track")


def finish_variances(plan: Plan, schedule: Schedule) -> dict[str, int]:
    """Working days from each task's Baseline finish to its scheduled finish (positive: late)."""
    cal = schedule.calendar
    out = {}
    for task in plan.tasks:
        td = schedule.tasks.get(task.id)
        if td is None or task.baseline_finish is None:
            continue
        if cal is None:
            out[task.id] = (td.early_finish - task.baseline_finish).days
        else:
            out[task.id] = cal.distance(task.baseline_finish, td.early_finish)
    return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


__all__ = ["Forecast", "forecast", "finish_variances", "overall_status", "Status"]
