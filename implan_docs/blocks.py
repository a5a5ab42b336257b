"""Document blocks: the neutral format between sections and the Word document (like pandoc's AST).

A section (run in its notebook) returns a list of blocks and writes them, with its charts, as a JSON
fragment in the build folder. Only :mod:`implan_docs.docx.assemble` turns blocks into Word, so styles,
numbering and captions come from one place and a half-written section never touches the document.

Fragment file (``<out>/fragments/<section>.json``)::

    {"format": 1, "section": "schedule", "title": "Schedule", "blocks": [ {...}, ... ]}

Paths of figures are relative to the fragment's build folder (e.g. ``charts/gantt-1.png``).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Union

FORMAT = 1


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1-3; level 1 is the section's own title
    type: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    """Body text. ``runs`` overrides ``text`` when given (for bold labels); ``style`` is a template
    paragraph style name from :data:`implan_docs.docx.template.STYLES` (default: the body style)."""

    text: str = ""
    runs: tuple[Run, ...] = ()
    style: str = ""
    type: str = "paragraph"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False
    type: str = "bullets"


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str = ""  # hex colour without '#', e.g. "F4CCCC"
    bold: bool = False
    align: str = ""  # "", "center", "right"


@dataclass(frozen=True)
class Table:
    """A native Word table with a caption (numbered "Table N"), header row repeated on each page, rows
    kept whole. ``widths`` are relative weights per column (the assembler fits them to the page)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    widths: tuple[float, ...] = ()
    font_size: float = 0  # points; 0 = table style default
    key_value: bool = False  # two-column "field: value" table without a header row
    type: str = "table"


@dataclass(frozen=True)
class Figure:
    """An image with a caption (numbered "Figure N") and alt text. ``landscape`` figures are placed
    on landscape pages (the assembler groups consecutive ones)."""

    path: str
    caption: str
    alt: str
    width_cm: float = 16.0
    landscape: bool = False
    type: str = "figure"


@dataclass(frozen=True)
class PageBreak:
    type: str = "page_break"


Block = Union[Heading, Paragraph, Bullets, Table, Figure, PageBreak]

_TYPES = {cls.type: cls for cls in (Heading, Paragraph, Bullets, Table, Figure, PageBreak)}  # type: ignore[attr-defined]


def cell(value: Any, fill: str = "", bold: bool = False, align: str = "") -> Cell:
    return value if isinstance(value, Cell) else Cell("" if value is None else str(value), fill, bold, align)


def table(columns, rows, caption: str = "", widths=(), font_size: float = 0, key_value: bool = False) -> Table:
    """Build a :class:`Table` from plain values (str/number/Cell)."""
    return Table(
        columns=tuple(str(c) for c in columns),
        rows=tuple(tuple(cell(v) for v in row) for row in rows),
        caption=caption,
        widths=tuple(float(w) for w in widths),
        font_size=font_size,
        key_value=key_value,
    )


# -- JSON -------------------------------------------------------------------------------------------
def to_dict(block: Block) -> dict:
    return asdict(block)


def from_dict(data: dict) -> Block:
    kind = data.get("type")
    cls = _TYPES.get(kind)
    if cls is None:
        raise ValueError(f"unknown block type {kind!r}")
    if cls is Paragraph:
        return _typed(Paragraph(data.get("text", ""), tuple(_typed(Run(**r)) for r in data.get("runs", ())),
                                data.get("style", "")))
    if cls is Bullets:
        items = tuple(data["items"])
        if not all(isinstance(item, str) for item in items):
            raise ValueError("Bullets.items must be text")
        return Bullets(items, bool(data.get("numbered", False)))
    if cls is Table:
        rows = tuple(
            tuple(_typed(Cell(**c)) if isinstance(c, dict) else cell(c) for c in row) for row in data.get("rows", ())
        )
        if not all(isinstance(c, str) for c in data.get("columns", ())):
            raise ValueError("Table.columns must be text")
        return Table(
            columns=tuple(data.get("columns", ())),
            rows=rows,
            caption=data.get("caption", ""),
            widths=tuple(data.get("widths", ())),
            font_size=float(data.get("font_size", 0) or 0),
            key_value=bool(data.get("key_value", False)),
        )
    fields = {k: v for k, v in data.items() if k != "type"}
    return _typed(cls(**fields))


def _typed(block):
    """Refuse a block whose text fields are not text (a fragment is JSON a notebook wrote: bad input)."""
    import dataclasses

    for f in dataclasses.fields(block):
        value = getattr(block, f.name)
        if f.type in ("str", str) and not isinstance(value, str):
            raise ValueError(f"{type(block).__name__}.{f.name} must be text, not {type(value).__name__}")
        if f.type in ("float", float, "int", int) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{type(block).__name__}.{f.name} must be a number, not {type(value).__name__}")
    return block


@dataclass(frozen=True)
class Fragment:
    section: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def to_json(self) -> str:
        doc = {
            "format": FORMAT,
            "section": self.section,
            "title": self.title,
            "blocks": [to_dict(b) for b in self.blocks],
        }
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Fragment":
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"fragment format {data.get('format')!r} is not {FORMAT}")
        return cls(data["section"], data.get("title", ""), tuple(from_dict(b) for b in data.get("blocks", ())))

    def write(self, folder: str | Path) -> Path:
        from .fileio import atomic_write_text

        path = Path(folder) / "fragments" / f"{self.section}.json"
        atomic_write_text(path, self.to_json())
        return path

    @classmethod
    def read(cls, path: str | Path, section: str = "", notebook: str | Path = "") -> "Fragment":
        """The fragment a section's notebook wrote; a malformed one is an :class:`ImplanError` naming the
        section and the notebook (it comes from the user's code, so it is bad input, not a crash)."""
        from .errors import ImplanError, Location

        path = Path(path)
        try:
            fragment = cls.from_json(path.read_text(encoding="utf-8"))
            if not isinstance(fragment.section, str) or not isinstance(fragment.title, str):
                raise ValueError("section and title must be text")
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            who = f"section '{section or path.stem}'" + (f": notebook {Path(notebook).name}" if notebook else "")
            raise ImplanError(f"{who} wrote a malformed fragment ({type(exc).__name__}: {reason})",
                              Location(file=str(notebook or path))) from exc
        return fragment
