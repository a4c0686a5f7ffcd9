"""LaTeX formulas → QImage, via ziamath (pure Python, LaTeX → MathML → SVG) and QSvgRenderer.

ziamath is imported on the first formula, not at app start (import ≈ 0.2 s, see docs/rendering.md).
Results are cached in an LRU by everything that changes the pixels. A formula that cannot be
rendered gives None; the caller then shows the source as code. Nothing here raises.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import math
import re
import sys
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any
from xml.etree import ElementTree

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

log = logging.getLogger(__name__)

# ziamath's layout time doubles with each level of nesting (\frac in \frac, \left( in \left(, ...):
# 10 nested fractions take 2 s, 12 take 17 s. Formulas that look deep or big are rendered under a
# deadline; plain ones are not, because the deadline's trace hook makes ziamath about 2x slower.
MAX_LATEX_CHARS = 1500
DEADLINE_S = 0.3
TRUSTED_MAX_DEPTH = 8  # MathML tree depth: everyday formulas 4-8; 5 nested \left( (depth 8) ≈ 0.15 s
TRUSTED_MAX_NODES = 120
# A formula taller or wider than this (logical px) is almost surely garbage; show the source instead.
MAX_SIDE_PX = 4000
CACHE_SIZE = 256

# STIX Two Math has a smaller x-height than the usual UI sans fonts (DejaVu, Segoe UI),
# so the math is drawn a bit larger than the text to look the same size.
MATH_SCALE = 1.2

_VIEWBOX = re.compile(r'viewBox="([-\d.e]+) ([-\d.e]+) ([-\d.e]+) ([-\d.e]+)"')


@dataclass(frozen=True)
class Formula:
    url: str  # resource name for QTextDocument.addResource / <img src>
    image: QImage  # device pixels; devicePixelRatio set
    width: int  # logical px, for <img width height>
    height: int


_cache: OrderedDict[tuple[str, bool, str, float, float], Formula | None] = OrderedDict()


def render_formula(latex: str, *, display: bool, color: str, font_px: float, dpr: float = 1.0) -> Formula | None:
    """Render one formula, or None if it cannot be rendered (bad LaTeX, too big, ziamath error).

    Inline formulas are padded vertically so that, placed with <img style="vertical-align: middle">,
    their baseline sits on the text baseline (Qt centers a middle-aligned image on baseline - xHeight/2).
    """
    key = (latex, display, color, round(font_px, 2), round(dpr, 2))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    result = _render(latex, display, color, font_px, dpr)
    _cache[key] = result
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def clear_cache() -> None:
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


# The packages that do the slow work for a formula (by module name: file paths differ in a frozen app).
_MATH_MODULES = ("ziamath", "ziafont", "latex2mathml")


class FormulaTimeout(BaseException):
    """A BaseException, like KeyboardInterrupt: a library's `except Exception` must not swallow it,
    because the trace hook that raised it is switched off by Python as it raises (see below)."""


def _looks_cheap(latex: str) -> bool:
    """True when the formula's MathML is small and shallow, so ziamath cannot take long on it."""
    from latex2mathml.converter import convert  # ziamath's own LaTeX front end, already imported

    try:
        root = ElementTree.fromstring(convert(latex))
    except Exception:  # let ziamath report the error, under the deadline
        return False

    def depth(element: ElementTree.Element) -> int:
        return 1 + max((depth(child) for child in element), default=0)

    return sum(1 for _ in root.iter()) <= TRUSTED_MAX_NODES and depth(root) <= TRUSTED_MAX_DEPTH


def _with_deadline(fn: Callable[[], str], seconds: float) -> str:
    """Run pure-Python fn, raising FormulaTimeout at its next function call after the deadline.

    A trace hook is the only way to stop pure-Python code in the GUI thread without a process or a
    thread kill; it sees only function calls (it returns no line tracer), and the previous hook
    (a debugger, coverage) is put back afterwards.
    """
    deadline = time.perf_counter() + seconds
    clock = time.perf_counter
    # Python removes a trace hook that raises, so the one raise must land where it propagates: in a
    # plain function of the math libraries themselves. Not in a generator being closed, a weakref
    # callback or a __del__ run by the garbage collector: those drop the exception ("Exception
    # ignored in ..."), and the formula would then render unbounded.
    generator_flags = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR

    def on_call(frame: FrameType, event: str, arg: object) -> None:
        code = frame.f_code
        if (clock() > deadline and not code.co_flags & generator_flags and code.co_name != "__del__"
                and str(frame.f_globals.get("__name__", "")).startswith(_MATH_MODULES)):
            raise FormulaTimeout
        return None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        result = fn()
    finally:
        sys.settrace(previous)
    if clock() > deadline:
        raise FormulaTimeout  # finished late anyway: treat it as too slow, as the next one will be
    return result


def _render(latex: str, display: bool, color: str, font_px: float, dpr: float) -> Formula | None:
    source = latex.strip()
    if not source or len(source) > MAX_LATEX_CHARS:
        return None
    try:
        ziamath = _ziamath()
        size = font_px * MATH_SCALE * (1.15 if display else 1.0)

        def to_svg() -> str:
            svg: str = ziamath.Latex(source, size=size, color=color, inline=not display).svg()
            return svg

        svg = to_svg() if _looks_cheap(source) else _with_deadline(to_svg, DEADLINE_S)
    except (Exception, FormulaTimeout) as exc:  # ziamath/latex2mathml raise many kinds of errors on bad input
        log.debug("formula failed: %r: %s", source[:80], type(exc).__name__)
        return None
    match = _VIEWBOX.search(svg)
    if match is None:
        return None
    _vx, vy, vw, vh = (float(g) for g in match.groups())
    # ziamath puts the math baseline at y = 0 of the viewBox.
    ascent, descent = -vy, vh + vy
    if not (0 < vw <= MAX_SIDE_PX and 0 < vh <= MAX_SIDE_PX):
        return None
    half_x = font_px * 0.27  # ≈ xHeight/2 of common UI fonts; Qt's middle alignment uses the text's own
    half = max(ascent - half_x, descent + half_x)
    top_pad = half + half_x - ascent
    width, height = math.ceil(vw), math.ceil(2 * half)

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
    digest = hashlib.sha1(repr((source, display, color, font_px, dpr)).encode("utf-8")).hexdigest()[:20]
    return Formula(url=f"math:{digest}.png", image=image, width=width, height=height)
