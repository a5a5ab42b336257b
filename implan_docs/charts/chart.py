"""The Chart value every chart function returns, and writing it as a deterministic PNG."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure
from PIL import Image

from ..fileio import atomic_write_bytes
from . import fonts, theme

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. "gantt", "gantt-2", "risk-matrix"
    figure: Figure
    caption: str  # in the plan's language, without the "Figure N:" prefix
    alt: str  # sentences saying in words what the chart shows (screen readers)
    width_cm: float  # width the document should place it at (the figure is made at this size)
    landscape: bool  # whether it belongs on a landscape page

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ValueError(f"chart name {self.name!r} is not a file stem of lowercase letters, digits and '-'")

    @property
    def height_cm(self) -> float:
        return float(self.figure.get_size_inches()[1] * 2.54)


def render_png(figure: Figure) -> bytes:
    """The figure as PNG bytes at :data:`theme.DPI`: RGB, only a pHYs chunk besides the image.

    No text chunks (matplotlib would write its version as "Software"), no time: the same figure gives
    the same bytes. Every text is checked for missing glyphs first.
    """
    fonts.check_figure(figure)
    canvas = figure.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    # compress_level 6 (zlib's default) vs 9: same size within 2 % for charts, twice as fast.
    image.save(out, format="PNG", dpi=(theme.DPI, theme.DPI), compress_level=6)
    return out.getvalue()


def save_png(chart: Chart, folder: str | Path) -> Path:
    """Write ``<folder>/<name>.png`` (atomically) and release the figure; returns the path.

    A chart is saved once: its figure is cleared afterwards so that hundreds of Gantt pages do not stay
    in memory. Saving it again raises ``ValueError``.
    """
    figure = chart.figure
    if getattr(figure, "_implan_saved", False):
        raise ValueError(f"chart {chart.name!r} was already saved and its figure released")
    data = render_png(figure)
    path = atomic_write_bytes(Path(folder) / f"{chart.name}.png", data)
    figure.clear()
    figure._implan_saved = True  # type: ignore[attr-defined]
    return path
