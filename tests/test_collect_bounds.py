"""implan collect within bounds: a small reviewed copy cannot expand into gigabytes or minutes, what it
writes is within Excel's limits (cell length, dates, characters), and hostile XML is still refused.

The memory tests run the reader in a child process with its address space capped at 2 GiB; the old
reader ran out of 4 GiB on the first file below.
"""
from __future__ import annotations

import csv
import io
import json
import re
import resource
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from implan_docs.docx import comments as review
from implan_docs.cli import main
from implan_docs.errors import DocumentError
from implan_docs.xlsx.new import write_new_workbook
from implan_docs.docx.comments import ANCHOR_KEPT, SHORTENED, read_reviewed
from implan_docs.xlsx.review_rows import MAX_CELL, collect_into
from implan_docs.xlsx.reader import read_plan
from test_collect_fixtures import (EXAMPLE, IMPLAN, PYTHON, W, comment, comment_ex, commented, heading, para,
                                   soffice_csv, write_docx)

LIMIT = 2 * 2**30


def _cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run_capped(args, timeout):
    return subprocess.run(args, preexec_fn=_cap_memory, capture_output=True, text=True, timeout=timeout)


READ = """
import json, resource, sys, time
from implan_docs.docx.comments import read_reviewed
t = time.monotonic()
items = read_reviewed(sys.argv[1])
print(json.dumps({"n": len(items), "anchor": max(len(i.anchor) for i in items), "seconds": time.monotonic() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- a small file cannot expand ------------------------------------------------------------------------------


def test_twenty_thousand_ranges_that_never_close(tmp_path):
    """A ~300 KB copy: 20,000 comment ranges that start and never end. Each anchor is the text to the
    end of the document, cut at 4,000 characters; reading is linear, in well under 2 GiB."""
    n = 20_000
    body = heading("Scope") + "".join(
        commented(i, f"Paragraph {i} of the plan, with some words in it.", close=False) for i in range(n))
    comments = "".join(comment(i, "Mallory", "2026-11-20T10:00:00Z", f"open range {i}") for i in range(n))
    copy = write_docx(tmp_path / "unclosed.docx", body, comments)
    assert copy.stat().st_size < 400_000
    done = run_capped([str(PYTHON), "-c", READ, str(copy)], timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    stats = json.loads(done.stdout)
    assert stats["n"] == n and stats["anchor"] == ANCHOR_KEPT
    assert stats["rss_mb"] < 1024

    out = tmp_path / "out.xlsx"
    done = run_capped([str(IMPLAN), "collect", str(EXAMPLE), str(copy), "-o", str(out)], timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{n} comments, {n} new, 0 already known" in done.stdout
    ws = openpyxl.load_workbook(out, read_only=True)["Review"]
    anchors = [r[0] for r in ws.iter_rows(min_row=2, min_col=3, max_col=3, values_only=True)]
    assert len(anchors) == n and max(map(len, anchors)) == 1000
    assert anchors[-1] == f"Paragraph {n - 1} of the plan, with some words in it."


def test_long_document_with_open_ranges_is_linear(tmp_path):
    """A ~1 MB copy: 2,000 ranges open at the top of 120,000 paragraphs. The old reader appended every
    run's text to every open range (240 million appends, minutes and gigabytes)."""
    n = 2000
    body = heading("Scope") + "".join(commented(i, f"Start {i}.", close=False) for i in range(n)) + "".join(
        para(f"Line {j}: the rollout covers depot {j % 97} and team {j % 13}, in week {j % 52}.")
        for j in range(120_000))
    comments = "".join(comment(i, "Mallory", "2026-11-20T10:00:00Z", f"open range {i}") for i in range(n))
    copy = write_docx(tmp_path / "long.docx", body, comments)
    done = run_capped([str(PYTHON), "-c", READ, str(copy)], timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    stats = json.loads(done.stdout)
    assert stats["n"] == n and stats["anchor"] == ANCHOR_KEPT and stats["seconds"] < 30


@pytest.mark.parametrize("bound, value, words", [
    ("MAX_ITEMS", 10, "more than 10 comments and tracked changes"),
    ("MAX_KEPT_CHARS", 5000, "more than 5,000 characters"),
    ("MAX_SMALL_PART", 100, "is too large"),
])
def test_a_copy_over_a_bound_stops_with_one_line(tmp_path, capsys, monkeypatch, bound, value, words):
    body = heading("Scope") + "".join(commented(i, "x" * 500) for i in range(20))
    comments = "".join(comment(i, "Ann", "2026-11-20T10:00:00Z", f"c{i}") for i in range(20))
    copy = write_docx(tmp_path / "over.docx", body, comments)
    monkeypatch.setattr(review, bound, value)
    out = tmp_path / "out.xlsx"
    assert main(["collect", str(EXAMPLE), str(copy), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "over.docx" in err and words in err and "Traceback" not in err
    assert not out.exists()


def test_deep_nesting_is_one_line(tmp_path):
    body = "<w:p>" + "<w:sdt><w:sdtContent>" * 400 + "<w:r><w:t>x</w:t></w:r>" + \
        "</w:sdtContent></w:sdt>" * 400 + "</w:p>"
    copy = write_docx(tmp_path / "deep.docx", body, "")
    with pytest.raises(DocumentError, match="deep.docx.*malformed XML"):
        read_reviewed(copy)


# -- what is written is within Excel's limits --------------------------------------------------------------


def long_copy(tmp_path):
    """A 100,000-character comment with a reply, 20,000 emoji (40,000 UTF-16 units), a 100,000-character
    anchor, and a 50,000-character name."""
    words = " ".join(f"w{i:05d}" for i in range(16_667))[:100_000]
    body = heading("Scope") + commented(1, "short anchor") + commented(2, "a" * 100_000) + commented(3, "emoji")
    comments = (comment(1, "Ann", "2026-11-20T10:00:00Z", words, para_id="00000001")
                + comment(4, "Bob", "2026-11-21T10:00:00Z", words, para_id="00000004")
                + comment(2, "Cy", "2026-11-22T10:00:00Z", "About that long anchor.")
                + comment(3, "N" * 50_000, "2026-11-23T10:00:00Z", "\U0001F600" * 20_000))
    return write_docx(tmp_path / "long.docx", body, comments, comment_ex("00000001") +
                      comment_ex("00000004", parent="00000001")), words


def test_a_100000_character_comment_yields_a_cell_within_the_limit(tmp_path):
    copy, words = long_copy(tmp_path)
    out = tmp_path / "out.xlsx"
    collect_into(EXAMPLE, [copy], out)
    ws = openpyxl.load_workbook(out)["Review"]
    cells = [c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert max(utf16(v) for v in cells) <= MAX_CELL
    comment_col = [ws.cell(row=r, column=4).value for r in range(2, 6)]
    assert comment_col[0].endswith(SHORTENED) and words.startswith(comment_col[0][: -len(SHORTENED)])
    assert comment_col[1].startswith("Reply to RV-") and comment_col[1].endswith(SHORTENED)
    assert utf16(comment_col[1]) <= MAX_CELL
    assert comment_col[3].endswith(SHORTENED) and utf16(comment_col[3]) <= MAX_CELL
    assert set(comment_col[3][: -len(SHORTENED)]) == {"\U0001F600"}  # no emoji cut in half
    assert ws.cell(row=4, column=3).value == "a" * 999 + "…"  # anchors: 1,000 characters in the cell
    assert ws.cell(row=5, column=5).value.endswith(SHORTENED) and len(ws.cell(row=5, column=5).value) <= 1000
    plan, findings = read_plan(out)
    assert not [f for f in findings if f.code == "W191"]  # no cell over Excel's limit


def test_dates_at_the_ends_of_the_calendar(tmp_path):
    """w:date 0001-01-01 and 9999-12-31: Excel holds 1900-03-01..9999-12-31 as date serials (earlier
    ones Excel and LibreOffice count differently); earlier dates are written as ISO text. Never a
    negative or out-of-range serial."""
    dates = ["0001-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "1900-02-28T12:00:00Z", "1900-03-01T00:00:00Z",
             "9999-12-31T23:59:59Z", "0000-00-00T00:00:00Z"]
    body = heading("Scope") + "".join(commented(i, f"anchor {i}") for i in range(len(dates)))
    comments = "".join(comment(i, "Ann", d, f"dated {d}") for i, d in enumerate(dates))
    copy = write_docx(tmp_path / "dates.docx", body, comments)
    blank = write_new_workbook(tmp_path / "blank.xlsx")  # its Review rows are date-formatted
    out = tmp_path / "out.xlsx"
    collect_into(blank, [copy], out)
    with zipfile.ZipFile(out) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    review_xml = next(s for s in sheets if "dated 0001" in s)
    serials = [int(v) for v in re.findall(r'<c r="F\d+"[^>]*><v>(-?\d+)</v>', review_xml)]
    assert serials and all(61 <= v <= 2958465 for v in serials)
    ws = openpyxl.load_workbook(out)["Review"]
    assert [ws.cell(row=r, column=6).value for r in range(2, 8)] == [
        "0001-01-01", "1899-12-31", "1900-02-28", datetime(1900, 3, 1), datetime(9999, 12, 31), None]
    plan, _ = read_plan(out)
    assert [r.date for r in plan.review] == [date(1, 1, 1), date(1899, 12, 31), date(1900, 2, 28),
                                             date(1900, 3, 1), date(9999, 12, 31), None]

    example_out = tmp_path / "example-out.xlsx"  # no date format there: ISO text throughout
    collect_into(EXAMPLE, [copy], example_out)
    ws = openpyxl.load_workbook(example_out)["Review"]
    assert ws.cell(row=2, column=6).value == "0001-01-01" and ws.cell(row=6, column=6).value == "9999-12-31"


def test_text_excel_would_misread_is_kept_as_text(tmp_path):
    """Formula-looking text stays text; text that looks like Excel's _xHHHH_ escape is escaped so it
    reads back as written; a carriage return and a tab survive."""
    texts = ['=HYPERLINK("http://example.invalid")', "+SUM(1)", "@cmd", "-2+3", "_x0041_ is not A",
             "_x005F_ too", "tab\there"]
    body = heading("Scope") + "".join(commented(i, f"anchor {i}") for i in range(len(texts) + 1))
    comments = "".join(comment(i, "Ann", "2026-11-20T10:00:00Z", t) for i, t in enumerate(texts))
    comments += ('<w:comment w:id="99" w:author="Ann" w:date="2026-11-20T10:00:00Z"><w:p><w:r>'
                 '<w:t xml:space="preserve">line&#13;cr</w:t></w:r></w:p></w:comment>'
                 '<w:comment w:id="98" w:author="Ann" w:date="2026-11-20T10:00:00Z"><w:p><w:r>'
                 '<w:t xml:space="preserve">del&#127; nel&#133; c1&#159;</w:t></w:r></w:p></w:comment>')
    body += commented(99, "cr anchor") + commented(98, "controls")
    copy = write_docx(tmp_path / "texts.docx", body, comments)
    out = tmp_path / "out.xlsx"
    collect_into(EXAMPLE, [copy], out)
    plan, findings = read_plan(out)
    assert [r.comment for r in plan.review] == texts + ["line\rcr", "del nel c1"]
    assert not [f for f in findings if f.code == "W190"]  # nothing the reader would call a control character
    ws = openpyxl.load_workbook(out)["Review"]
    assert all(ws.cell(row=r, column=4).data_type == "s" for r in range(2, 2 + len(texts) + 2))
    with zipfile.ZipFile(out) as zf:
        xml = next(zf.read(n) for n in zf.namelist() if b"is not A" in zf.read(n)).decode("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", xml)


def test_libreoffice_reads_the_written_cells_as_written(tmp_path):
    """A second reader: LibreOffice opens the output and sees the dates, the shortened long comment and
    the text that looked like a formula or an escape exactly as openpyxl and implan do."""
    copy, words = long_copy(tmp_path)
    dated = write_docx(tmp_path / "dated.docx", heading("Scope") + commented(1, "x") + commented(2, "y") +
                       commented(3, "z"),
                       comment(1, "Ann", "0001-01-01T00:00:00Z", "=1+1") +
                       comment(2, "Ann", "9999-12-31T23:59:59Z", "_x0041_ is not A") +
                       comment(3, "Ann", "2026-11-20T10:00:00Z", "@cmd"))
    blank = write_new_workbook(tmp_path / "blank.xlsx")
    out = tmp_path / "out.xlsx"
    collect_into(blank, [copy, dated], out)
    rows = list(csv.reader(io.StringIO(soffice_csv(out, tmp_path / "csv"))))
    header, rows = rows[0], [r for r in rows[1:] if any(r)]
    assert header[:8] == ["ID", "Section", "Anchor", "Comment", "Reviewer", "Date", "Status", "Response"]
    assert len(rows) == 7
    by_comment = {r[3]: r for r in rows}
    assert by_comment["=1+1"][5] == "0001-01-01" and by_comment["_x0041_ is not A"][5] == "9999-12-31"
    assert by_comment["@cmd"][5] == "2026-11-20"
    long_cells = [r[3] for r in rows if r[3].endswith(SHORTENED)]
    assert len(long_cells) == 3 and all(utf16(c) <= MAX_CELL for c in long_cells)
    assert words.startswith(rows[0][3][: -len(SHORTENED)])
    # openpyxl does not decode Excel's _xHHHH_ escapes (Excel, LibreOffice and implan do); all else agrees
    ws = openpyxl.load_workbook(out)["Review"]
    seen_by_openpyxl = [ws.cell(row=r, column=4).value for r in range(2, 9)]
    assert [v.replace("_x005F_", "_") for v in seen_by_openpyxl] == [r[3] for r in rows]


# -- what already held stays held -----------------------------------------------------------------------------


def test_entities_in_a_reviewed_copy_are_refused(tmp_path, capsys):
    import hostile_files

    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              f'<w:comments xmlns:w="{W}">'
              '<w:comment w:id="1" w:author="x"><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:comment></w:comments>')
    copy = write_docx(tmp_path / "laughs.docx", heading("Scope") + commented(1, "x"), "")
    with zipfile.ZipFile(copy) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    members["word/comments.xml"] = laughs.encode()
    with zipfile.ZipFile(copy, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    xxe = hostile_files.make_xxe_docx(tmp_path, "xxe.docx")
    for bad in (copy, xxe):
        out = tmp_path / "out.xlsx"
        assert main(["collect", str(EXAMPLE), str(bad), "-o", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and bad.name in err and ("DOCTYPE" in err or "entity" in err), err
        assert not out.exists()


def test_dates_in_a_1904_workbook(tmp_path):
    """In the 1904 date system Excel has no dates before 1904-01-01, and its serial 0 (1904-01-01) reads
    back as a time of day in openpyxl: both go in as ISO text."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    blank = write_new_workbook(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(blank)
    wb.epoch = CALENDAR_MAC_1904
    mac = tmp_path / "mac.xlsx"
    wb.save(mac)
    dates = ["1903-12-31T10:00:00Z", "1904-01-01T10:00:00Z", "2026-11-20T10:00:00Z"]
    body = heading("Scope") + "".join(commented(i, f"anchor {i}") for i in range(len(dates)))
    copy = write_docx(tmp_path / "d.docx", body, "".join(comment(i, "Ann", d, f"c{i}") for i, d in enumerate(dates)))
    out = tmp_path / "out.xlsx"
    collect_into(mac, [copy], out)
    ws = openpyxl.load_workbook(out)["Review"]
    assert [ws.cell(row=r, column=6).value for r in (2, 3, 4)] == [
        "1903-12-31", "1904-01-01", datetime(2026, 11, 20)]
    plan, _ = read_plan(out)
    assert [r.date for r in plan.review] == [date(1903, 12, 31), date(1904, 1, 1), date(2026, 11, 20)]
