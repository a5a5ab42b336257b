"""implan collect loses nothing: IDs that cannot collide, workbooks collected by the old 8-digit IDs,
threads of any depth, and a summary line that accounts for every comment of every reviewed copy.

Reviewed copies are raw zip + XML (test_collect_fixtures), so 50,000 comments take a second to make.
"""
from __future__ import annotations

import re
import shutil
import time
from datetime import date

import openpyxl
import pytest

from implan_docs.cli import main
from implan_docs.docx.comments import ANCHOR_KEPT, ID_PATTERN, read_reviewed, stable_id
from implan_docs.xlsx.review_rows import collect_into
from test_collect import libreoffice_copy, review_rows, word_style_copy
from test_collect_fixtures import (ANN, BOB, COLLIDING_OLD_ID, EXAMPLE, comment, comment_ex, commented, heading,
                                   many_comments_docx, old_id, plan_copy, write_docx)


def one_comment_docx(path, who, when, text, anchor, *, done=False, section="Scope"):
    body = heading(section) + commented(0, anchor, before="Intro. ", after=" Outro.")
    comments = comment(0, who, when + "Z", text, para_id="00000001")
    return write_docx(path, body, comments, comment_ex("00000001", done=done))


def legacy_workbook(path, rows):
    """The example plan with Review rows as a collect before the 64-digit IDs wrote them."""
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb["Review"]
    for row in rows:
        ws.append(list(row) + [""] * (8 - len(row)))
    wb.save(path)
    return path


# -- IDs -------------------------------------------------------------------------------------------------


def test_the_colliding_pair_really_collides_under_the_old_scheme():
    assert old_id(*ANN, "") == old_id(*BOB, "") == COLLIDING_OLD_ID
    assert stable_id(*ANN, "") != stable_id(*BOB, "")
    assert stable_id(*ANN, "")[:11] == COLLIDING_OLD_ID  # the old ID is the new one's first 8 digits


def test_comments_colliding_under_the_old_ids_stay_separate(tmp_path):
    """Ann resolved her comment in her copy; Bob's comment (same old ID) is open in his. Both become rows,
    Ann's Closed and Bob's Open; collecting Ann's copy again closes nothing of Bob's."""
    ann = one_comment_docx(tmp_path / "ann.docx", ANN[0], ANN[1], ANN[2], ANN[3], done=True)
    bob = one_comment_docx(tmp_path / "bob.docx", BOB[0], BOB[1], BOB[2], BOB[3], done=False)
    out = tmp_path / "out.xlsx"
    result = collect_into(EXAMPLE, [bob, ann], out)
    assert len(result.added) == 2 and result.closed == []
    rows = {r["Reviewer"]: r for r in review_rows(out)}
    assert rows["Ann Reviewer"]["Status"] == "Closed" and rows["Bob Smith"]["Status"] == "Open"
    assert rows["Ann Reviewer"]["ID"] != rows["Bob Smith"]["ID"]
    assert rows["Ann Reviewer"]["ID"][:11] == rows["Bob Smith"]["ID"][:11] == COLLIDING_OLD_ID

    again = tmp_path / "again.xlsx"
    result = collect_into(out, [ann], again)
    assert result.added == [] and result.closed == [] and result.already == 1
    assert {r["Reviewer"]: r["Status"] for r in review_rows(again)} == {"Ann Reviewer": "Closed", "Bob Smith": "Open"}


def test_a_legacy_row_is_not_taken_for_a_different_comment_with_the_same_old_id(tmp_path):
    """A workbook collected by the old version holds Bob's open comment as RV-c98be7fe. Ann's resolved
    comment has that old ID too: it is a new row, and Bob's row stays Open."""
    plan = legacy_workbook(tmp_path / "legacy.xlsx", [
        (COLLIDING_OLD_ID, "Schedule", BOB[3], BOB[2], BOB[0], date(2026, 11, 21), "Open")])
    ann = one_comment_docx(tmp_path / "ann.docx", ANN[0], ANN[1], ANN[2], ANN[3], done=True)
    out = tmp_path / "out.xlsx"
    result = collect_into(plan, [ann], out)
    assert [i.author for i in result.added] == ["Ann Reviewer"] and result.closed == [] and result.already == 0
    rows = review_rows(out)
    assert [(r["ID"], r["Reviewer"], r["Status"]) for r in rows] == [
        (COLLIDING_OLD_ID, "Bob Smith", "Open"), (stable_id(*ANN, ""), "Ann Reviewer", "Closed")]
    # Bob's own copy, now resolved, is recognised under the old ID and closes his row
    bob = one_comment_docx(tmp_path / "bob.docx", BOB[0], BOB[1], BOB[2], BOB[3], done=True)
    out2 = tmp_path / "out2.xlsx"
    result = collect_into(out, [bob], out2)
    assert result.added == [] and result.closed == [COLLIDING_OLD_ID]
    assert [r["Status"] for r in review_rows(out2)] == ["Closed", "Closed"]


# the rows the old collect wrote for test_collect.word_style_copy (its IDs pinned as it printed them)
OLD_ANN = old_id("Ann Reviewer", "2026-11-20T10:00:00", "Which depots exactly?", "three depots", "")
OLD_DAN = old_id("Daniel Okafor", "2026-11-21T10:00:00", "North, South and Harbour.", "three depots", "")
OLD_BOB = old_id("Bob Smith", "2026-11-22T10:00:00", "Is May realistic?\nThe vendor said June.", "Go-live is in May.", "")
OLD_S1 = old_id("suggestion", "Bob Smith", "2026-11-21T09:00:00", "two", "three", "Training takes two weeks.")
OLD_S2 = old_id("suggestion", "Ann Reviewer", "2026-11-22T09:00:00", "", "Refreshers follow.",
                "Training takes two weeks.")
LEGACY_ROWS = [
    (OLD_ANN, "Scope", "three depots", "Which depots exactly?", "Ann Reviewer", date(2026, 11, 20), "Open"),
    (OLD_DAN, "Scope", "three depots", f"Reply to {OLD_ANN}: North, South and Harbour.", "Daniel Okafor",
     date(2026, 11, 21), "Open"),
    (OLD_BOB, "Schedule", "Go-live is in May.", "Is May realistic?\nThe vendor said June.", "Bob Smith",
     date(2026, 11, 22), "Open"),
    (OLD_S1, "Schedule", "Training takes two weeks.", "Suggested change: “two” → “three”", "Bob Smith",
     date(2026, 11, 21), "Open"),
    (OLD_S2, "Schedule", "Training takes two weeks.", "Suggested insertion: “Refreshers follow.”", "Ann Reviewer",
     date(2026, 11, 22), "Open"),
]


def test_old_ids_are_pinned():
    assert [r[0] for r in LEGACY_ROWS] == ["RV-680361db", "RV-11c78956", "RV-4a97e067", "RV-fea187e6", "RV-1211600f"]


def test_workbook_collected_with_old_ids_gets_nothing_twice(tmp_path):
    """Collecting the same reviewed copy again (and its LibreOffice re-save, where the reply is a plain
    comment) into a workbook the old version wrote adds nothing; the resolved thread closes its rows."""
    plan = legacy_workbook(tmp_path / "legacy.xlsx", LEGACY_ROWS)
    word = word_style_copy(tmp_path / "reviewed.docx")
    items = read_reviewed(word)
    assert [i.legacy_id for i in items] == [r[0] for r in LEGACY_ROWS]
    assert all(ID_PATTERN.match(i.id) and i.id.startswith(i.legacy_id) for i in items)

    out = tmp_path / "out.xlsx"
    result = collect_into(plan, [word], out)
    assert result.added == [] and result.already == 5
    assert result.closed == [OLD_ANN, OLD_DAN]  # resolved in the copy
    assert [r["ID"] for r in review_rows(out)] == [r[0] for r in LEGACY_ROWS]

    lo = libreoffice_copy(word, tmp_path / "lo")
    out2 = tmp_path / "out2.xlsx"
    result = collect_into(out, [lo], out2)
    assert result.added == [] and result.already == 5 and result.closed == []
    assert result.per_file[str(lo)] == {"comment": 3, "suggestion": 2, "known": 5}


def test_old_row_with_a_long_anchor_is_recognised_by_its_content(tmp_path):
    """The old ID hashed the whole anchored text; the reader now keeps 4,000 characters of it, so the
    old ID of a longer anchor cannot be worked out again: the row is found by reviewer, date, comment
    and the anchor as the old version shortened it into the cell."""
    anchor = " ".join(f"word{i}" for i in range(2000))  # 15,889 characters
    assert len(anchor) > ANCHOR_KEPT
    copy = one_comment_docx(tmp_path / "long.docx", "Ann Reviewer", "2026-11-20T10:00:00", "Too long.", anchor)
    other = one_comment_docx(tmp_path / "other.docx", "Ann Reviewer", "2026-11-20T10:00:00", "Another point.", anchor)
    old = old_id("Ann Reviewer", "2026-11-20T10:00:00", "Too long.", anchor, "")
    plan = legacy_workbook(tmp_path / "legacy.xlsx", [
        (old, "Scope", anchor[:999] + "…", "Too long.", "Ann Reviewer", date(2026, 11, 20), "Open")])
    (item,) = read_reviewed(copy)
    assert item.legacy_id == "" and len(item.anchor) == ANCHOR_KEPT and anchor.startswith(item.anchor)
    out = tmp_path / "out.xlsx"
    result = collect_into(plan, [copy, other], out)
    assert [i.text for i in result.added] == ["Another point."] and result.already == 1
    assert len(review_rows(out)) == 2


def test_identical_comments_in_one_copy_are_all_kept(tmp_path):
    """Two comments saying the same thing about the same word at the same minute are still two comments
    (the old version kept one); their IDs differ, and stay the same on the next collect."""
    body = heading("Scope") + commented(1, "teh") + commented(2, "teh") + commented(3, "teh")
    comments = "".join(comment(i, "Ann Reviewer", "2026-11-20T10:00:00Z", "Typo.") for i in (1, 2, 3))
    copy = write_docx(tmp_path / "typos.docx", body, comments)
    items = read_reviewed(copy)
    assert len({i.id for i in items}) == 3
    assert items[0].legacy_id == items[0].id[:11] and items[1].legacy_id == items[2].legacy_id == ""
    assert [i.id for i in read_reviewed(copy)] == [i.id for i in items]
    out = tmp_path / "out.xlsx"
    assert len(collect_into(EXAMPLE, [copy], out).added) == 3
    again = tmp_path / "again.xlsx"
    assert collect_into(out, [copy], again).added == []


@pytest.mark.slow
def test_fifty_thousand_distinct_comments_are_all_collected(tmp_path):
    """50,000 comments, two of which share an old 8-digit ID: every one becomes a row, once; collecting
    the file again adds nothing. (Linear: the old row insertion scanned every row for each new one.)"""
    extra = [(ANN[0], ANN[1] + "Z", ANN[2], ANN[3]), (BOB[0], BOB[1] + "Z", BOB[2], BOB[3])]
    copy = many_comments_docx(tmp_path / "many.docx", 49_998, extra=extra)
    out = tmp_path / "out.xlsx"
    started = time.monotonic()
    result = collect_into(EXAMPLE, [copy], out)
    assert time.monotonic() - started < 120  # about 10 s; the quadratic insertion took hours
    assert len(result.added) == 50_000
    assert result.summary_lines()[0] == f"{copy}: 50000 comments, 50000 new, 0 already known"
    ws = openpyxl.load_workbook(out, read_only=True)["Review"]
    rows = list(ws.iter_rows(min_row=2, max_col=4, values_only=True))
    ids = [row[0] for row in rows]
    assert len(ids) == 50_000 and len(set(ids)) == 50_000
    texts = {row[3] for row in rows}
    assert {ANN[2], BOB[2], "Comment number 0: check this.", "Comment number 49997: check this."} <= texts

    again = tmp_path / "again.xlsx"
    result = collect_into(out, [copy], again)
    assert result.added == [] and result.already == 50_000
    assert result.summary_lines()[0] == f"{copy}: 50000 comments, 0 new, 50000 already known"


# -- threads -----------------------------------------------------------------------------------------------


def test_thread_of_three_thousand_replies(tmp_path):
    """Each reply answers the one before (w15:paraIdParent): no RecursionError, every reply a row in
    order, all Closed because the thread's first comment is resolved."""
    n = 3000
    body = heading("Scope") + commented(0, "three depots")
    comments = [comment(0, "Ann Reviewer", "2026-11-20T10:00:00Z", "Which depots?", para_id=f"{1:08X}")]
    extended = [comment_ex(f"{1:08X}", done=True)]
    for i in range(1, n + 1):
        comments.append(comment(i, f"Reviewer {i % 7}", f"2026-11-{20 + i // 1000}T{i % 24:02d}:{i % 60:02d}:00Z",
                                f"Reply {i}.", para_id=f"{i + 1:08X}"))
        extended.append(comment_ex(f"{i + 1:08X}", parent=f"{i:08X}"))
    copy = write_docx(tmp_path / "thread.docx", body, "".join(comments), "".join(extended))
    items = read_reviewed(copy)
    assert len(items) == n + 1
    assert [i.kind for i in items] == ["comment"] + ["reply"] * n
    assert [i.text for i in items] == ["Which depots?"] + [f"Reply {i}." for i in range(1, n + 1)]
    assert all(items[k].parent == items[k - 1].id for k in range(1, n + 1))
    assert all(i.resolved and i.anchor == "three depots" and i.section == "Scope" for i in items)
    out = tmp_path / "out.xlsx"
    assert main(["collect", str(EXAMPLE), str(copy), "-o", str(out)]) == 0
    rows = review_rows(out)
    assert len(rows) == n + 1 and {r["Status"] for r in rows} == {"Closed"}
    assert rows[-1]["Comment"] == f"Reply to {items[-2].id}: Reply {n}."


def test_a_cycle_of_replies_is_cut_not_followed(tmp_path):
    """A damaged or hostile commentsExtended.xml where two comments answer each other."""
    body = heading("Scope") + commented(1, "a") + commented(2, "b")
    comments = comment(1, "A", "2026-11-20T10:00:00Z", "one", para_id="0000000A") + \
        comment(2, "B", "2026-11-21T10:00:00Z", "two", para_id="0000000B")
    extended = comment_ex("0000000A", parent="0000000B") + comment_ex("0000000B", parent="0000000A")
    items = read_reviewed(write_docx(tmp_path / "cycle.docx", body, comments, extended))
    assert [(i.kind, i.text) for i in items] == [("comment", "one"), ("reply", "two")]
    assert items[1].parent == items[0].id


# -- the summary line ---------------------------------------------------------------------------------------


def test_summary_accounts_for_every_comment_of_every_copy(tmp_path, capsys):
    """Three copies: Ann's; Tom's, made on Ann's copy (so it holds her comments too) plus his reply and a
    suggestion; and Ann's again. Each line's numbers add up to the comments in that copy."""
    ann_body = heading("Scope") + commented(1, "three depots") + commented(2, "in May")
    ann_comments = comment(1, "Ann", "2026-11-20T10:00:00Z", "Which depots?", para_id="00000001") + \
        comment(2, "Ann", "2026-11-20T10:05:00Z", "Realistic?", para_id="00000002")
    ann = write_docx(tmp_path / "ann.docx", ann_body, ann_comments)
    tracked = ('<w:p><w:r><w:t xml:space="preserve">Training takes </w:t></w:r><w:del w:id="90" w:author="Tom" '
               'w:date="2026-11-22T09:00:00Z"><w:r><w:delText>two</w:delText></w:r></w:del><w:ins w:id="91" '
               'w:author="Tom" w:date="2026-11-22T09:00:00Z"><w:r><w:t>three</w:t></w:r></w:ins>'
               '<w:r><w:t xml:space="preserve"> weeks.</w:t></w:r></w:p>')
    tom = write_docx(tmp_path / "tom.docx", ann_body + tracked,
                     ann_comments + comment(3, "Tom", "2026-11-21T10:00:00Z", "North and South.", para_id="00000003"),
                     comment_ex("00000001") + comment_ex("00000003", parent="00000001"))
    plan = tmp_path / "plan.xlsx"
    assert main(["collect", str(EXAMPLE), str(ann), "-o", str(plan)]) == 0
    capsys.readouterr()
    out = tmp_path / "out.xlsx"
    assert main(["collect", str(plan), str(ann), str(tom), str(ann), "-o", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{ann}: 2 comments, 0 new, 2 already known",
        f"{tom}: 4 comments, 2 new, 0 already known, 2 repeated from an earlier copy "
        "(of them 1 reply and 1 suggested change)",
        f"{ann} (#2): 2 comments, 0 new, 0 already known, 2 repeated from an earlier copy",
        "3 reviewed copies: 8 comments, 2 new, 2 already known, 4 repeated from an earlier copy "
        "(of them 1 reply and 1 suggested change)",
        "added 2 row(s) to the Review sheet",
        f"wrote {out}",
    ]
    for line in lines[:4]:  # the numbers add up
        total, new, known = (int(x) for x in re.findall(r"(\d+) (?:comments?|new|already known)", line)[:3])
        repeated = int((re.findall(r"(\d+) repeated", line) or ["0"])[0])
        assert total == new + known + repeated
    assert len(review_rows(out)) == 4


def test_summary_in_place_with_nothing_new_says_so(tmp_path, capsys):
    plan = plan_copy(tmp_path)
    copy = one_comment_docx(tmp_path / "a.docx", *ANN)
    assert main(["collect", str(plan), str(copy), "--in-place"]) == 0
    capsys.readouterr()
    before = plan.read_bytes()
    assert main(["collect", str(plan), str(copy), "--in-place"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{copy}: 1 comment, 0 new, 1 already known", "no new comments", f"{plan} unchanged (nothing to add)"]
    assert plan.read_bytes() == before


def test_word_copy_and_its_libreoffice_resave_collect_to_the_same_rows(tmp_path):
    word = word_style_copy(tmp_path / "reviewed.docx")
    lo = libreoffice_copy(word, tmp_path / "lo")
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    collect_into(EXAMPLE, [word], a)
    collect_into(EXAMPLE, [lo], b)
    rows_a, rows_b = review_rows(a), review_rows(b)
    assert [r["ID"] for r in rows_a] == [r["ID"] for r in rows_b]
    assert all(ID_PATTERN.match(r["ID"]) for r in rows_a)
    both = tmp_path / "both.xlsx"
    shutil.copyfile(a, both)
    result = collect_into(both, [lo], tmp_path / "both2.xlsx")
    assert result.added == [] and result.already == 5
