"""implan collect: comments, replies, resolved flags and tracked changes of reviewed copies into the Review sheet.

Reviewed copies are made for real: python-docx 1.2's comments API; a Word-style file with
commentsExtended.xml (a reply, a resolved thread) and w:ins/w:del tracked changes; and that file
round-tripped through LibreOffice. Workbooks are compared cell by cell, every sheet.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

from implan_docs.cli import main
from implan_docs.errors import DocumentError, OutputError
from implan_docs.docx.comments import read_reviewed, stable_id
from implan_docs.xlsx.review_rows import COLUMNS, collect_into
from implan_docs.xlsx.reader import read_plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "rollout-plan.xlsx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


# -- reviewed copies ---------------------------------------------------------------------------------------


def python_docx_copy(path: Path) -> Path:
    """A reviewed copy made with python-docx's comments API (no thread data: all comments open)."""
    d = docx.Document()
    d.add_heading("Field Service Management System Rollout", 0)
    d.add_heading("Scope", 1)
    p = d.add_paragraph("The rollout covers ")
    run = p.add_run("three depots")
    p.add_run(" and the planning team.")
    d.add_comment([run], text="Which depots exactly?", author="Ann Reviewer", initials="AR")
    d.add_heading("Schedule", 1)
    d.add_heading("Milestones", 2)
    p = d.add_paragraph("Go-live is in May.")
    d.add_comment(p.runs, text="=HYPERLINK(\"http://example.invalid\")", author="Bob Smith", initials="BS")
    d.save(path)
    return _fix_dates(path)


def word_style_copy(path: Path, *, resolved_first: bool = True) -> Path:
    """A copy as Word saves it: paragraph IDs on comments, commentsExtended.xml with a reply and a
    resolved thread, and tracked changes (a replacement by one reviewer, an insertion by another)."""
    d = docx.Document()
    d.add_heading("Scope", 1)
    p = d.add_paragraph("The rollout covers ")
    run = p.add_run("three depots")
    p.add_run(" and the planning team.")
    d.add_comment([run], text="Which depots exactly?", author="Ann Reviewer", initials="AR")
    d.add_comment([run], text="North, South and Harbour.", author="Daniel Okafor", initials="DO")
    d.add_heading("Schedule", 1)
    p = d.add_paragraph("Go-live is in May.")
    d.add_comment(p.runs, text="Is May realistic?\nThe vendor said June.", author="Bob Smith", initials="BS")
    d.add_paragraph("Training takes two weeks.")
    d.save(path)
    done = "1" if resolved_first else "0"
    extended = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx xmlns:w15="{W15}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w15">'
        f'<w15:commentEx w15:paraId="10000000" w15:done="{done}"/>'
        '<w15:commentEx w15:paraId="10000010" w15:paraIdParent="10000000" w15:done="0"/>'
        '<w15:commentEx w15:paraId="10000021" w15:done="0"/></w15:commentsEx>')
    tracked = (
        '<w:r><w:t xml:space="preserve">Training takes </w:t></w:r>'
        '<w:del w:id="101" w:author="Bob Smith" w:date="2026-11-21T09:00:00Z"><w:r><w:delText>two</w:delText></w:r></w:del>'
        '<w:ins w:id="102" w:author="Bob Smith" w:date="2026-11-21T09:00:00Z"><w:r><w:t>three</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> weeks.</w:t></w:r>'
        '<w:ins w:id="103" w:author="Ann Reviewer" w:date="2026-11-22T09:00:00Z"><w:r>'
        '<w:t xml:space="preserve"> Refreshers follow.</w:t></w:r></w:ins>')

    def edit(name: str, data: bytes) -> bytes:
        if name == "word/comments.xml":
            root = etree.fromstring(data)
            for i, c in enumerate(root.iter(f"{{{W}}}comment")):
                c.set(f"{{{W}}}date", f"2026-11-2{i}T10:00:00Z")
                for j, para in enumerate(c.iter(f"{{{W}}}p")):
                    para.set(f"{{{W14}}}paraId", f"{0x10000000 + i * 16 + j:08X}")
            return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if name == "word/document.xml":
            text = data.decode()
            plain = "<w:r><w:t>Training takes two weeks.</w:t></w:r>"
            assert plain in text
            return text.replace(plain, tracked).encode()
        if name == "word/_rels/document.xml.rels":
            return data.replace(b"</Relationships>", b'<Relationship Id="rId900" Type="http://schemas.microsoft'
                                b'.com/office/2011/relationships/commentsExtended" Target="commentsExtended.xml"/>'
                                b"</Relationships>")
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/word/commentsExtended.xml" ContentType="'
                                b'application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended'
                                b'+xml"/></Types>')
        return data

    return _rewrite(path, edit, {"word/commentsExtended.xml": extended.encode()})


def libreoffice_copy(src: Path, folder: Path) -> Path:
    """``src`` (.docx or .xlsx) opened and saved again in the same format by LibreOffice."""
    folder.mkdir(exist_ok=True)
    profile = folder / "lo-profile"
    target = "docx" if src.suffix == ".docx" else 'xlsx:Calc MS Excel 2007 XML'
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
                    "--outdir", str(folder), str(src)], check=True, capture_output=True, timeout=120)
    out = folder / src.name
    assert out.is_file()
    return out


def _fix_dates(path: Path) -> Path:
    """python-docx stamps comments with the current time; fix them so expectations are exact."""
    def edit(name: str, data: bytes) -> bytes:
        if name != "word/comments.xml":
            return data
        root = etree.fromstring(data)
        for i, c in enumerate(root.iter(f"{{{W}}}comment")):
            c.set(f"{{{W}}}date", f"2026-12-0{i + 1}T08:30:00Z")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return _rewrite(path, edit, {})


def _rewrite(path: Path, edit, extra: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path) as zin:
        members = [(i, edit(i.filename, zin.read(i))) for i in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            zout.writestr(info, data)
        for name, data in extra.items():
            zout.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


# -- workbook comparison ------------------------------------------------------------------------------------


def cells(path: Path) -> dict[str, dict[str, object]]:
    wb = openpyxl.load_workbook(path, data_only=False)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    wb.close()
    return out


def assert_only_review_rows_added(before: Path, after: Path, first_new_row: int) -> dict[str, object]:
    """Every cell of every sheet is unchanged, except the Review rows from ``first_new_row`` on,
    which are returned."""
    a, b = cells(before), cells(after)
    assert list(a) == [s for s in b if s in a]
    for sheet in a:
        if sheet == "Review":
            continue
        assert a[sheet] == b[sheet], sheet
    old_review, new_review = a.get("Review", {}), b["Review"]
    for ref, value in old_review.items():
        assert new_review.get(ref) == value, ref
    added = {ref: v for ref, v in new_review.items() if ref not in old_review}
    assert all(int("".join(ch for ch in ref if ch.isdigit())) >= first_new_row for ref in added)
    return added


def review_rows(path: Path) -> list[dict[str, object]]:
    plan, findings = read_plan(path)
    assert not [f for f in findings if f.is_error]
    return [{"ID": r.id, "Section": r.section, "Anchor": r.anchor, "Comment": r.comment, "Reviewer": r.reviewer,
             "Date": r.date, "Status": r.status, "Response": r.response} for r in plan.review]


# -- tests ---------------------------------------------------------------------------------------------------


def test_python_docx_comments_become_review_rows_and_nothing_else_changes(tmp_path):
    reviewed = python_docx_copy(tmp_path / "reviewed-ann.docx")
    out = tmp_path / "updated.xlsx"
    result = collect_into(EXAMPLE, [reviewed], out)
    assert len(result.added) == 2 and result.already == 0

    rows = review_rows(out)
    first = stable_id("Ann Reviewer", "2026-12-01T08:30:00", "Which depots exactly?", "three depots", "")
    assert rows == [
        {"ID": first, "Section": "Scope", "Anchor": "three depots", "Comment": "Which depots exactly?",
         "Reviewer": "Ann Reviewer", "Date": date(2026, 12, 1), "Status": "Open", "Response": ""},
        {"ID": rows[1]["ID"], "Section": "Milestones", "Anchor": "Go-live is in May.",
         "Comment": '=HYPERLINK("http://example.invalid")', "Reviewer": "Bob Smith", "Date": date(2026, 12, 2),
         "Status": "Open", "Response": ""},
    ]
    assert rows[1]["ID"].startswith("RV-") and len(rows[1]["ID"]) == 3 + 64  # the whole SHA-256
    added = assert_only_review_rows_added(EXAMPLE, out, 2)
    assert added["D3"] == '=HYPERLINK("http://example.invalid")'  # text, never a formula
    wb = openpyxl.load_workbook(out)
    assert wb["Review"]["D3"].data_type == "s"

    # the same file again: nothing added, every cell as it was
    again = tmp_path / "again.xlsx"
    result = collect_into(out, [reviewed], again)
    assert result.added == [] and result.already == 2
    assert cells(again) == cells(out)


def test_word_copy_with_replies_resolved_thread_and_tracked_changes(tmp_path):
    reviewed = word_style_copy(tmp_path / "reviewed-word.docx")
    items = read_reviewed(reviewed)
    assert [(i.kind, i.author, i.resolved) for i in items] == [
        ("comment", "Ann Reviewer", True), ("reply", "Daniel Okafor", True), ("comment", "Bob Smith", False),
        ("suggestion", "Bob Smith", False), ("suggestion", "Ann Reviewer", False)]
    assert items[1].parent == items[0].id
    assert items[2].text == "Is May realistic?\nThe vendor said June."
    assert items[2].date == datetime(2026, 11, 22, 10, 0)

    out = tmp_path / "updated.xlsx"
    collect_into(EXAMPLE, [reviewed], out)
    rows = review_rows(out)
    assert [(r["Section"], r["Anchor"], r["Comment"], r["Reviewer"], r["Status"]) for r in rows] == [
        ("Scope", "three depots", "Which depots exactly?", "Ann Reviewer", "Closed"),
        ("Scope", "three depots", f"Reply to {items[0].id}: North, South and Harbour.", "Daniel Okafor", "Closed"),
        ("Schedule", "Go-live is in May.", "Is May realistic?\nThe vendor said June.", "Bob Smith", "Open"),
        ("Schedule", "Training takes two weeks.", "Suggested change: “two” → “three”", "Bob Smith", "Open"),
        ("Schedule", "Training takes two weeks.", "Suggested insertion: “Refreshers follow.”", "Ann Reviewer",
         "Open"),
    ]
    assert [r["Date"] for r in rows] == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22),
                                         date(2026, 11, 21), date(2026, 11, 22)]
    assert [r["ID"] for r in rows] == [i.id for i in items]
    assert_only_review_rows_added(EXAMPLE, out, 2)

    again = tmp_path / "again.xlsx"
    assert collect_into(out, [reviewed], again).added == []
    assert cells(again) == cells(out)


def test_copy_saved_by_libreoffice_gives_the_same_rows(tmp_path):
    word = word_style_copy(tmp_path / "reviewed.docx")
    lo = libreoffice_copy(word, tmp_path / "lo")
    word_items, lo_items = read_reviewed(word), read_reviewed(lo)
    # LibreOffice keeps comments, anchors, sections, dates, the resolved flag and tracked changes; it
    # keeps the reply as a plain comment (no thread link), under the same ID
    assert [i.id for i in lo_items] == [i.id for i in word_items]
    assert [(i.author, i.text, i.anchor, i.section, i.date) for i in lo_items] == \
        [(i.author, i.text, i.anchor, i.section, i.date) for i in word_items]
    assert lo_items[0].resolved and not lo_items[2].resolved

    out = tmp_path / "updated.xlsx"
    result = collect_into(EXAMPLE, [lo], out)
    assert len(result.added) == 5
    assert_only_review_rows_added(EXAMPLE, out, 2)
    both = tmp_path / "both.xlsx"
    result = collect_into(out, [word, lo], both)
    assert result.added == [] and result.already == 5


def test_resolved_later_closes_the_open_row_and_adds_nothing(tmp_path):
    open_copy = word_style_copy(tmp_path / "first.docx", resolved_first=False)
    out = tmp_path / "v1.xlsx"
    collect_into(EXAMPLE, [open_copy], out)
    assert review_rows(out)[0]["Status"] == "Open"
    resolved = word_style_copy(tmp_path / "second.docx", resolved_first=True)
    out2 = tmp_path / "v2.xlsx"
    result = collect_into(out, [resolved], out2)
    assert result.added == [] and len(result.closed) == 2  # the comment and its reply
    before, after = review_rows(out), review_rows(out2)
    assert [r["Status"] for r in after] == ["Closed", "Closed", "Open", "Open", "Open"]
    for a, b in zip(before, after):
        assert {k: v for k, v in a.items() if k != "Status"} == {k: v for k, v in b.items() if k != "Status"}


def test_in_place_keeps_a_backup_and_is_atomic(tmp_path):
    plan = tmp_path / "plan.xlsx"
    shutil.copyfile(EXAMPLE, plan)
    original = plan.read_bytes()
    reviewed = python_docx_copy(tmp_path / "r.docx")
    assert main(["collect", str(plan), str(reviewed), "--in-place"]) == 0
    backup = tmp_path / "plan.bak.xlsx"
    assert backup.read_bytes() == original
    assert len(review_rows(plan)) == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left
    updated = plan.read_bytes()
    assert main(["collect", str(plan), str(reviewed), "--in-place"]) == 0
    assert plan.read_bytes() == updated and backup.read_bytes() == original  # nothing new: untouched


def test_workbook_without_review_sheet_gets_one(tmp_path):
    src = tmp_path / "no-review.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    del wb["Review"]
    wb.save(src)
    out = tmp_path / "out.xlsx"
    result = collect_into(src, [python_docx_copy(tmp_path / "r.docx")], out)
    assert result.created_sheet
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "Review"
    assert [c.value for c in wb["Review"][1]] == list(COLUMNS)
    assert len(review_rows(out)) == 2
    assert_only_review_rows_added(src, out, 1)  # the new sheet's header row, then the rows


def test_libreoffice_workbook_with_formula_and_image_keeps_both(tmp_path):
    """openpyxl would drop the image and the formula's cached value; collect keeps every other part."""
    from openpyxl.drawing.image import Image
    from PIL import Image as PILImage

    src = tmp_path / "with-extras.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb["Resources"]
    ws["F2"] = "=C2*E2"  # Cost = Quantity x Unit cost
    PILImage.new("RGB", (20, 10), "red").save(tmp_path / "logo.png")
    wb["Project"].add_image(Image(str(tmp_path / "logo.png")), "D2")
    wb.save(src)
    saved = libreoffice_copy(src, tmp_path / "lo")  # LibreOffice computes and caches the formula
    out = tmp_path / "out.xlsx"
    collect_into(saved, [python_docx_copy(tmp_path / "r.docx")], out)

    with zipfile.ZipFile(saved) as a, zipfile.ZipFile(out) as b:
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        assert set(a.namelist()) == set(b.namelist())
        assert any(n.startswith("xl/media/") for n in b.namelist())
    assert len(changed) == 1 and changed[0].startswith("xl/worksheets/")  # only the Review sheet
    plan, findings = read_plan(out)
    assert not [f for f in findings if f.is_error]
    assert plan.resources[0].cost == 210 * 480
    assert len(plan.review) == 2


def test_existing_output_needs_force(tmp_path):
    reviewed = python_docx_copy(tmp_path / "r.docx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="already exists"):
        collect_into(EXAMPLE, [reviewed], out)
    assert out.read_bytes() == b"keep me"
    assert main(["collect", str(EXAMPLE), str(reviewed), "-o", str(out), "--force"]) == 0
    assert len(review_rows(out)) == 2


@pytest.mark.parametrize("maker", ["make_zip_bomb_docx", "make_truncated_docx", "make_corrupt_docx",
                                   "make_text_file", "make_legacy_doc"])
def test_bad_reviewed_copies_stop_with_one_line(tmp_path, capsys, maker):
    import hostile_files

    bad = getattr(hostile_files, maker)(tmp_path, "reviewed.docx")
    good = python_docx_copy(tmp_path / "good.docx")
    out = tmp_path / "out.xlsx"
    with pytest.raises(DocumentError) as info:
        collect_into(EXAMPLE, [good, bad], out)
    assert "reviewed.docx" in str(info.value)
    assert not out.exists()
    assert main(["collect", str(EXAMPLE), str(bad), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "reviewed.docx" in err and "Traceback" not in err
    assert not out.exists()


def test_macro_enabled_reviewed_copy_is_refused(tmp_path):
    path = python_docx_copy(tmp_path / "r.docx")
    vba = ('<Override PartName="/word/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
           '</Types>').encode()

    def edit(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                b"application/vnd.ms-word.document.macroEnabled.main+xml")
            return data.replace(b"</Types>", vba)
        return data

    _rewrite(path, edit, {"word/vbaProject.bin": b"\x00" * 64})
    with pytest.raises(DocumentError, match="macro"):
        read_reviewed(path)


def test_cli_usage(tmp_path, capsys):
    reviewed = python_docx_copy(tmp_path / "r.docx")
    assert main(["collect", str(EXAMPLE), str(reviewed)]) == 2
    assert "-o" in capsys.readouterr().err
    assert main(["collect", str(EXAMPLE), str(reviewed), "-o", str(EXAMPLE)]) == 2
    out = tmp_path / "o.xlsx"
    assert main(["collect", str(EXAMPLE), str(reviewed), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "r.docx: 2 comments, 2 new, 0 already known\n" in printed
    assert "added 2 row(s)" in printed and f"wrote {out}" in printed


def test_review_table_grows_and_missing_columns_are_added(tmp_path):
    """An Excel table on the Review sheet grows to take the new rows; a Review sheet lacking contract
    columns gets them after its last header; hand-written rows stay as they were."""
    from openpyxl.worksheet.table import Table

    src = tmp_path / "table.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE)
    del wb["Review"]
    ws = wb.create_sheet("Review")
    ws.append(["ID", "Comment", "Status", "Owner note"])
    ws.append(["M1", "Typed in by hand", "Answered", "keep"])
    ws.add_table(Table(displayName="ReviewLog", ref="A1:D2"))
    wb.save(src)
    out = tmp_path / "out.xlsx"
    collect_into(src, [python_docx_copy(tmp_path / "r.docx")], out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Review"]
    assert [c.value for c in ws[1]] == ["ID", "Comment", "Status", "Owner note", "Section", "Anchor", "Reviewer",
                                        "Date", "Response"]
    assert [c.value for c in ws[2]][:4] == ["M1", "Typed in by hand", "Answered", "keep"]
    assert ws.tables["ReviewLog"].ref == "A1:D4"
    rows = review_rows(out)
    assert [r["ID"] for r in rows][0] == "M1" and len(rows) == 3
    assert rows[1]["Comment"] == "Which depots exactly?" and rows[1]["Section"] == "Scope"
    a, b = cells(src), cells(out)
    for sheet in a:
        if sheet != "Review":
            assert a[sheet] == b[sheet]
    assert {k: v for k, v in b["Review"].items() if k in a["Review"]} == a["Review"]


def test_dates_go_into_date_formatted_cells_as_dates(tmp_path):
    """The `new` workbook prepares Review rows with a date format: dates land there as real dates."""
    from implan_docs.xlsx.new import write_new_workbook

    blank = write_new_workbook(tmp_path / "blank.xlsx")
    out = tmp_path / "out.xlsx"
    collect_into(blank, [python_docx_copy(tmp_path / "r.docx")], out)
    ws = openpyxl.load_workbook(out)["Review"]
    assert ws["F2"].value == datetime(2026, 12, 1) and ws["F2"].is_date
    assert ws["A2"].value.startswith("RV-") and ws["G2"].value == "Open"
    assert cells(out)["Project"] == cells(blank)["Project"]
