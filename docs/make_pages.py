"""Render the bundled examples to PDF and page thumbnails for the README.

    .venv/bin/python docs/make_pages.py

Builds each example with ``implan build --pdf`` into a temporary folder, renders the PDF's pages with
pdftoppm and writes a contact sheet: ``docs/pages/contact-sheet.png`` (English) and
``docs/zh-TW/contact-sheet.png`` (Traditional Chinese), plus a few key pages at a readable size.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "pages": ROOT / "examples" / "rollout-plan.xlsx",
    "zh-TW": ROOT / "examples" / "zh-TW" / "smart-service-plan.xlsx",
}
COLUMNS = 6
THUMB_DPI = 30


def contact_sheet(pngs: list[Path], out: Path) -> None:
    images = [Image.open(p).convert("RGB") for p in pngs]
    w = max(i.width for i in images)
    h = max(i.height for i in images)
    gap = 8
    rows = (len(images) + COLUMNS - 1) // COLUMNS
    sheet = Image.new("RGB", (COLUMNS * (w + gap) + gap, rows * (h + gap) + gap), (205, 208, 214))
    for k, im in enumerate(images):
        x = gap + (k % COLUMNS) * (w + gap) + (w - im.width) // 2
        y = gap + (k // COLUMNS) * (h + gap) + (h - im.height) // 2
        sheet.paste(im, (x, y))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, optimize=True)


def main() -> int:
    implan = Path(sys.executable).parent / "implan"
    for folder, workbook in EXAMPLES.items():
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            subprocess.run([str(implan), "build", str(workbook), "-o", str(out), "--pdf"], check=True)
            pdf = next(out.glob("*.pdf"))
            subprocess.run(["pdftoppm", "-r", str(THUMB_DPI), "-png", str(pdf), str(Path(tmp) / "p")], check=True)
            pages = sorted(Path(tmp).glob("p-*.png"))
            contact_sheet(pages, ROOT / "docs" / folder / "contact-sheet.png")
            print(f"docs/{folder}/contact-sheet.png: {len(pages)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
