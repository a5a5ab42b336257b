"""Fonts for charts: which families to use, finding them, and refusing to draw a missing glyph.

An English plan draws in DejaVu Sans (matplotlib's own font) with Noto Sans CJK TC as per-glyph fallback,
so a Chinese name in an English plan renders. A zh-TW plan, or any plan with CJK text, draws in Noto Sans
CJK TC first so Latin and Chinese letters match. A character that no font in the list has would be drawn
as a box (matplotlib's "Last Resort" font claims every character): that is an error here, raised before
the PNG is written, naming the text and the character.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from ..errors import ImplanError, Location

LATIN = "DejaVu Sans"
CJK = "Noto Sans CJK TC"
CJK_PACKAGE = "fonts-noto-cjk"
# Last fallback for emoji and pictographs (monochrome outlines that Agg can draw; colour emoji fonts are
# bitmaps it cannot). Installed by scripts/setup (Debian fonts-symbola); used only if present.
SYMBOLS = "Symbola"
# Characters that only modify the one before them (emoji variation selectors, skin tones): not drawn alone.
MODIFIERS = frozenset(range(0xFE00, 0xFE10)) | frozenset(range(0x1F3FB, 0x1F400))

# Han, Bopomofo, CJK symbols and punctuation, kana, Hangul, full-width forms.
_CJK_RE = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]")

_lock = threading.Lock()
_checked_cjk: list[bool] = []  # [installed?] once known


class MissingGlyphError(ImplanError):
    """A chart would draw a character that none of its fonts has (it would print as a box)."""


class FontMissingError(ImplanError):
    """A font the chart needs is not installed."""


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def families_for(language: str, texts: Iterable[str] = ()) -> tuple[str, ...]:
    """The font list for a plan's charts: CJK first for zh-* plans and plans with CJK text."""
    cjk_first = language.lower().startswith("zh") or any(has_cjk(s) for s in texts if s)
    symbols = (SYMBOLS,) if _installed(SYMBOLS) else ()
    if cjk_first:
        require_cjk()
        return (CJK, LATIN) + symbols
    return ((LATIN, CJK) if cjk_installed() else (LATIN,)) + symbols


_installed_cache: dict[str, bool] = {}


def _installed(family: str) -> bool:
    with _lock:
        if family not in _installed_cache:
            found = _find(family) is not None
            if not found:  # installed after matplotlib cached the system's fonts?
                _add_system_fonts()
                found = _find(family) is not None
            _installed_cache[family] = found
        return _installed_cache[family]


def cjk_installed() -> bool:
    """Whether matplotlib can find Noto Sans CJK TC; rebuilds its font list once if not (the font may
    have been installed after matplotlib cached the system's fonts)."""
    with _lock:
        if not _checked_cjk:
            found = _find(CJK) is not None
            if not found:
                _add_system_fonts()
                found = _find(CJK) is not None
            _checked_cjk.append(found)
        return _checked_cjk[0]


def require_cjk() -> None:
    if not cjk_installed():
        raise FontMissingError(
            f"charts need the font '{CJK}' for Chinese text; install it (Debian/Ubuntu: apt install "
            f"{CJK_PACKAGE}) and run again")


def _find(family: str, bold: bool = False):
    prop = font_manager.FontProperties(family=[family], weight="bold" if bold else "normal")
    try:
        return font_manager.findfont(prop, fallback_to_default=False)
    except ValueError:
        return None


def _add_system_fonts() -> None:
    """Add fonts installed since matplotlib's cache was written, in place, and save the cache.

    ``fontManager.addfont`` updates the shared instance (other modules hold references to it), which
    replacing ``font_manager.fontManager`` with a fresh one would not.
    """
    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(font_manager.findSystemFonts(fontext="ttf")):
        if path not in known:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # an unreadable font file is not ours to report
    try:
        from pathlib import Path

        import matplotlib

        cache = Path(matplotlib.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
        font_manager.json_dump(manager, cache)
    except OSError:
        pass  # a read-only cache folder only costs the next process the same rebuild


# -- faces and glyph coverage -------------------------------------------------------------------------
_faces: dict[tuple[str, bool], FT2Font | None] = {}
_charmaps: dict[tuple[str, bool], frozenset[int]] = {}


def face(family: str, bold: bool = False) -> FT2Font | None:
    """A private FT2Font of the family (not matplotlib's shared cached object), or None if absent."""
    bold = bold and family != SYMBOLS  # Symbola has no bold face; asking makes matplotlib log a warning
    key = (family, bold)
    with _lock:
        if key not in _faces:
            path = _find(family, bold)
            if path is None:
                _faces[key] = None
            else:
                index = getattr(path, "face_index", 0)
                _faces[key] = FT2Font(str(path), face_index=index)
                _charmaps[key] = frozenset(_faces[key].get_charmap())
        return _faces[key]


def coverage(family: str, bold: bool = False) -> frozenset[int]:
    face(family, bold)
    return _charmaps.get((family, bold), frozenset())


# Hebrew, Arabic, Syriac, Thaana, NKo... and their presentation forms: text that needs the bidi algorithm.
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def drawable(text: str) -> str:
    """The text as it will be drawn on one line: NFC, controls and invisible format characters removed,
    and right-to-left runs in visual order with Arabic letters joined (matplotlib draws glyphs left to
    right and does neither: python-bidi and arabic-reshaper do)."""
    text = unicodedata.normalize("NFC", text)
    if _RTL_RE.search(text):
        import arabic_reshaper
        from bidi import get_display

        text = get_display(arabic_reshaper.reshape(text))
    return "".join(" " if ch in "\t\r\n" else ch for ch in text
                   if ch in "\t\r\n" or (unicodedata.category(ch) not in ("Cc", "Cf") and ord(ch) not in MODIFIERS))


def check_text(text: str, families: Iterable[str], bold: bool = False, location: Location | None = None) -> None:
    """Raise :class:`MissingGlyphError` if a character of ``text`` is in none of ``families``."""
    families = tuple(families)
    maps = [coverage(f, bold) for f in families]
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") or ord(ch) in MODIFIERS:
            continue
        code = ord(ch)
        if not any(code in m for m in maps):
            name = unicodedata.name(ch, "unnamed character")
            raise MissingGlyphError(
                f"no chart font can draw '{ch}' (U+{code:04X} {name}) in {text!r}; fonts tried: "
                f"{', '.join(families)}. Remove or replace the character", location)


def check_figure(fig) -> None:
    """Check every text artist of a figure (titles, ticks, legends, annotations) before it is drawn."""
    from matplotlib.text import Text

    for artist in fig.findobj(Text):
        text = artist.get_text()
        if not text or not artist.get_visible():
            continue
        prop = artist.get_fontproperties()
        bold = prop.get_weight() in ("bold", "heavy", "black", "semibold", "demibold", 600, 700, 800, 900)
        check_text(text, prop.get_family(), bold, getattr(artist, "_implan_location", None))
