"""Convert a .docx to PDF with LibreOffice through UNO, after updating the document's indexes.

Run by the *system* Python (Debian's python3-uno lives there, not in the venv)::

    /usr/bin/python3 uno_convert.py IN.docx OUT.pdf PROFILE_DIR

Starts its own headless soffice with a private user profile (``-env:UserInstallation``) and a unique
pipe, so parallel conversions do not collide (the caller writes the profile's settings, see
``implan_docs.docx.pdf.PROFILE_SETTINGS``); loads the document hidden, with links not updated and macros
never run (``UpdateDocMode`` NO_UPDATE, ``MacroExecutionMode`` NEVER_EXECUTE), updates fields and every
document index (table of contents, lists of figures and tables: ``soffice --convert-to`` leaves them
as they are), exports ``writer_pdf_Export`` and prints one JSON object on stdout:
``{"pages": {bookmark: page}, "indexes": [{"name", "lines"}], "page_count": n}``.
Exit codes: 0 done, 3 no UNO in this Python, 4 soffice did not start, 5 the document did not load,
6 export failed. Imports nothing from implan_docs: the system Python does not have it.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path


def fail(code, message):
    print(message, file=sys.stderr)
    sys.exit(code)


def props(**values):
    from com.sun.star.beans import PropertyValue

    out = []
    for key, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = key, value
        out.append(p)
    return tuple(out)


def connect(uno, pipe, proc, timeout):
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if proc.poll() is not None:
                fail(4, f"LibreOffice exited at start-up (code {proc.returncode})")
            if time.monotonic() > deadline:
                fail(4, "LibreOffice did not start")
            time.sleep(0.1)


def bookmark_pages(doc):
    """Page of every ``_Toc`` bookmark (headings and captions) as laid out by LibreOffice."""
    pages = {}
    cursor = doc.getCurrentController().getViewCursor()
    marks = doc.getBookmarks()
    for name in marks.getElementNames():
        if name.startswith("_Toc"):
            cursor.gotoRange(marks.getByName(name).getAnchor(), False)
            pages[name] = cursor.getPage()
    return pages


def main(argv):
    if len(argv) != 4:
        fail(2, "usage: uno_convert.py IN.docx OUT.pdf PROFILE_DIR")
    src, dst, profile = (Path(a).resolve() for a in argv[1:])
    try:
        import uno
    except ImportError:
        fail(3, "python3-uno is not available")
    soffice = os.environ.get("IMPLAN_SOFFICE") or shutil.which("soffice") or "/usr/lib/libreoffice/program/soffice"
    pipe = "implan_" + uuid.uuid4().hex
    proc = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
         "-env:UserInstallation=" + profile.as_uri(),
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        ctx = connect(uno, pipe, proc, timeout=90)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        # com.sun.star.document.UpdateDocMode.NO_UPDATE = 0, MacroExecMode.NEVER_EXECUTE = 0
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(src)), "_blank", 0,
                                           props(Hidden=True, UpdateDocMode=0, MacroExecutionMode=0))
        if doc is None:
            fail(5, "LibreOffice could not open the document")
        doc.getTextFields().refresh()
        indexes = doc.getDocumentIndexes()
        # Twice: filling the lists of figures and tables can push the pages after them, which the table of
        # contents updated first would not yet know (every entry one page short).
        for _ in range(2):
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            doc.getTextFields().refresh()  # page references inside the updated indexes
        pages = bookmark_pages(doc)
        listed = []
        for i in range(indexes.getCount()):
            index = indexes.getByIndex(i)
            lines = [line for line in index.getAnchor().getString().splitlines() if line.strip()]
            listed.append({"name": index.getName(), "lines": lines})
        page_count = doc.getCurrentController().getPropertyValue("PageCount")
        try:
            doc.storeToURL(uno.systemPathToFileUrl(str(dst)), props(FilterName="writer_pdf_Export"))
        except Exception as exc:  # com.sun.star.task.ErrorCodeIOException and friends
            fail(6, f"PDF export failed: {exc}")
        doc.close(True)
        print(json.dumps({"pages": pages, "indexes": listed, "page_count": page_count}, ensure_ascii=False))
    finally:
        if desktop is not None:
            try:
                desktop.terminate()
            except Exception:  # the bridge drops as soffice exits
                pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main(sys.argv)
