"""The forecast a reader gets: `implan schedule --format json`, the overall status, the filled workbook's
forecast columns, and the executive summary's status and confidence lines (issue 14)."""
from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest
from plans import minimal_rows, write_plan

from implan_docs.cli import main
from implan_docs.forecast import forecast, overall_status
from implan_docs.phases import check_plan

STATUS = date(2026, 3, 2)


def json_of(capsys, *args) -> dict:
    code = main(["schedule", *map(str, args), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_json_of_a_plan_without_estimates_or_costs_has_nulls(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    doc = json_of(capsys, plan)
    assert set(doc) >= {"finish", "target_finish", "status_date", "confidence", "earned_value", "milestones", "tasks"}
    assert doc["confidence"] is None and doc["earned_value"] is None
    checked = check_plan(plan)
    assert doc["finish"] == checked.schedule.finish.isoformat()
    for row, task in zip(doc["tasks"], checked.plan.tasks):
        td = checked.schedule.tasks[task.id]
        assert row == {"id": task.id, "early_start": td.early_start.isoformat(),
                       "early_finish": td.early_finish.isoformat(), "total_float": td.total_float,
                       "critical": td.critical, "criticality": None, "baseline_finish": None, "finish_variance": None}


def test_json_with_costs_baselines_and_o_writes_both(tmp_path, capsys):
    rows = minimal_rows()
    rows["Tasks"][0]["Baseline start"] = rows["Tasks"][0].get("Start") or date(2026, 3, 2)
    rows["Tasks"][0]["Baseline finish"] = date(2026, 3, 3)
    rows["Resources"] = [{"Resource": "Analyst", "Type": "Personnel", "Quantity": 10, "Unit": "days",
                          "Unit cost": 500, "For": "T1", "Actual cost": 1200}]
    plan = write_plan(tmp_path / "plan.xlsx", rows=rows)
    filled = tmp_path / "filled.xlsx"
    code = main(["schedule", str(plan), "-o", str(filled), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 0 and filled.is_file() and "wrote" in captured.err
    doc = json.loads(captured.out)
    ev = doc["earned_value"]
    assert list(ev) == ["bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac"]
    assert ev["bac"] == pytest.approx(5000) and ev["ac"] == pytest.approx(1200)
    t1 = doc["tasks"][0]
    checked = check_plan(plan)
    cal = checked.schedule.calendar
    assert t1["baseline_finish"] == "2026-03-03"
    assert t1["finish_variance"] == cal.distance(date(2026, 3, 3), checked.schedule.tasks["T1"].early_finish)
    # the filled workbook: Baseline variance (no Criticality or Finish P80 without estimates), EV on the Summary
    wb = openpyxl.load_workbook(filled)
    header = [c.value for c in wb["Tasks"][1]]
    assert "Baseline variance" in header and "Criticality" not in header and "Finish P80" not in header
    column = header.index("Baseline variance") + 1
    assert wb["Tasks"].cell(2, column).value == t1["finish_variance"]
    summary = [c.value for row in wb["Summary"].iter_rows() for c in row if c.value is not None]
    assert any("Earned value" in str(v) for v in summary) and any("CPI" in str(v) for v in summary)


def test_a_plan_without_the_new_data_gets_no_new_column(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    filled = tmp_path / "filled.xlsx"
    assert main(["schedule", str(plan), "-o", str(filled)]) == 0
    header = [c.value for c in openpyxl.load_workbook(filled)["Tasks"][1]]
    assert not {"Criticality", "Finish P80", "Baseline variance"} & set(header)
    capsys.readouterr()


def test_json_needs_no_output_but_text_does(tmp_path, capsys):
    plan = write_plan(tmp_path / "plan.xlsx")
    assert main(["schedule", str(plan)]) == 2
    assert "--format json" in capsys.readouterr().err


# -- the overall status ------------------------------------------------------------------------------------


def status_of(tmp_path, **changes):
    rows = minimal_rows()
    for (sheet, index, column), value in changes.get("cells", {}).items():
        rows[sheet][index][column] = value
    if "resources" in changes:
        rows["Resources"] = changes["resources"]
    plan = write_plan(tmp_path / "plan.xlsx", rows=rows, project=changes.get("project", {}))
    checked = check_plan(plan, changes.get("status_date"))
    assert checked.ok, checked.errors
    return overall_status(forecast(checked.plan, checked.schedule))


def test_on_track_when_nothing_is_late_behind_or_over(tmp_path):
    assert status_of(tmp_path, status_date=date(2026, 2, 27)).state == "on_track"  # before any work is due


def test_off_track_when_the_forecast_finish_is_after_the_target(tmp_path):
    checked = check_plan(write_plan(tmp_path / "p.xlsx"))
    start, finish = checked.schedule.start, checked.schedule.finish
    assert finish > start  # a target one day before the forecast finish
    status = status_of(tmp_path, project={"Finish": date.fromordinal(finish.toordinal() - 1)},
                       status_date=date(2026, 2, 27))
    assert status.state == "off_track" and status.reasons[0][0] == "late"


def test_at_risk_when_a_task_is_behind(tmp_path):
    checked = check_plan(write_plan(tmp_path / "p.xlsx"))
    late_day = checked.schedule.tasks["T1"].early_finish
    status = status_of(tmp_path, status_date=date.fromordinal(late_day.toordinal() + 7))
    assert status.state in ("at_risk", "off_track")
    assert "behind" in [key for key, _ in status.reasons]


# -- in the document ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language, words", [("en", ("Overall status", "Rule: off track")),
                                             ("zh-TW", ("整體狀態", "判定規則"))])
def test_the_executive_summary_states_the_status_and_its_rule(tmp_path, language, words):
    from implan_docs import blocks as b
    from implan_docs.sections import summary
    from implan_docs.sections.context import load

    plan = write_plan(tmp_path / "plan.xlsx", project={"Language": language})
    ctx = load(plan, output=tmp_path)
    fragment = summary.build(ctx)
    facts = next(x for x in fragment.blocks if isinstance(x, b.Table))
    assert facts.rows[0][0].text == words[0] and facts.rows[0][1].text
    assert any(isinstance(x, b.Paragraph) and x.text.startswith(words[1]) for x in fragment.blocks)


def test_estimates_give_criticality_in_the_filled_workbook_and_confidence_in_the_document(tmp_path, capsys):
    from implan_docs import blocks as b
    from implan_docs.sections import schedule as schedule_section
    from implan_docs.sections import summary
    from implan_docs.sections.context import load

    rows = minimal_rows()
    rows["Tasks"][0].update({"Optimistic": 3, "Pessimistic": 12})
    plan = write_plan(tmp_path / "plan.xlsx", rows=rows)
    filled = tmp_path / "filled.xlsx"
    doc = None
    code = main(["schedule", str(plan), "-o", str(filled), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["confidence"]["simulations"] == 10000 and doc["confidence"]["distribution"] == "triangular"
    assert doc["confidence"]["finish_p50"] <= doc["confidence"]["finish_p80"] <= doc["confidence"]["finish_p95"]
    wb = openpyxl.load_workbook(filled)
    header = [c.value for c in wb["Tasks"][1]]
    column = header.index("Criticality") + 1
    assert wb["Tasks"].cell(2, column).value == pytest.approx(doc["tasks"][0]["criticality"])
    summary_text = " ".join(str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value is not None)
    assert "80% likely by" in summary_text

    ctx = load(plan, output=tmp_path)
    facts = next(x for x in summary.build(ctx).blocks if isinstance(x, b.Table))
    assert any(str(r[0].text) == "How sure the finish is" and "likely to finish by" in r[1].text for r in facts.rows)
    section = schedule_section.build(ctx)
    table = next(x for x in section.blocks if isinstance(x, b.Table) and x.caption == "How likely each date is")
    assert table.rows[0][0].text == "Project finish"
