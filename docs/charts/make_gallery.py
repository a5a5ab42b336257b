"""Regenerate the chart gallery of docs/charts.md from the bundled examples.

    .venv/bin/python docs/charts/make_gallery.py

Writes every chart of examples/rollout-plan.xlsx to docs/charts/ and a few charts of the zh-TW example
to docs/charts/zh-TW/. The files are deterministic: running it again changes nothing unless the charts
or the examples changed.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from implan_docs import charts
from implan_docs.schedule import schedule_plan
from implan_docs.xlsx.reader import read_plan

ZH_CHARTS = ("gantt-1", "milestones", "risk-matrix", "workload", "budget-cumulative")


def main() -> int:
    plan, _ = read_plan(ROOT / "examples" / "rollout-plan.xlsx")
    made = charts.all_charts(plan, schedule_plan(plan))
    for path in charts.save_pngs(made, HERE):
        print(path.relative_to(ROOT))
    plan, _ = read_plan(ROOT / "examples" / "zh-TW" / "smart-service-plan.xlsx")
    made = [c for c in charts.all_charts(plan, schedule_plan(plan)) if c.name in ZH_CHARTS]
    for path in charts.save_pngs(made, HERE / "zh-TW"):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
