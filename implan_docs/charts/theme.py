"""One look for every chart: palette, sizes, fonts and the figure factory.

Figures are made at the size the document places them (16 cm portrait, 24 cm landscape), so a point on
the chart is a point on paper: 7 pt is the smallest text. Colours are the Okabe-Ito palette, which stays
distinguishable with the common colour-vision deficiencies; meaning never rests on colour alone (hatching,
outlines, markers and words carry it too).

Nothing here touches matplotlib's global state (``rcParams``, pyplot): every artist gets its font and
size explicitly, so charts can be made from several threads and leave nothing behind.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from ..i18n import Messages

CM = 1 / 2.54  # inches per centimetre
DPI = 200  # print resolution of the PNG files
PORTRAIT_CM = 16.0  # text width of an A4/Letter portrait page with 2.5 cm margins
LANDSCAPE_CM = 24.0  # text width of a landscape page

# Font sizes in points, at the printed size.
SIZE = 8.0  # axis titles, legends
SMALL = 7.0  # tick labels, row labels, annotations (the smallest text on a chart)

# Okabe-Ito (Okabe & Ito 2008, "Color Universal Design").
BLACK = "#000000"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
# Neutrals for text, grids and backgrounds.
INK = "#222222"
GREY = "#777777"
LIGHT = "#BBBBBB"
GRID = "#E3E3E3"
SHADE = "#F0F0F0"

# What each colour means, the same on every chart.
STATUS = {  # task / deliverable status
    "Not started": "#8C8C8C",
    "In progress": BLUE,
    "Done": GREEN,
    "Blocked": PURPLE,
    "At risk": ORANGE,
}
CRITICAL = VERMILLION  # critical path outline
LATE = VERMILLION  # late markers
SUMMARY = "#3A3A3A"  # deliverable summary bars
BUFFER = GREY  # buffer extension (hatched)
STATUS_LINE = BLACK
RATING = {"Low": "#CDEBDF", "Medium": "#FBE7B0", "High": "#F4C2A1"}  # risk bands (tints of green/orange/vermillion)
RATING_EDGE = {"Low": GREEN, "Medium": ORANGE, "High": VERMILLION}
SERIES = (BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, YELLOW, BLACK)  # categorical data
ROW_BAND = "#EEF2F7"  # background of deliverable rows in Gantt charts
NONWORKING = "#E6E6E6"  # non-working days
ARROW = "#8A8A8A"  # dependency arrows
IDLE = "#F7F7F7"  # empty workload cells
PART = 0.65  # how much lighter the not-done part of a bar is (see tint)


def tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: 0 is the colour, 1 is white."""
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


@functools.cache
def solid_colours() -> tuple[tuple[int, int, int], ...]:
    """Every fill and line colour the charts use, as 8-bit RGB: kept exactly in the PNG palette."""
    named = [v for k, v in globals().items() if k.isupper() and isinstance(v, str) and v.startswith("#")]
    named += list(STATUS.values()) + list(RATING.values()) + list(RATING_EDGE.values()) + list(SERIES)
    light = [tint(c, amount) for c in [*STATUS.values(), BLUE] for amount in (PART, 0.5, 0.7, 0.78, 0.85)]
    out = []
    for colour in ["#FFFFFF", *named, *light]:
        rgb = tuple(round(v * 255) for v in to_rgb(colour))
        if rgb not in out:
            out.append(rgb)
    return tuple(out)


@dataclass(frozen=True)
class Style:
    """What one plan's charts share: the language's words and the font families to draw with."""

    t: Messages
    families: tuple[str, ...]
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def language(self) -> str:
        return self.t.language

    def font(self, size: float = SMALL, bold: bool = False) -> FontProperties:
        prop = self.memo(("font", size, bold), lambda: FontProperties(
            family=list(self.families), size=size, weight="bold" if bold else "normal"))
        return prop.copy()

    def memo(self, key, make):
        """A value computed once per style (i.e. per plan and language), e.g. a legend's height."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def word(self, key: str, **values) -> str:
        """A chart word from ``charts.yaml``: ``style.word("gantt.legend.critical")``."""
        return self.t(f"charts.{key}", **values)


def new_figure(width_cm: float, height_cm: float) -> Figure:
    """A white figure of the printed size, with an Agg canvas (no pyplot)."""
    fig = Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def axes_cm(fig: Figure, left: float, right: float, top: float, bottom: float) -> Axes:
    """Axes placed by their margins in centimetres (fixed layout: fast and the same every time)."""
    w, h = fig.get_size_inches() / CM
    ax = fig.add_axes((left / w, bottom / h, 1 - (left + right) / w, 1 - (top + bottom) / h))
    return ax


def style_axes(ax: Axes, style: Style, grid: str = "") -> None:
    """Quiet axes: no top/right frame, light grid on ``grid`` ("x", "y", "both" or ""), small ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GREY)
        ax.spines[side].set_linewidth(0.6)
    ax.tick_params(labelsize=SMALL, labelfontfamily=list(style.families), colors=INK, width=0.6, length=3,
                   labelcolor=INK)
    ax.tick_params(color=GREY)
    if grid:
        ax.grid(True, axis=grid, color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
