"""Charts: every chart of real plans (read from workbooks and scheduled), written as PNG and read back.

Warnings are errors here (a matplotlib "Glyph missing" warning included). The 5,000-task plan is
marked slow.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from plans import minimal_rows, write_plan

from implan_docs import charts
from implan_docs.charts import fonts, gantt, theme, timeaxis
from implan_docs.charts.common import style_for
from implan_docs.charts.labels import TextLayer
from implan_docs.charts.objectives import parse_value
from implan_docs.charts.risk_grid import _cell_lines
from implan_docs.charts.workload import allocation
from implan_docs.errors import ImplanError
from implan_docs.i18n import Messages
from implan_docs.schedule import schedule_plan
from implan_docs.xlsx.reader import read_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
EXAMPLE_ZH = ROOT / "examples" / "zh-TW" / "smart-service-plan.xlsx"
PERSON = "Alex Morgan"


@pytest.fixture(autouse=True)
def warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def load(path):
    plan, _findings = read_plan(path)
    return plan, schedule_plan(plan)


@pytest.fixture(scope="module")
def example():
    return load(EXAMPLE)


@pytest.fixture(scope="module")
def example_zh():
    return load(EXAMPLE_ZH)


def check_png(path: Path, chart_width_cm: float) -> Image.Image:
    """The file is a PNG that decodes, at the print width, with no text or time chunks."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(png_chunks(data)) <= {"IHDR", "PLTE", "pHYs", "IDAT", "IEND"}, path.name
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.width == int(chart_width_cm / 2.54 * theme.DPI)
    assert image.height > 100
    assert round(image.info["dpi"][0]) == theme.DPI
    return image


def png_chunks(data: bytes) -> list[str]:
    """Chunk types of a PNG file, in order (no text, time or software chunks may be among them)."""
    out, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        out.append(data[at + 4:at + 8].decode("ascii"))
        at += 12 + length
    return out


def saved(chart_list, folder: Path) -> dict[str, Path]:
    paths = charts.save_pngs(chart_list, folder)
    assert [p.name for p in paths] == [f"{c.name}.png" for c in chart_list]
    return {p.stem: p for p in paths}


# -- the examples ------------------------------------------------------------------------------------------
def test_every_chart_of_the_example(example, tmp_path):
    plan, schedule = example
    made = charts.all_charts(plan, schedule)
    names = [c.name for c in made]
    assert len(set(names)) == len(names)
    assert names[0].startswith("gantt")
    for name in ("milestones", "risk-matrix", "workload", "budget-by-type", "budget-cumulative", "objectives"):
        assert name in names
    files = saved(made, tmp_path)
    for chart in made:
        image = check_png(files[chart.name], chart.width_cm)
        assert chart.landscape == chart.name.startswith("gantt")
        assert chart.width_cm == (theme.LANDSCAPE_CM if chart.landscape else theme.PORTRAIT_CM)
        assert chart.caption and not chart.caption.startswith("Figure")
        assert chart.alt.endswith(".") and len(chart.alt) > 40
        # landscape pages: figure no taller than a landscape text area
        if chart.landscape:
            assert image.height / theme.DPI * 2.54 <= 16.5


def test_example_bytes_are_the_same_twice(example, tmp_path):
    plan, schedule = example
    first = saved(charts.all_charts(plan, schedule), tmp_path / "a")
    second = saved(charts.all_charts(plan, schedule), tmp_path / "b")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_charts_made_in_parallel_threads_are_the_same(example, example_zh):
    """No global state: two threads making charts at once get the bytes one thread gets."""
    from concurrent.futures import ThreadPoolExecutor

    def pngs(loaded):
        plan, schedule = loaded
        return [charts.render_png(c.figure) for c in (charts.milestone_chart(plan, schedule),
                                                      charts.risk_matrix(plan), *charts.gantt_charts(plan, schedule)[:2])]

    alone = [pngs(example), pngs(example_zh)]
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(pngs, [example, example_zh]))
    assert together == alone


def test_save_png_and_save_pngs_agree_and_a_chart_is_saved_once(example, tmp_path):
    plan, _ = example
    one = charts.risk_matrix(plan)
    path = charts.save_png(one, tmp_path / "single")
    assert path == tmp_path / "single" / "risk-matrix.png"
    other = saved([charts.risk_matrix(plan)], tmp_path / "many")
    assert path.read_bytes() == other["risk-matrix"].read_bytes()
    with pytest.raises(ValueError, match="already saved"):
        charts.save_png(one, tmp_path)


def test_example_captions_and_alt_texts_say_what_the_charts_show(example):
    plan, schedule = example
    by_name = {c.name: c for c in charts.all_charts(plan, schedule)}
    assert "Risk matrix" in by_name["risk-matrix"].caption
    for risk in plan.risks:
        if risk.status != "Closed":
            assert risk.id in by_name["risk-matrix"].alt
    assert plan.project.currency in ("GBP",) and "£" in by_name["budget-by-type"].alt
    assert "13\u00a0Nov\u00a02026" in by_name["milestones"].alt  # the status date, formatted for en (no-break spaces)


def test_zh_example_draws_chinese_with_the_cjk_font(example_zh, tmp_path):
    plan, schedule = example_zh
    made = charts.all_charts(plan, schedule)
    style = style_for(plan)
    assert style.families[0] == fonts.CJK
    files = saved(made, tmp_path)
    for chart in made:
        check_png(files[chart.name], chart.width_cm)
        assert fonts.has_cjk(chart.caption) and fonts.has_cjk(chart.alt), chart.name
    by_name = {c.name: c for c in made}
    assert "2026年" in by_name["milestones"].alt  # dates by Babel for zh_Hant_TW


def test_zh_time_axis_labels_months_years_and_weekdays_in_chinese():
    style = theme.Style(Messages("zh-TW"), (fonts.CJK, fonts.LATIN))
    assert timeaxis._unit_labels([date(2027, 3, 1)], "month", style, 100) == ["3月"]
    assert timeaxis._tier_label(date(2027, 3, 1), "week", style, 200) == "2027年3月"
    assert timeaxis._tier_label(date(2027, 1, 1), "month", style, 200) == "2027年"
    days = timeaxis._unit_labels([date(2027, 3, 1)], "day", style, 40)
    assert days == ["週一\n1日"]
    en = theme.Style(Messages("en"), (fonts.LATIN,))
    assert timeaxis._unit_labels([date(2027, 3, 1)], "day", en, 40) == ["Mon\n1"]
    assert [timeaxis.unit_for(n) for n in (20, 100, 600, 1500)] == ["day", "week", "month", "quarter"]


# -- small and partial plans ---------------------------------------------------------------------------
def test_one_task_plan(tmp_path):
    path = write_plan(tmp_path / "one.xlsx",
                      tasks=[{"ID": "T1", "Task": "Only task", "Deliverable": "D1", "Owner": PERSON, "Duration": 3,
                              "Status": "In progress", "Progress": 40}],
                      raci=[{"Item": "D1", PERSON: "A/R"}, {"Item": "T1", PERSON: "A/R"}])
    plan, schedule = load(path)
    made = charts.all_charts(plan, schedule)
    assert [c.name for c in made] == ["gantt", "milestones", "risk-matrix", "workload", "objectives"]
    files = saved(made, tmp_path / "png")
    for chart in made:
        check_png(files[chart.name], chart.width_cm)
    assert charts.budget_charts(plan, schedule) == []


def test_plan_without_risks_or_resources(tmp_path):
    path = write_plan(tmp_path / "bare.xlsx", risks=[], drop=("Resources",))
    plan, schedule = load(path)
    assert charts.risk_matrix(plan) is None
    assert charts.budget_charts(plan, schedule) == []
    made = charts.all_charts(plan, schedule)
    assert "risk-matrix" not in [c.name for c in made]
    files = saved(made, tmp_path / "png")
    for chart in made:
        check_png(files[chart.name], chart.width_cm)


def test_closed_risks_and_risks_crowding_a_cell(tmp_path):
    risks = [{"ID": f"R{i}", "Risk": "r", "Likelihood": 4, "Impact": 4, "Mitigation": "m", "Owner": PERSON,
              "Status": "Open"} for i in range(1, 31)]
    risks.append({"ID": "R99", "Risk": "gone", "Likelihood": 1, "Impact": 1, "Mitigation": "m", "Owner": PERSON,
                  "Status": "Closed"})
    plan, _ = load(write_plan(tmp_path / "risks.xlsx", risks=risks))
    chart = charts.risk_matrix(plan)
    assert "closed risks not shown: 1" in chart.caption
    assert "R99" not in chart.alt and "and 5 more" in chart.alt  # 30 high risks, 25 listed
    lines = _cell_lines(TextLayer((fonts.LATIN,)), [f"R{i}" for i in range(1, 31)], 60, lambda n: f"+{n}")
    shown = [i for line in lines for i in line.split(", ") if not i.startswith("+")]
    assert len(lines) == 3 and lines[-1].endswith(f"+{30 - len(shown)}")
    assert shown == [f"R{i}" for i in range(1, len(shown) + 1)]
    check_png(charts.save_png(chart, tmp_path), chart.width_cm)


def test_objective_values_are_parsed_sensibly_and_text_is_skipped(tmp_path):
    assert parse_value("45%").number == 45 and parse_value("45%").unit == "%"
    assert parse_value("3.5 days") .number == 3.5 and parse_value("3.5 days").unit == "days"
    assert parse_value("1,200").number == 1200
    assert parse_value("NT$ 50,000").number == 50000
    assert parse_value("< 2 hours").number == 2
    assert parse_value(0.5).number == 0.5 and parse_value(7).text == "7"
    for text in ("In daily use by 230 people", "Q3 2027", "2027-03-01", "3 of 5", "", None, True):
        assert parse_value(text) is None, text
    rows = minimal_rows()
    rows["Objectives"] = [
        {"ID": "O1", "Objective": "Faster", "Metric": "days", "Baseline": "6.4 days", "Target": "4.5 days"},
        {"ID": "O2", "Objective": "Adopted", "Metric": "text", "Baseline": "Paper", "Target": "Everyone on it"},
        {"ID": "O3", "Objective": "Share", "Metric": "%", "Target": "95%"},
        {"ID": "O4", "Objective": "Units differ", "Metric": "x", "Baseline": "3 days", "Target": "8 hours"},
    ]
    rows["Deliverables"][0]["Objectives"] = "O1, O2, O3, O4"
    plan, _ = load(write_plan(tmp_path / "obj.xlsx", rows=rows))
    chart = charts.objectives_chart(plan)
    assert "O1" in chart.alt and "O3" in chart.alt and "O2" not in chart.alt and "O4" not in chart.alt
    assert "2." in chart.alt  # "Objectives with text values, not shown: 2."
    check_png(charts.save_png(chart, tmp_path), chart.width_cm)


def test_workload_counts_owned_and_responsible_task_days_against_availability(tmp_path):
    rows = minimal_rows()
    rows["People"].append({"Name": "Kim Lee", "Role": "Analyst", "Availability": 50})
    rows["Tasks"] = [
        {"ID": "T1", "Task": "First", "Deliverable": "D1", "Owner": PERSON, "Start": date(2026, 3, 2), "Duration": 5},
        {"ID": "T2", "Task": "Second", "Deliverable": "D1", "Owner": PERSON, "Start": date(2026, 3, 2), "Duration": 5},
        {"ID": "T3", "Task": "Done", "Deliverable": "D1", "Owner": PERSON, "Depends on": "T1, T2", "Milestone": "yes"},
    ]
    rows["RACI"] = [{"Item": "D1", PERSON: "A/R"}, {"Item": "T1", PERSON: "A", "Kim Lee": "R"},
                    {"Item": "T2", PERSON: "A/R"}, {"Item": "T3", PERSON: "A/R"}]
    plan, schedule = load(write_plan(tmp_path / "load.xlsx", rows=rows))
    periods = [(date(2026, 3, 2), date(2026, 3, 9))]
    load_ = allocation(plan, schedule, schedule.calendar, periods)
    assert load_ == {PERSON: [10.0], "Kim Lee": [5.0]}  # two parallel 5-day tasks; R on one
    chart = charts.workload_chart(plan, schedule)
    assert PERSON in chart.alt and "Kim Lee" in chart.alt  # both over-allocated (10 of 5, 5 of 2.5 days)


def test_cumulative_cost_reaches_the_total_and_finds_the_budget_crossing(tmp_path):
    resources = [
        {"Resource": "Team", "Type": "Personnel", "Quantity": 10, "Unit": "day", "Unit cost": 500,
         "From": date(2026, 3, 2), "To": date(2026, 3, 11), "Status": "Approved"},
        {"Resource": "Kit", "Type": "Equipment", "Cost": 2000, "For": "T1", "Status": "Requested"},
        {"Resource": "No cost", "Type": "Time"},
    ]
    plan, schedule = load(write_plan(tmp_path / "b.xlsx", resources=resources, project={"Budget": 6000}))
    by_type, cumulative = charts.budget_charts(plan, schedule)
    assert by_type.name == "budget-by-type" and "$7,000" in by_type.alt
    assert cumulative.name == "budget-cumulative" and "$7,000" in cumulative.alt and "$6,000" in cumulative.alt
    assert "passes the approved budget" in cumulative.alt
    for chart in (by_type, cumulative):
        check_png(charts.save_png(chart, tmp_path), chart.width_cm)


# -- Gantt pages -------------------------------------------------------------------------------------------
def test_rectangles_are_grouped_by_style_whatever_their_number():
    from implan_docs.charts.panel import rect_collection

    quads = [[(0, 0), (1, 0), (1, 1), (0, 1)], [(2, 0), (3, 0), (3, 1), (2, 1)], [(4, 0), (5, 0), (5, 1), (4, 1)]]
    coll = rect_collection(quads, facecolors="none", edgecolors=["red", "red", (0.0, 0.0, 1.0)],
                           linewidths=[1.0, 1.0, 2.0])
    assert [len(p.vertices) for p in coll.get_paths()] == [10, 5]
    assert list(coll.get_linewidths()) == [1.0, 2.0]
    with pytest.raises(ValueError):
        rect_collection(quads, facecolors=["red"])


def test_gantt_pages_repeat_a_split_deliverable_and_never_end_on_a_header():
    header = lambda i: gantt.Row("header", f"D{i}", "d")
    task = lambda i: gantt.Row("task", f"T{i}", "t")
    groups = [(header(1), [task(i) for i in range(10)]), (header(2), [task(i) for i in range(10, 12)]),
              (header(3), [task(i) for i in range(12, 20)])]
    pages = gantt._paginate(groups, 6)
    assert all(len(p) <= 6 for p in pages)
    assert all(p[-1].kind != "header" for p in pages)
    assert pages[1][0].id == "D1" and pages[1][0].continued
    flat = [r.id for p in pages for r in p if r.kind == "task"]
    assert flat == [f"T{i}" for i in range(20)]


def test_tasks_without_a_deliverable_are_grouped_last(tmp_path):
    rows = minimal_rows()
    rows["Tasks"].append({"ID": "T9", "Task": "Loose end", "Owner": PERSON, "Duration": 2})
    rows["RACI"].append({"Item": "T9", PERSON: "A/R"})
    plan, schedule = load(write_plan(tmp_path / "orphan.xlsx", rows=rows))
    groups = gantt._groups(plan, schedule)
    assert [h.id for h, _ in groups] == ["D1", ""] and [r.id for r in groups[1][1]] == ["T9"]
    summary = [replace(h, kind="summary") for h, _ in groups]
    fig = gantt._figure(summary, style_for(plan), plan, schedule, arrows=False, summary=True, calendar=None)
    charts.render_png(fig)


def test_a_small_plan_has_one_gantt_and_a_large_one_a_summary_and_pages(example, tmp_path):
    plan, schedule = example
    made = charts.gantt_charts(plan, schedule)
    rows = len(plan.deliverables) + len(plan.tasks)
    if rows <= gantt.ROWS_PER_PAGE:
        assert [c.name for c in made] == ["gantt"]
    else:
        assert made[0].name == "gantt-summary"
        assert [c.name for c in made[1:]] == [f"gantt-{k}" for k in range(1, len(made))]
        assert made[1].caption.endswith(f"page 1 of {len(made) - 1}")
    rows = minimal_rows()
    plan, schedule = load(write_plan(tmp_path / "small.xlsx", rows=rows))
    assert [c.name for c in charts.gantt_charts(plan, schedule)] == ["gantt"]


# -- fonts and glyphs -------------------------------------------------------------------------------------
def test_an_english_plan_with_chinese_names_renders_them(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = "Interview 王小明 about 門診 flow"
    plan, schedule = load(write_plan(tmp_path / "mixed.xlsx", rows=rows))
    assert style_for(plan).families[0] == fonts.CJK
    made = charts.all_charts(plan, schedule)
    assert made[0].caption == "Gantt chart of all tasks"  # still English words
    saved(made, tmp_path / "png")


def test_a_character_in_no_font_fails_with_a_clear_error(tmp_path):
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = "Decode \U00013000 glyphs"
    plan, schedule = load(write_plan(tmp_path / "glyph.xlsx", rows=rows))
    with pytest.raises(charts.MissingGlyphError) as caught:
        charts.gantt_charts(plan, schedule)
    message = str(caught.value)
    assert "U+13000" in message and "EGYPTIAN HIEROGLYPH" in message
    assert "Tasks!B2" in message  # where to fix it
    assert isinstance(caught.value, ImplanError)


def test_a_missing_glyph_in_ordinary_text_is_caught_before_the_png_is_written(tmp_path):
    fig = theme.new_figure(5, 2)
    fig.text(0.1, 0.5, "Thai \u0e01", fontfamily=[fonts.LATIN, fonts.CJK])
    chart = charts.Chart("glyph-test", fig, "c", "a.", 5, False)
    with pytest.raises(charts.MissingGlyphError, match="U\\+0E01"):
        charts.save_png(chart, tmp_path)
    assert not (tmp_path / "glyph-test.png").exists()


def test_cjk_font_is_found_after_a_stale_font_cache(tmp_path):
    """matplotlib's font list cached before fonts-noto-cjk was installed: fonts.py adds the font itself."""
    import matplotlib
    from matplotlib import font_manager

    cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
    data = json.loads(cache.read_text())
    data["ttflist"] = [e for e in data["ttflist"] if "CJK" not in e["name"]]
    (tmp_path / cache.name).write_text(json.dumps(data))
    script = ("from implan_docs.charts import fonts\n"
              "from matplotlib import font_manager\n"
              "assert not any('CJK' in e.name for e in font_manager.fontManager.ttflist)\n"
              "assert fonts.cjk_installed()\n"
              "fonts.check_text('門診', fonts.families_for('zh-TW'))\n"
              "print('ok')\n")
    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    rebuilt = json.loads((tmp_path / cache.name).read_text())
    assert any("CJK" in e["name"] for e in rebuilt["ttflist"])  # saved for the next process


def test_chart_code_does_not_use_pyplot():
    import re

    uses = re.compile(r"matplotlib\.pyplot|from matplotlib import .*pyplot|\bplt\.")
    for path in (ROOT / "implan_docs" / "charts").glob("*.py"):
        assert not uses.search(path.read_text(encoding="utf-8")), path.name


def test_chart_words_exist_in_both_languages():
    from implan_docs.i18n import catalogue

    en = {k for k in catalogue("en") if k.startswith("charts.")}
    zh = {k for k in catalogue("zh-TW") if k.startswith("charts.")}
    assert en == zh and len(en) > 80


# -- the 5,000-task plan ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_chart_of_a_5000_task_plan(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate_plan import generate
    finally:
        sys.path.pop(0)
    plan, schedule = load(generate(tmp_path / "big.xlsx", tasks=5000))
    assert len(plan.tasks) == 5000
    made = charts.all_charts(plan, schedule)
    names = [c.name for c in made]
    pages = [n for n in names if n.startswith("gantt-") and not n.startswith("gantt-summary")]
    rows = len(plan.tasks) + len(plan.deliverables)
    assert len(pages) >= rows / gantt.ROWS_PER_PAGE
    assert "gantt-summary" in names or "gantt-summary-1" in names
    files = saved(made, tmp_path / "png")
    for chart in made:
        image = check_png(files[chart.name], chart.width_cm)
        if chart.landscape:
            assert image.height / theme.DPI * 2.54 <= 16.5
    again = charts.all_charts(plan, schedule)
    sample = [c for c in again if c.name in ("gantt-7", "workload", "milestones", "risk-matrix")]
    for chart, path in zip(sample, charts.save_pngs(sample, tmp_path / "again")):
        assert path.read_bytes() == files[chart.name].read_bytes(), chart.name


def test_emoji_and_right_to_left_labels_render(tmp_path):
    """Emoji come from the Symbola fallback; Hebrew and Arabic are put in visual order and joined."""
    from implan_docs.phases import check_plan

    assert fonts.drawable("שלום") == "םולש"
    assert fonts.drawable("a 👍🏽\ufe0f") == "a 👍"  # skin tone and variation selector modify the emoji
    assert "Symbola" in fonts.families_for("en")
    rows = minimal_rows()
    rows["Tasks"][0]["Task"] = "Launch 🚀 rollout ✅ שלום مرحبا"
    checked = check_plan(write_plan(tmp_path / "plan.xlsx", rows=rows))
    for chart in charts.gantt_charts(checked.plan, checked.schedule):
        Image.open(charts.save_png(chart, tmp_path)).verify()
