"""The guard in front of python-docx: a Word file is inspected (:mod:`implan_docs.xlsx.package`, the
Office package layer both formats share) before it is opened; macro-enabled files, templates (.dotx),
Strict Open XML and XML parts with a DOCTYPE are refused with one line naming the file.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import DocumentError, ImplanError
from ..xlsx.package import (DOCX_TYPE, KIND_NAMES, OLE_MAGIC, Package, STRICT_WML, ZIP_MAGICS, converting, failer, ole_message, read_head, sniff)

__all__ = ["check_docx_file", "open_docx"]


def check_docx_file(path: str | Path, *, what: str = "document",
                    error: type[ImplanError] = DocumentError) -> None:
    """Refuse anything python-docx should not be handed: one line of ``error`` naming the file.

    ``what`` names the file's role in messages ("template", "reviewed copy"); ``error`` is the class
    raised (:class:`TemplateError` for templates, :class:`DocumentError` for documents). Macro-enabled
    files, templates (.dotx), Strict Open XML and XML parts with a DOCTYPE are refused too.
    """
    path = Path(path)
    fail = failer(path, error)
    versus = f"; expected the {what} as a Word document (.docx)"
    head = read_head(path, fail, versus)
    if head.startswith(OLE_MAGIC):
        raise fail(ole_message(path, "document", what))
    if not head.startswith(ZIP_MAGICS):
        kind, name = sniff(head)
        hint = (f": open it in Word and save the {what} as Word Document (.docx)"
                if kind in ("rtf", "html") else "")
        raise fail(f"is {name}{versus}{hint}")
    with Package.open(path, fail) as pkg:
        kind, main = pkg.kind()
        if kind == "docx-damaged":
            raise fail("is damaged: its [Content_Types].xml is missing or does not declare a Word document; "
                       "save it again from Word")
        if kind != "docx":
            raise fail(f"is {KIND_NAMES.get(kind or '', 'a zip archive but not an Office file')}{versus}")
        if pkg.has_macros():
            raise fail(f"contains macros (a macro-enabled Word file): save the {what} as "
                       "Word Document (.docx), which drops the macros")
        if main is None or not pkg.has(main):
            raise fail("is damaged: it declares a Word document but the document part is missing")
        if pkg.content_type(main) != DOCX_TYPE:
            raise fail(f"is a Word template (.dotx), not a document: open it in Word and save the {what} "
                       "as Word Document (.docx)")
        roots = pkg.scan_xml_parts(f"the {what}")
        if roots.get(main.lower(), "").split(" ")[0] == STRICT_WML:
            raise fail(f"is saved as Strict Open XML, which cannot be read: save the {what} as "
                       "Word Document (not Strict Open XML)")
        pkg.verify_inflated_sizes()


def open_docx(path: str | Path, *, what: str = "document", error: type[ImplanError] = DocumentError):
    """Check ``path`` (see :func:`check_docx_file`), then return a python-docx ``Document``.

    python-docx parses with lxml and ``resolve_entities=False`` (docx/oxml/parser.py,
    docx/opc/oxml.py) and lxml loads no external DTD by default, so it would not resolve external
    entities anyway; a DOCTYPE is still refused up front so the reason is explicit.
    """
    path = Path(path)
    check_docx_file(path, what=what, error=error)
    import docx

    with converting(path, error=error):
        return docx.Document(str(path))
