"""The Chart value every chart function returns, and writing it as a deterministic PNG."""
from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
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


def _draw(figure: Figure) -> tuple[bytes, tuple[int, int]]:
    """Check every text for missing glyphs, draw, and return the RGBA pixels and the size."""
    fonts.check_figure(figure)
    canvas = figure.canvas
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    return bytes(canvas.buffer_rgba()), size


def _palette(image: Image.Image) -> Image.Image:
    """A 256-colour palette for a chart: the theme's colours exactly, and the shades the image has
    (anti-aliasing), found by octree quantisation of every third pixel in each direction."""
    solid = theme.solid_colours()
    sample = image.resize((max(image.width // 3, 1), max(image.height // 3, 1)), Image.Resampling.NEAREST)
    shades = sample.quantize(256 - len(solid), method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    flat = [v for rgb in solid for v in rgb] + shades.getpalette()[:3 * (256 - len(solid))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


def _encode(rgba: bytes, size: tuple[int, int]) -> bytes:
    """PNG bytes at :data:`theme.DPI`: 256 colours, only a pHYs chunk besides the image.

    No text chunks (matplotlib would write its version as "Software") and no time: the same figure gives
    the same bytes. A chart has a few hundred colours (its palette plus anti-aliasing shades), so a
    256-colour image looks the same (mean error about 1/255), is a third of the size of an RGB one, and
    with the palette found on a sample it takes a fifth of the time (a Gantt page: 110 KB, 30 ms).
    """
    image = Image.frombuffer("RGBA", size, rgba, "raw", "RGBA", 0, 1).convert("RGB")
    image = image.quantize(palette=_palette(image), dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(theme.DPI, theme.DPI), compress_level=6)
    return out.getvalue()


def render_png(figure: Figure) -> bytes:
    """The figure as deterministic PNG bytes (see :func:`_encode`); raises on a missing glyph."""
    return _encode(*_draw(figure))


def _release(chart: Chart) -> None:
    chart.figure.clear()
    chart.figure.canvas.renderer = None  # drop the pixel buffer too
    chart.figure._implan_saved = True  # type: ignore[attr-defined]


def _check_unsaved(chart: Chart) -> None:
    if getattr(chart.figure, "_implan_saved", False):
        raise ValueError(f"chart {chart.name!r} was already saved and its figure released")


def save_png(chart: Chart, folder: str | Path) -> Path:
    """Write ``<folder>/<name>.png`` (atomically) and release the figure; returns the path.

    A chart is saved once: its figure is cleared afterwards so that hundreds of Gantt pages do not stay
    in memory. Saving it again raises ``ValueError``.
    """
    _check_unsaved(chart)
    data = render_png(chart.figure)
    path = atomic_write_bytes(Path(folder) / f"{chart.name}.png", data)
    _release(chart)
    return path


def save_pngs(charts: Iterable[Chart], folder: str | Path) -> list[Path]:
    """:func:`save_png` for many charts, the same files, faster: while this thread draws a figure, a
    second one compresses the previous figure's pixels (Pillow releases the GIL while it works). At
    most two drawn figures wait, so memory stays bounded."""
    folder = Path(folder)
    paths: list[Path] = []
    pending: deque[Future] = deque()

    def write(name: str, rgba: bytes, size: tuple[int, int]) -> Path:
        return atomic_write_bytes(folder / f"{name}.png", _encode(rgba, size))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="implan-png") as pool:
        try:
            for chart in charts:
                _check_unsaved(chart)
                rgba, size = _draw(chart.figure)
                _release(chart)
                while len(pending) >= 2:
                    paths.append(pending.popleft().result())
                pending.append(pool.submit(write, chart.name, rgba, size))
            while pending:
                paths.append(pending.popleft().result())
        finally:
            for future in pending:
                future.cancel()
    return paths
