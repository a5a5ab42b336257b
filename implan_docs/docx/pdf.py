"""The plan .docx -> PDF with LibreOffice, with the table of contents and lists filled in.

``soffice --convert-to pdf`` leaves a TOC as it is, so :func:`to_pdf` drives LibreOffice through UNO
(:mod:`implan_docs.docx.uno_convert`, run by the system Python that has Debian's python3-uno): it updates
the indexes, exports, and reports the page of every heading and caption bookmark. Pass
``PdfResult.pages`` back to :func:`implan_docs.docx.assemble.assemble` (``toc_pages=``) to write the page
numbers into the .docx TOC as well. Without UNO it falls back to ``--convert-to`` and says so.

LibreOffice runs with a fresh user profile in a temporary folder whose ``registrymodifications.xcu``
(:data:`PROFILE_SETTINGS`) keeps it off the network and away from local files a document names:
links from untrusted documents blocked (every document is untrusted: no trusted locations), links
never updated, macros and active content off, a proxy that goes nowhere, no update check, no crash
report. The template loader strips such references already (:mod:`implan_docs.docx.template`); this is
the second wall, for any .docx handed to :func:`to_pdf`.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DocumentError, Location, OutputError
from ..fileio import atomic_copy

SYSTEM_PYTHON = "/usr/bin/python3"

#: LibreOffice settings (configuration path, property, type, value) written into the private profile.
#: Paths and values are LibreOffice's own (officecfg/registry/schema); a property an older LibreOffice
#: does not know (DisableActiveContent: 24.2) is ignored by it.
PROFILE_SETTINGS: tuple[tuple[str, str, str, str], ...] = (
    # "Block any links from documents not among the trusted locations": linked images, OLE links, sections
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "xs:boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "SecureURL", "oor:string-list", ""),  # trust no folder
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "xs:int", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "xs:boolean", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableActiveContent", "xs:boolean", "true"),
    # "Update links when loading": 0 never, 1 on request, 2 always (sw/inc/linkenum.hxx)
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "xs:int", "0"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "xs:int", "0"),
    # a manual proxy on the discard port of this machine: whatever still asks for a URL gets nothing
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "xs:int", "2"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "xs:string", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "xs:int", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "xs:string", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "xs:int", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", "xs:string", ""),
    ("/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
     "AutoCheckEnabled", "xs:boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "CrashReport", "xs:boolean", "false"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "xs:boolean", "false"),
)


def write_profile(profile: str | Path) -> Path:
    """A fresh LibreOffice user profile holding only :data:`PROFILE_SETTINGS`; returns the
    ``registrymodifications.xcu`` written (``profile`` is what ``-env:UserInstallation`` names)."""
    from xml.sax.saxutils import escape, quoteattr

    items = []
    for path, name, kind, value in PROFILE_SETTINGS:
        items.append(f"<item oor:path={quoteattr(path)}><prop oor:name={quoteattr(name)} oor:op=\"fuse\" "
                     f"oor:type={quoteattr(kind)}><value>{escape(value)}</value></prop></item>")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' + "\n".join(items) + "\n</oor:items>\n")
    target = Path(profile) / "user" / "registrymodifications.xcu"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(xml, encoding="utf-8")
    return target
UNO_SCRIPT = Path(__file__).with_name("uno_convert.py")
NO_UNO = 3


@dataclass(frozen=True)
class PdfResult:
    pdf: Path
    method: str  # "uno" or "convert-to"
    pages: dict = field(default_factory=dict)  # bookmark name -> page number (empty without UNO)
    indexes: tuple = ()  # ((index name, (line, ...)), ...) as LibreOffice filled them
    page_count: int = 0
    note: str = ""  # why the TOC may lack page numbers

    @property
    def toc_pages(self) -> dict:
        """``pages`` under the name :func:`implan_docs.docx.assemble.assemble` takes them (``toc_pages=``)."""
        return self.pages


def find_soffice() -> str | None:
    for candidate in (os.environ.get("IMPLAN_SOFFICE"), shutil.which("soffice"), shutil.which("libreoffice"),
                      "/usr/lib/libreoffice/program/soffice"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def to_pdf(docx_path: str | Path, pdf_path: str | Path, timeout: float | None = None) -> PdfResult:
    """Convert ``docx_path`` to ``pdf_path`` (written atomically) and return what LibreOffice reported.

    ``timeout`` (seconds) defaults to :func:`default_timeout`: LibreOffice imports table cells at
    some 300-1,000 a second, so a 5,000-task plan needs minutes where the example needs seconds.

    Raises :class:`OutputError` when LibreOffice is missing or too slow, :class:`DocumentError` when it
    cannot load or export the document.
    """
    docx_path, pdf_path = Path(docx_path), Path(pdf_path)
    if timeout is None:
        timeout = default_timeout(docx_path)
    soffice = find_soffice()
    if soffice is None:
        raise OutputError("LibreOffice (soffice) is not installed; run scripts/setup to get PDF output",
                          Location(file=str(pdf_path)))
    if not docx_path.is_file():
        raise DocumentError("file not found", Location(file=str(docx_path)))
    with tempfile.TemporaryDirectory(prefix="implan-pdf-") as tmp:
        tmp_dir = Path(tmp)
        out = tmp_dir / "out.pdf"
        env = _clean_env(soffice)
        write_profile(tmp_dir / "profile")
        if Path(SYSTEM_PYTHON).exists():
            code, stdout, stderr = _run([SYSTEM_PYTHON, str(UNO_SCRIPT), str(docx_path.resolve()), str(out),
                                         str(tmp_dir / "profile")], env, timeout, pdf_path)
        else:
            code, stdout, stderr = NO_UNO, "", "no system Python"
        if code == 0 and out.is_file():
            data = json.loads(stdout.strip().splitlines()[-1])
            atomic_copy(out, pdf_path)
            return PdfResult(pdf_path, "uno", {str(k): int(v) for k, v in data.get("pages", {}).items()},
                             tuple((i["name"], tuple(i["lines"])) for i in data.get("indexes", ())),
                             int(data.get("page_count") or 0))
        if code != NO_UNO:
            reason = (stderr.strip().splitlines() or [f"exit code {code}"])[-1]
            raise DocumentError(f"LibreOffice could not convert it to PDF: {reason}", Location(file=str(docx_path)))
        # no python3-uno: plain conversion, indexes stay as the .docx has them
        code, _, stderr = _run([soffice, "--headless", "--norestore", "--nolockcheck",
                                "-env:UserInstallation=" + (tmp_dir / "profile").as_uri(),
                                "--convert-to", "pdf", "--outdir", str(tmp_dir), str(docx_path.resolve())],
                               env, timeout, pdf_path)
        converted = tmp_dir / (docx_path.stem + ".pdf")
        if code != 0 or not converted.is_file():
            reason = (stderr.strip().splitlines() or [f"exit code {code}"])[-1]
            raise DocumentError(f"LibreOffice could not convert it to PDF: {reason}", Location(file=str(docx_path)))
        atomic_copy(converted, pdf_path)
        return PdfResult(pdf_path, "convert-to",
                         note="python3-uno is not available to /usr/bin/python3: the PDF's table of contents "
                              "shows the entries the .docx carries, without page numbers")


BASE_TIMEOUT = 120.0
SECONDS_PER_CELL = 0.005


def default_timeout(docx_path: str | Path) -> float:
    """120 s, plus 5 ms per table cell in the document (LibreOffice's import dominates)."""
    try:
        with zipfile.ZipFile(docx_path) as zf:
            cells = 0
            with zf.open("word/document.xml") as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    block = tail + chunk
                    cells += block.count(b"<w:tc>")
                    tail = block[-5:]
    except (OSError, KeyError, zipfile.BadZipFile):
        return BASE_TIMEOUT
    return BASE_TIMEOUT + SECONDS_PER_CELL * cells


_PROXY_VARIABLES = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy")


def _clean_env(soffice: str) -> dict:
    """The environment for soffice: no Python of ours, no proxy variables (the profile sets its own)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
           and k.lower() not in _PROXY_VARIABLES}
    env["IMPLAN_SOFFICE"] = soffice
    env.setdefault("HOME", tempfile.gettempdir())
    return env


def _run(cmd: list[str], env: dict, timeout: float, pdf_path: Path) -> tuple[int, str, str]:
    """Run in its own process group so a timeout kills soffice too, not just the wrapper."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise OutputError(f"LibreOffice did not finish the PDF within {timeout:g} s", Location(file=str(pdf_path)))
    return proc.returncode, out, err
