"""LaTeX formulas → QImage, via ziamath (pure Python, LaTeX → MathML → SVG) and QSvgRenderer.

ziamath is imported on the first formula, not at app start (import ≈ 0.2 s, see docs/rendering.md).
A formula that cannot be rendered gives None; the caller then shows the source as code. Nothing here
raises. The chat view never calls this on the GUI thread: it goes through ui/formula_pool.py, which
makes the SVG in a worker process (formula_svg.py) and draws it here, on a pool thread.

Limits, all decided before the slow work starts, so nothing can swallow them (the old trace-hook
deadline could be lost in a library's `except Exception` or a finalizer):
- `precheck`: source length, nesting depth of braces and \\left (ziamath's layout time doubles per
  level: 9 nested \\left( take 1.4 s), and every explicit size (\\rule, \\hspace, \\kern…) in any unit;
- after the SVG is made and before any pixel is allocated: the image's size AFTER padding and
  device-pixel-ratio scaling (a 3900 px \\rule once took 60 MB per formula at dpr 1, 240 MB at dpr 2);
- per message, render.py keeps a formula count and pixel budget (MESSAGE_* below).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from desktop_chat.ui.formula_svg import (  # noqa: F401  - the limits are part of this module's interface
    DEADLINE_S,
    MATH_SCALE,
    MAX_DIMENSION_PX,
    MAX_HEIGHT_PX,
    MAX_IMAGE_PIXELS,
    MAX_LATEX_CHARS,
    MAX_NESTING,
    MAX_SIDE_PX,
    MESSAGE_FORMULAS,
    MESSAGE_PIXELS,
    FormulaKey,
    _ziamath,
    formula_svg,
    precheck,
    timed_formula_svg,
)

log = logging.getLogger(__name__)


CACHE_SIZE = 256
_VIEWBOX = re.compile(r'viewBox="([-\d.e]+) ([-\d.e]+) ([-\d.e]+) ([-\d.e]+)"')


@dataclass(frozen=True)
class Formula:
    url: str  # resource name for QTextDocument.addResource / <img src>
    image: QImage  # device pixels; devicePixelRatio set
    width: int  # logical px, for <img width height>
    height: int

    @property
    def pixels(self) -> int:
        return self.image.width() * self.image.height()




def formula_key(latex: str, *, display: bool, color: str, font_px: float, dpr: float = 1.0) -> FormulaKey:
    return (latex.strip(), display, color, round(font_px, 2), round(dpr, 2))


_cache: OrderedDict[FormulaKey, Formula | None] = OrderedDict()
_cache_lock = threading.Lock()


def render_formula(latex: str, *, display: bool, color: str, font_px: float, dpr: float = 1.0) -> Formula | None:
    """Render one formula now, in the calling thread (cached). For exports and dialogs; the chat view
    uses formula_pool instead, so that the GUI thread never waits for a formula.

    Inline formulas are padded vertically so that, placed with <img style="vertical-align: middle">,
    their baseline sits on the text baseline (Qt centers a middle-aligned image on baseline - xHeight/2).
    """
    key = formula_key(latex, display=display, color=color, font_px=font_px, dpr=dpr)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = render_formula_uncached(key)
    with _cache_lock:
        _cache[key] = result
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def image_pixels(width: float, height: float, dpr: float) -> int:
    """Device pixels of the image a formula of this logical size (padding included) allocates."""
    return max(1, math.ceil(width * dpr)) * max(1, math.ceil(height * dpr))


def render_formula_uncached(key: FormulaKey) -> Formula | None:
    """Render one formula (thread-safe: QImage, QPainter and QSvgRenderer work off the GUI thread)."""
    return formula_from_svg(key, formula_svg(key))


def formula_from_svg(key: FormulaKey, svg: str | None) -> Formula | None:
    """The image of a formula's SVG, unless it is bigger than the caps once padded and scaled."""
    if svg is None:
        return None
    _source, _display, _color, font_px, dpr = key
    match = _VIEWBOX.search(svg)
    if match is None:
        return None
    _vx, vy, vw, vh = (float(g) for g in match.groups())
    # ziamath puts the math baseline at y = 0 of the viewBox.
    ascent, descent = -vy, vh + vy
    if not (vw > 0 and vh > 0):
        return None
    half_x = font_px * 0.27  # ≈ xHeight/2 of common UI fonts; Qt's middle alignment uses the text's own
    half = max(ascent - half_x, descent + half_x)
    top_pad = half + half_x - ascent
    width, height = math.ceil(vw), math.ceil(2 * half)
    # The cap is on what is allocated: after the padding above and the device pixel ratio.
    if width > MAX_SIDE_PX or height > MAX_HEIGHT_PX or image_pixels(width, height, dpr) > MAX_IMAGE_PIXELS:
        return None

    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        return None
    image = QImage(
        max(1, math.ceil(width * dpr)),
        max(1, math.ceil(height * dpr)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, top_pad * dpr, vw * dpr, vh * dpr))
    painter.end()
    image.setDevicePixelRatio(dpr)
    digest = hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:20]
    return Formula(url=f"math:{digest}.png", image=image, width=width, height=height)
