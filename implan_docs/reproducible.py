"""Byte-identical Office files: rewrite a saved .docx/.xlsx zip with fixed entry times and order.

python-docx and openpyxl stamp every zip entry with the current time; the same inputs must give the
same bytes, so every writer passes its output through :func:`normalize_zip` before the atomic rename.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(path: str | Path) -> None:
    """Rewrite the zip at ``path`` in place: ``[Content_Types].xml`` first, then the rest in their
    original order, each with a fixed timestamp, fixed permissions and deflate compression."""
    path = Path(path)
    with zipfile.ZipFile(path) as src:
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
                dst.writestr(info, src.read(infos[k]), compresslevel=6)
    path.write_bytes(buf.getvalue())
