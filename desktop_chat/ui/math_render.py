"""LaTeX formulas → QImage, via ziamath (pure Python, LaTeX → MathML → SVG) and QSvgRenderer.

ziamath is imported on the first formula, not at app start (import ≈ 0.2 s, see docs/rendering.md).
A formula that cannot be rendered gives None; the caller then shows the source as code. Nothing here
raises. The chat view never calls this on the GUI thread: it goes through ui/formula_pool.py, which
runs `render_formula_uncached` on worker threads and ignores a result that comes too late.

Limits, all decided before the slow work starts, so nothing can swallow them (the old trace-hook
deadline could be lost in a library's `except Exception` or a finalizer):
- `precheck`: source length, nesting depth of braces and \\left (ziamath's layout time doubles per
  level: 9 nested \\left( take 1.4 s), and every explicit size (\\rule, \\hspace, \\kern…) in any unit;
- after the SVG is made and before any pixel is allocated: the image's size AFTER padding and
  device-pixel-ratio scaling (a 3900 px \\rule once took 60 MB per formula at dpr 1, 240 MB at dpr 2);
- per message, render.py keeps a formula count and pixel budget (MESSAGE_* below).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import re
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger(__name__)

MAX_LATEX_CHARS = 1000
# Nesting of braces plus \left…\right: everyday formulas stay under 5; depth 7 costs ≈ 0.4 s at worst.
MAX_NESTING = 7
MAX_MATHML_DEPTH = 18
MAX_MATHML_NODES = 1500
MAX_DIMENSION_PX = 1000  # any explicit size in the source (\rule, \hspace, \kern, \raisebox…)
# The image as it will be allocated: logical sides and device pixels after padding and dpr scaling.
MAX_SIDE_PX = 2000
MAX_HEIGHT_PX = 1000
MAX_IMAGE_PIXELS = 2_000_000  # 8 MB of ARGB32
# Per message (enforced by render.py): how many formula images, and how many device pixels in all.
MESSAGE_FORMULAS = 400
MESSAGE_PIXELS = 12_000_000  # 48 MB
# Work that takes longer than this is thrown away (shown as source), see formula_pool.
DEADLINE_S = 1.0
CACHE_SIZE = 256

# STIX Two Math has a smaller x-height than the usual UI sans fonts (DejaVu, Segoe UI),
# so the math is drawn a bit larger than the text to look the same size.
MATH_SCALE = 1.2

_VIEWBOX = re.compile(r'viewBox="([-\d.e]+) ([-\d.e]+) ([-\d.e]+) ([-\d.e]+)"')
_DIMENSION = re.compile(r"(-?\d*\.?\d+)\s*(px|pt|pc|em|ex|cm|mm|in|mu|bp|dd|cc|sp)")
_UNIT_PX = {"px": 1.0, "pt": 1.33, "bp": 1.33, "pc": 16.0, "em": 16.0, "ex": 8.0, "cm": 37.8, "mm": 3.78,
            "in": 96.0, "mu": 0.9, "dd": 1.42, "cc": 17.1, "sp": 1.33 / 65536}


@dataclass(frozen=True)
class Formula:
    url: str  # resource name for QTextDocument.addResource / <img src>
    image: QImage  # device pixels; devicePixelRatio set
    width: int  # logical px, for <img width height>
    height: int

    @property
    def pixels(self) -> int:
        return self.image.width() * self.image.height()


FormulaKey = tuple[str, bool, str, float, float]  # latex, display, color, font px, dpr


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


@functools.cache
def _ziamath() -> Any:
    """Import ziamath on the first formula: the import loads its math font (≈ 0.2 s)."""
    with warnings.catch_warnings():
        # ziamath 0.13 finds its font through a deprecated importlib.resources call at import time.
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    # SVG 2 output reuses glyphs via <symbol>/<use>, which QSvgRenderer (SVG Tiny 1.2) draws as nothing.
    ziamath.config.svg2 = False
    return ziamath


_import_lock = threading.Lock()


def _ziamath_locked() -> Any:
    with _import_lock:  # two workers must not import it at once
        return _ziamath()


def precheck(latex: str) -> str:
    """Why this formula will not be rendered ("" = it may be): decided from the source alone,
    before any slow work, so that no formula can take long or allocate much."""
    source = latex.strip()
    if not source:
        return "empty"
    if len(source) > MAX_LATEX_CHARS:
        return "too long"
    depth = deepest = 0
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if source.startswith("\\left", i) and not source[i + 5: i + 6].isalpha():
                depth += 1
            elif source.startswith("\\right", i) and not source[i + 6: i + 7].isalpha():
                depth -= 1
            i += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        deepest = max(deepest, depth)
        i += 1
    if deepest > MAX_NESTING:
        return "nested too deeply"
    for number, unit in _DIMENSION.findall(source):
        try:
            size = abs(float(number)) * _UNIT_PX[unit]
        except ValueError:
            return "bad size"
        if size > MAX_DIMENSION_PX:
            return "too large"
    return ""


def _mathml_ok(source: str) -> bool:
    from latex2mathml.converter import convert  # ziamath's own LaTeX front end, already imported

    try:
        root = ElementTree.fromstring(convert(source))
    except Exception:  # let ziamath report the error
        return True

    def depth(element: ElementTree.Element, level: int) -> int:
        if level > MAX_MATHML_DEPTH:
            return level
        return max((depth(child, level + 1) for child in element), default=level)

    nodes = sum(1 for _ in root.iter())
    return nodes <= MAX_MATHML_NODES and depth(root, 1) <= MAX_MATHML_DEPTH


def image_pixels(width: float, height: float, dpr: float) -> int:
    """Device pixels of the image a formula of this logical size (padding included) allocates."""
    return max(1, math.ceil(width * dpr)) * max(1, math.ceil(height * dpr))


def render_formula_uncached(key: FormulaKey) -> Formula | None:
    """Render one formula (thread-safe: QImage, QPainter and QSvgRenderer work off the GUI thread)."""
    source, display, color, font_px, dpr = key
    if precheck(source):
        return None
    try:
        ziamath = _ziamath_locked()
        if not _mathml_ok(source):
            return None
        size = font_px * MATH_SCALE * (1.15 if display else 1.0)
        svg: str = ziamath.Latex(source, size=size, color=color, inline=not display).svg()
    except Exception as exc:  # ziamath/latex2mathml raise many kinds of errors on bad input
        log.debug("formula failed: %r: %s", source[:80], type(exc).__name__)
        return None
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
