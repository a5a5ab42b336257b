"""Legends laid out by hand: keys left to right, wrapping to a new line, in centimetres on the figure.

matplotlib's ``Figure.legend`` measures every entry through its offsetbox layout, about 30 ms a legend;
a 5,000-task plan has a hundred Gantt pages, each with a legend. Here a key is a small artist and its
label goes into one :class:`~implan_docs.charts.labels.TextLayer`, so a legend costs a few
milliseconds and looks the same on every chart.
"""
from __future__ import annotations

from dataclasses import dataclass

from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D

from . import theme
from .labels import TextLayer
from .theme import Style

KEY_W = 0.55  # cm
KEY_H = 0.22
GAP = 0.14  # key to label
SPACE = 0.45  # between entries
LINE = 0.42  # line height


@dataclass(frozen=True)
class Key:
    """What a legend entry's key looks like: ``kind`` is "patch", "line", "marker" or "progress"."""

    kind: str
    face: object = "none"
    edge: object = "none"
    width: float = 0.5  # outline or line width, points
    hatch: str = ""
    dash: object = "-"
    marker: str = ""
    size: float = 5.0  # marker size, points


def patch(face, edge="none", width=0.5, hatch="") -> Key:
    return Key("patch", face, edge, width, hatch)


def line(colour, width=1.0, dash="-", marker="", size=3.0) -> Key:
    return Key("line", edge=colour, width=width, dash=dash, marker=marker, size=size)


def marker(symbol, face, edge=None, width=1.0, size=5.0) -> Key:
    return Key("marker", face, edge if edge is not None else face, width, marker=symbol, size=size)


def progress(colour) -> Key:
    return Key("progress", face=colour)


def height_cm(entries: list[tuple[Key | None, str]], style: Style, width_cm: float, title: str = "") -> float:
    """Height the legend takes when wrapped to ``width_cm``."""
    return len(_lines(entries, style, width_cm)) * LINE + (LINE if title else 0.0)


def _lines(entries, style: Style, width_cm: float) -> list[list[tuple[Key, str, float]]]:
    layer = TextLayer(style.families)
    lines: list[list[tuple[Key, str, float]]] = [[]]
    used = 0.0
    for key, label in entries:
        w = KEY_W + GAP + layer.width(label, theme.SMALL) / 72 * 2.54
        if lines[-1] and used + SPACE + w > width_cm:
            lines.append([])
            used = 0.0
        used += (SPACE if lines[-1] else 0.0) + w
        lines[-1].append((key, label, w))
    return lines


def draw(fig, entries: list[tuple[Key, str]], style: Style, left_cm: float, top_cm: float, width_cm: float,
         title: str = "") -> float:
    """Draw the legend with its first line's top ``top_cm`` above the figure's bottom; returns its height."""
    if not entries:
        return 0.0
    to_fig = Affine2D().scale(1 / 2.54) + fig.dpi_scale_trans  # centimetres -> pixels
    layer = TextLayer(style.families)
    y = top_cm
    if title:
        layer.add(title, left_cm, y - LINE / 2, theme.SMALL, colour=theme.INK)
        y -= LINE
    for row in _lines(entries, style, width_cm):
        x = left_cm
        mid = y - LINE / 2
        for key, label, w in row:
            _key(fig, key, x, mid, to_fig)
            layer.add(label, x + KEY_W + GAP, mid, theme.SMALL, colour=theme.INK)
            x += w + SPACE
        y -= LINE
    layer.draw_on(fig, to_fig)
    return top_cm - y


def _key(fig, key: Key, x: float, mid: float, to_fig) -> None:
    if key.kind in ("patch", "progress"):
        face = key.face if key.kind == "patch" else theme.tint(key.face, theme.PART)
        edge = key.edge if key.kind == "patch" else key.face
        fig.add_artist(Rectangle((x, mid - KEY_H / 2), KEY_W, KEY_H, facecolor=face, edgecolor=edge,
                                 linewidth=key.width, hatch=key.hatch or None, transform=to_fig))
        if key.kind == "progress":
            fig.add_artist(Rectangle((x, mid - KEY_H / 2), KEY_W * 0.55, KEY_H, facecolor=key.face,
                                     edgecolor="none", transform=to_fig))
    elif key.kind == "line":
        fig.add_artist(Line2D([x, x + KEY_W], [mid, mid], color=key.edge, linewidth=key.width,
                              linestyle=key.dash, transform=to_fig))
        if key.marker:
            fig.add_artist(Line2D([x + KEY_W * 0.8], [mid], marker=key.marker, markersize=key.size, color=key.edge,
                                  linestyle="none", transform=to_fig))
    else:
        fig.add_artist(Line2D([x + KEY_W / 2], [mid], marker=key.marker, markersize=key.size,
                              markerfacecolor=key.face, markeredgecolor=key.edge, markeredgewidth=key.width,
                              linestyle="none", transform=to_fig))
