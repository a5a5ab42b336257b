"""Many short one-line labels, fast: glyph outlines cached per character, a page of labels as one artist.

Why not ``Axes.text``: matplotlib 3.11 lays out and rasterises every Text glyph by glyph in Python, about
3 ms for a 40-character label at 200 dpi, so the 5,000 row labels of a large Gantt chart alone would
take 15 s. Here each character's outline and advance are read from the font once (as
``matplotlib.textpath`` does, which is also what PDF output uses), a label is the concatenation of cached
outlines, and all labels of a page are one ``PathCollection`` drawn in a single call.

Simplifications, fine for names and IDs: one line, left to right, pair kerning but no shaping (Latin,
Greek, Cyrillic and CJK need none). Characters come from the first face of the family list that has them
(per-glyph fallback, as matplotlib does); a character no face has raises
:class:`~implan_docs.charts.fonts.MissingGlyphError`. Widths are exact, so :meth:`Typeface.fit` shortens
text with an ellipsis to a width it really keeps to.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.ft2font import Kerning, LoadFlags
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from ..errors import Location
from . import fonts

SCALE = 100.0  # glyphs are read at 100 pt (at 72 dpi: 1 unit = 1 pt at size 100)
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class _Glyph:
    face: int  # index in the typeface's face list
    index: int  # glyph index in that face
    advance: float  # at SCALE
    verts: np.ndarray
    codes: np.ndarray


class Typeface:
    """A family list at one weight: per-character glyphs with fallback, widths, outlines."""

    def __init__(self, families: tuple[str, ...], bold: bool = False):
        self.families = families
        self.bold = bold
        self._faces = [f for f in (fonts.face(name, bold) for name in families) if f is not None]
        self._maps = [f.get_charmap() for f in self._faces]
        self._upem = [f.units_per_EM for f in self._faces]
        self._glyphs: dict[str, _Glyph | None] = {}
        self._kern: dict[tuple[int, int, int], float] = {}
        self._lock = threading.Lock()
        # Vertical centre of a line (between baseline and cap height), for centring labels on rows.
        self.middle = 0.35

    def _glyph(self, ch: str) -> _Glyph | None:
        glyph = self._glyphs.get(ch)
        if glyph is not None or ch in self._glyphs:
            return glyph
        with self._lock:
            code = ord(ch)
            glyph = None
            for i, (face, cmap) in enumerate(zip(self._faces, self._maps)):
                index = cmap.get(code)
                if index:
                    face.set_size(SCALE, 72)
                    loaded = face.load_glyph(index, flags=LoadFlags.NO_HINTING)
                    verts, codes = face.get_path()
                    glyph = _Glyph(i, index, loaded.linearHoriAdvance / 65536,
                                   np.asarray(verts, float), np.asarray(codes, np.uint8))
                    break
            self._glyphs[ch] = glyph
        return glyph

    def _kerning(self, face: int, left: int, right: int) -> float:
        key = (face, left, right)
        value = self._kern.get(key)
        if value is None:
            with self._lock:
                raw = self._faces[face].get_kerning(left, right, Kerning.UNSCALED)
            value = raw * SCALE / self._upem[face]
            self._kern[key] = value
        return value

    def _glyphs_of(self, text: str, location: Location | None = None) -> list[_Glyph]:
        out = []
        for ch in text:
            glyph = self._glyph(ch)
            if glyph is None:
                if ch.isspace():
                    glyph = self._glyph(" ")
                if glyph is None:
                    fonts.check_text(text, self.families, self.bold, location)  # raises, naming the text
                    raise fonts.MissingGlyphError(f"no chart font can draw {ch!r} in {text!r}", location)
            out.append(glyph)
        return out

    def _advances(self, glyphs: list[_Glyph]) -> list[float]:
        """x position of each glyph and, last, the total advance (at SCALE)."""
        xs, x, prev = [], 0.0, None
        for g in glyphs:
            if prev is not None and prev.face == g.face:
                x += self._kerning(g.face, prev.index, g.index)
            xs.append(x)
            x += g.advance
            prev = g
        xs.append(x)
        return xs

    # -- public ------------------------------------------------------------------------------------------
    def check(self, text: str, location: Location | None = None) -> None:
        self._glyphs_of(fonts.drawable(text), location)

    def width(self, text: str, size: float) -> float:
        """Advance width in points of ``text`` drawn at ``size`` points."""
        glyphs = self._glyphs_of(fonts.drawable(text))
        return self._advances(glyphs)[-1] * size / SCALE

    def fit(self, text: str, width: float, size: float, location: Location | None = None) -> str:
        """``text``, or its longest prefix plus an ellipsis, whose width is at most ``width`` points."""
        text = fonts.drawable(text).strip()
        glyphs = self._glyphs_of(text, location)
        xs = self._advances(glyphs)
        limit = width * SCALE / size
        if xs[-1] <= limit:
            return text
        room = limit - self._glyph(ELLIPSIS).advance
        keep = 0
        while keep < len(glyphs) and xs[keep + 1] <= room:
            keep += 1
        return text[:keep].rstrip() + ELLIPSIS if keep else ELLIPSIS

    def path(self, text: str, size: float, location: Location | None = None) -> Path:
        """The outline of ``text`` in points, baseline at y=0, starting at x=0."""
        verts, codes, _ = self.outline(text, size, location)
        return _path(verts, codes)

    def outline(self, text: str, size: float, location: Location | None = None):
        """Vertices and codes of the outline of ``text`` (points, baseline at y=0, from x=0), and its
        advance width in points."""
        glyphs = self._glyphs_of(fonts.drawable(text), location)
        xs = self._advances(glyphs)
        scale = size / SCALE
        drawn = [(g, x) for g, x in zip(glyphs, xs) if len(g.codes)]
        if not drawn:
            return np.empty((0, 2)), np.empty(0, np.uint8), xs[-1] * scale
        verts = np.concatenate([g.verts for g, _ in drawn]) * scale
        verts[:, 0] += np.repeat([x * scale for _, x in drawn], [len(g.codes) for g, _ in drawn])
        return verts, np.concatenate([g.codes for g, _ in drawn]), xs[-1] * scale


# Path() validates its arrays (about 50 us, a tenth of a Gantt page's build time for its labels); glyph
# outlines are valid by construction, so they take matplotlib's own fast constructor, with the settings
# of a curved path (never simplified).
_CURVED = Path(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]), np.array([1, 3, 3], np.uint8))


def _path(verts: np.ndarray, codes: np.ndarray) -> Path:
    fast = getattr(Path, "_fast_from_codes_and_verts", None)
    if fast is None:  # pragma: no cover - a future matplotlib without it
        return Path(verts, codes)
    return fast(verts, codes, internals_from=_CURVED)


_typefaces: dict[tuple[tuple[str, ...], bool], Typeface] = {}
_typefaces_lock = threading.Lock()


def typeface(families: tuple[str, ...], bold: bool = False) -> Typeface:
    key = (tuple(families), bold)
    with _typefaces_lock:
        face = _typefaces.get(key)
        if face is None:
            face = _typefaces[key] = Typeface(tuple(families), bold)
        return face


class TextLayer:
    """One-line texts collected for one figure region, added to the figure as a single artist.

    Positions are in ``offset_transform`` coordinates (e.g. data x with axes y), shifted by points.
    """

    ASCENT = 0.78  # cap height and a little, in ems: for va="top"
    DESCENT = 0.22  # for va="bottom"

    def __init__(self, families: tuple[str, ...]):
        self.families = tuple(families)
        self.paths: list[Path] = []
        self.offsets: list[tuple[float, float]] = []
        self.colours: list = []

    def add(self, text: str, x: float, y: float, size: float, *, bold: bool = False, colour="black",
            ha: str = "left", va: str = "center", dx: float = 0.0, dy: float = 0.0,
            location: Location | None = None) -> float:
        """Add ``text`` at (x, y), aligned by ``ha``/``va`` and shifted by (dx, dy) points; returns its width."""
        face = typeface(self.families, bold)
        verts, codes, width = face.outline(text, size, location)
        if not len(codes):
            return width
        verts[:, 0] += dx - {"left": 0.0, "center": width / 2, "right": width}[ha]
        verts[:, 1] += dy - {"center": face.middle, "baseline": 0.0, "top": self.ASCENT,
                             "bottom": -self.DESCENT}[va] * size
        self.paths.append(_path(verts, codes))
        self.offsets.append((x, y))
        self.colours.append(colour)
        return width

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return typeface(self.families, bold).width(text, size)

    def fit(self, text: str, width: float, size: float, bold: bool = False, location: Location | None = None) -> str:
        return typeface(self.families, bold).fit(text, width, size, location)

    def draw_on(self, fig, offset_transform, zorder: float = 3) -> PathCollection | None:
        """Add the texts to ``fig`` as one PathCollection (nothing if empty)."""
        if not self.paths:
            return None
        coll = PathCollection(self.paths, offsets=np.asarray(self.offsets, float), offset_transform=offset_transform,
                              facecolors=self.colours, edgecolors="none", linewidths=0, antialiaseds=True,
                              zorder=zorder)
        coll.set_transform(Affine2D().scale(1 / 72) + fig.dpi_scale_trans)  # points -> pixels
        coll.set_clip_on(False)
        fig.add_artist(coll)
        return coll
