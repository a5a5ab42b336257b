"""The guard in front of openpyxl: a workbook is inspected (:mod:`.package`) before it is opened.

Missing paths, folders, empty files, OLE files (legacy .xls or a password-protected workbook), text and
CSV, other binaries, truncated zips, packages of another kind, Strict Open XML, zip bombs and XML parts
with a DOCTYPE are refused with one line naming the file; openpyxl parses through defusedxml only.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import Location, WorkbookError
from .package import (KIND_NAMES, OLE_MAGIC, OPENPYXL_SUFFIXES, Package, STRICT_SML, ZIP_MAGICS, converting, failer, ole_message, read_head, sniff)

__all__ = ["check_workbook_file", "open_workbook", "silence_openpyxl_warnings"]


def check_workbook_file(path: str | Path) -> None:
    """Refuse anything openpyxl should not be handed, with a one-line :class:`WorkbookError`.

    ``.xlsx``, ``.xlsm`` (read as data; macros never run), ``.xltx`` and ``.xltm`` pass.
    """
    path = Path(path)
    fail = failer(path, WorkbookError)
    versus = ", not an Excel workbook (.xlsx)"
    head = read_head(path, fail, versus)
    if head.startswith(OLE_MAGIC):
        raise fail(ole_message(path, "workbook"))
    if not head.startswith(ZIP_MAGICS):
        kind, name = sniff(head)
        hint = (": open it in Excel and save it as Excel Workbook (.xlsx)"
                if kind in ("csv", "xml-spreadsheet", "html") else "")
        raise fail(f"is {name}{versus}{hint}")
    with Package.open(path, fail) as pkg:
        kind, main = pkg.kind()
        if kind == "xlsb":
            raise fail("is an Excel Binary Workbook (.xlsb): open it in Excel and save it as Excel Workbook (.xlsx)")
        if kind == "ods":
            raise fail("is an OpenDocument spreadsheet (.ods): save it as Excel Workbook (.xlsx)")
        if kind == "xlsx-damaged":
            raise fail("is damaged: its [Content_Types].xml is missing or does not declare a workbook; "
                       "save it again from Excel")
        if kind != "xlsx":
            raise fail(f"is {KIND_NAMES.get(kind or '', 'a zip archive')}{versus}")
        if main is None or not pkg.has(main):
            raise fail("is damaged: it declares a workbook but the workbook part is missing")
        for name, ctype in pkg.overrides.items():  # openpyxl silently drops a sheet whose part is gone
            if ctype.endswith(".worksheet+xml") and not pkg.has(name):
                raise fail(f"is damaged: the sheet part {name} is missing; save it again from Excel")
        roots = pkg.scan_xml_parts("the workbook")
        if roots.get(main.lower(), "").split(" ")[0] == STRICT_SML:
            raise fail("is saved as Strict Open XML, which cannot be read: open it in Excel and "
                       "save it as Excel Workbook (not Strict Open XML)")
        pkg.verify_inflated_sizes()
    if path.suffix.lower() not in OPENPYXL_SUFFIXES:
        raise fail(f"is an Excel workbook but its name ends in '{path.suffix or '(no extension)'}': "
                   "rename it to .xlsx")


def open_workbook(path: str | Path, *, read_only: bool = True, data_only: bool = True,
                  keep_links: bool = False):
    """Check ``path``, then open it with openpyxl (macros are never kept, external links dropped).

    Errors from openpyxl or the XML parser become one-line :class:`WorkbookError`; openpyxl's
    UserWarnings are silenced. In read-only mode each sheet's declared dimension is dropped
    (``reset_dimensions()``): a declared ``A1:XFD1048576`` would otherwise pad every row to 16,384
    cells. Rows then come back as long as their last stored cell (an empty row is ``()``) and
    ``max_row``/``max_column`` are ``None``. Sheets of a read-only workbook are parsed lazily, so
    wrap the reading in :func:`converting` too, and call ``wb.close()`` when done.
    """
    path = Path(path)
    check_workbook_file(path)
    _require_defusedxml(path)
    silence_openpyxl_warnings()
    import openpyxl

    with converting(path):
        wb = openpyxl.load_workbook(str(path), read_only=read_only, keep_vba=False,
                                    data_only=data_only, keep_links=keep_links)
        if read_only:
            for ws in wb.worksheets:
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()
    return wb


def silence_openpyxl_warnings() -> None:
    """Keep openpyxl's UserWarnings (unsupported extensions, DrawingML, ...) off the user's console."""
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")


def _require_defusedxml(path: Path) -> None:
    import openpyxl.xml
    import openpyxl.xml.functions as functions

    if not openpyxl.xml.DEFUSEDXML or not getattr(functions.iterparse, "__module__", "").startswith("defusedxml"):
        raise WorkbookError(
            "refusing to open workbooks: openpyxl is not using defusedxml "
            "(install defusedxml and leave OPENPYXL_DEFUSEDXML unset or True)",
            Location(file=path.name))
