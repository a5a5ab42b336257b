"""Byte-identical Office files: rewrite a saved .docx/.xlsx zip with fixed entry times and order.

python-docx and openpyxl stamp every zip entry with the current time; the same inputs must give the
same bytes, so every writer passes its output through :func:`normalize_zip` before the atomic rename.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def normalize_zip(path: str | Path, core_time: str = "2026-01-01T00:00:00Z") -> None:
    """Rewrite the zip at ``path`` in place with :func:`normalized` bytes."""
    path = Path(path)
    path.write_bytes(normalized(path.read_bytes(), core_time))


def normalized(data: bytes, core_time: str = "2026-01-01T00:00:00Z") -> bytes:
    """The zip ``data`` rewritten: ``[Content_Types].xml`` first, then the rest in their original order,
    each with a fixed timestamp, fixed permissions and deflate compression; the created/modified dates of
    ``docProps/core.xml`` (which openpyxl sets to now on save) become ``core_time``."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        infos = src.infolist()
        names = [i.filename for i in infos]
        order = sorted(range(len(names)), key=lambda k: (names[k] != "[Content_Types].xml", k))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for k in order:
                info = zipfile.ZipInfo(names[k], date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                member = src.read(infos[k])
                if names[k] == "docProps/core.xml":
                    member = _CORE_DATES.sub(lambda m: m[1] + core_time.encode() + m[3], member)
                dst.writestr(info, member, compresslevel=6)
    return buf.getvalue()


def workbook_bytes(wb, when: datetime) -> bytes:
    """An openpyxl workbook as .xlsx bytes that depend only on its content and ``when``."""
    wb.properties.created = wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return normalized(buf.getvalue(), when.strftime("%Y-%m-%dT%H:%M:%SZ"))
