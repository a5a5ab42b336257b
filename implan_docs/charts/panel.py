"""A plotting area without matplotlib's Axes: a data-to-pixels transform, a clip box, and helpers.

Why: creating an ``Axes`` builds its axis machinery (four Tick objects, spines, formatters), about
16 ms, and drawing it costs more; the Gantt charts of a 5,000-task plan are a hundred and forty
figures whose scales, grids and labels are drawn by :mod:`.timeaxis` and :mod:`.labels` anyway. The
transforms are matplotlib's own (``BboxTransformFrom(view) + BboxTransformTo(area)``, as ``Axes``
builds them), so everything added here is an ordinary artist on the figure.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import Collection, PathCollection
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.transforms import (
    Bbox,
    BboxTransformFrom,
    BboxTransformTo,
    TransformedBbox,
)

from .theme import CM


class Panel:
    """The rectangle of a figure inside margins given in centimetres, with data limits."""

    def __init__(self, fig, left: float, right: float, top: float, bottom: float):
        w, h = fig.get_size_inches() / CM
        self.figure = fig
        self.position = Bbox.from_extents(left / w, bottom / h, 1 - right / w, 1 - top / h)
        self.bbox = TransformedBbox(self.position, fig.transFigure)
        self.transAxes = BboxTransformTo(self.bbox)
        self.viewLim = Bbox.unit()
        self.transData = BboxTransformFrom(self.viewLim) + self.transAxes
        self.height_pt = (h - top - bottom) * 72 / 2.54
        self.width_cm = w - left - right

    def set_xlim(self, left: float, right: float) -> None:
        self.viewLim.intervalx = (left, right)

    def set_ylim(self, bottom: float, top: float) -> None:
        """As ``Axes.set_ylim``: ``set_ylim(n - 0.5, -0.5)`` puts row 0 at the top."""
        self.viewLim.intervaly = (bottom, top)

    def add(self, artist, clip: bool = True):
        """Add an artist in data coordinates unless it has its own transform; clipped to the panel
        unless ``clip`` is False or the artist was made with ``clip_on=False``."""
        if not artist.is_transform_set():
            artist.set_transform(self.transData)
        if clip and artist.get_clip_on():
            artist.set_clip_box(self.bbox)
        self.figure.add_artist(artist)
        return artist

    def add_collection(self, collection: Collection, autolim: bool = False) -> Collection:
        """``Axes.add_collection``'s signature, so chart code reads the same on a panel."""
        return self.add(collection)

    def markers(self, xs, ys, marker: str, size: float, faces, edges, linewidth: float = 1.0,
                zorder: float = 3) -> PathCollection:
        """Markers of ``size`` (points squared, as ``scatter``) at data positions: one collection."""
        style = MarkerStyle(marker)
        path = style.get_path().transformed(style.get_transform())
        if not style.is_filled():  # line markers such as "|" are drawn by their edge
            edges, faces = (faces if edges is None else edges), "none"
        coll = PathCollection((path,), sizes=[size], offsets=np.column_stack([xs, ys]),
                              offset_transform=self.transData, facecolors=faces, edgecolors=edges,
                              linewidths=linewidth, zorder=zorder)
        coll.set_transform(_identity())
        coll.set_clip_box(self.bbox)
        self.figure.add_artist(coll)
        return coll

    def vline(self, x: float, **kwargs) -> Line2D:
        """A vertical line across the panel at data x (``Axes.axvline``)."""
        from matplotlib.transforms import blended_transform_factory

        line = Line2D([x, x], [0, 1], transform=blended_transform_factory(self.transData, self.transAxes),
                      **kwargs)
        line.set_clip_box(self.bbox)
        self.figure.add_artist(line)
        return line


_CLOSED_QUAD = np.array([1, 2, 2, 2, 79], np.uint8)  # MOVETO, 3 x LINETO, CLOSEPOLY


def rect_collection(rects, facecolors="none", edgecolors="none", linewidths=0.0, **kwargs) -> PathCollection:
    """Like ``PolyCollection(rects, ...)`` for many rectangles (4 corners each), but one compound path per
    distinct style (a style argument given as a list has one value per rectangle): building a Path per rectangle costs about 40 us in matplotlib's checks, and a
    5,000-task plan has some 15,000 bars, bands and outlines."""
    n = len(rects)

    def each(value):  # a Python list gives one value per rectangle; anything else is for all of them
        if isinstance(value, list):
            if len(value) != n:
                raise ValueError(f"{len(value)} styles for {n} rectangles")
            return value
        return [value] * n

    faces, edges, widths = each(facecolors), each(edgecolors), each(linewidths)
    groups: dict = {}
    for rect, face, edge, width in zip(rects, faces, edges, widths):
        key = (_key(face), _key(edge), float(width))
        groups.setdefault(key, (face, edge, width, []))[3].append(rect)
    paths, fcs, ecs, lws = [], [], [], []
    for face, edge, width, members in groups.values():
        corners = np.asarray(members, float).reshape(-1, 4, 2)
        verts = np.concatenate([corners, corners[:, :1]], axis=1).reshape(-1, 2)
        codes = np.tile(_CLOSED_QUAD, len(members))
        paths.append(Path._fast_from_codes_and_verts(verts, codes) if hasattr(Path, "_fast_from_codes_and_verts")
                     else Path(verts, codes))
        fcs.append(face)
        ecs.append(edge)
        lws.append(width)
    return PathCollection(paths, facecolors=fcs, edgecolors=ecs, linewidths=lws, **kwargs)


def _key(colour):
    return colour if isinstance(colour, str) else tuple(float(v) for v in colour)


def _identity():
    from matplotlib.transforms import IdentityTransform

    return IdentityTransform()
