"""The Qt-free half of formula rendering: limits decided from the source, and LaTeX → SVG with
ziamath (pure Python). Runs in the formula worker process (formula_worker.py), or in a thread of the
app when no process can be started; math_render draws the SVG with Qt.

ziamath is imported on the first formula, not at app start (import ≈ 0.2 s, see docs/rendering.md).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
import warnings
from typing import Any
from xml.etree import ElementTree

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

# STIX Two Math has a smaller x-height than the usual UI sans fonts (DejaVu, Segoe UI),
# so the math is drawn a bit larger than the text to look the same size.
MATH_SCALE = 1.2

_DIMENSION = re.compile(r"(-?\d*\.?\d+)\s*(px|pt|pc|em|ex|cm|mm|in|mu|bp|dd|cc|sp)")
_UNIT_PX = {"px": 1.0, "pt": 1.33, "bp": 1.33, "pc": 16.0, "em": 16.0, "ex": 8.0, "cm": 37.8, "mm": 3.78,
            "in": 96.0, "mu": 0.9, "dd": 1.42, "cc": 17.1, "sp": 1.33 / 65536}


FormulaKey = tuple[str, bool, str, float, float]  # latex, display, color, font px, dpr


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


def formula_svg(key: FormulaKey) -> str | None:
    """The formula as SVG (pure Python: ziamath), or None. Runs in the formula worker process."""
    source, display, color, font_px, _dpr = key
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
    return svg


def timed_formula_svg(key: FormulaKey) -> tuple[str | None, float]:
    """formula_svg and the seconds it took (the pool ignores a result that took too long)."""
    started = time.monotonic()
    svg = formula_svg(key)
    return svg, time.monotonic() - started
