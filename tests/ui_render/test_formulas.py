"""Formulas cannot take the app's memory or time (issue 17, finding 4; issue 13)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_chat.ui import formula_pool, formula_svg, math_render
from desktop_chat.ui.formula_pool import FormulaPool
from desktop_chat.ui.render import render_message

pytestmark = pytest.mark.usefixtures("qapp")

ROOT = Path(__file__).resolve().parents[2]
BOMB = "\n\n".join(["$$\\rule{3900px}{3900px}$$"] * 8)


def _in_child(code: str) -> dict[str, float]:
    """Runs `code` in a fresh interpreter (its own RSS) and returns the JSON it prints last."""
    script = textwrap.dedent("""
        import json, os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        sys.path.insert(0, ROOT)
        from PySide6.QtGui import QGuiApplication
        app = QGuiApplication([])
        from desktop_chat.ui import math_render
        math_render.render_formula("x", display=False, color="#000", font_px=16)  # imports, font
        def rss(field="VmRSS"):
            with open("/proc/self/status") as f:
                return next(int(l.split()[1]) / 1024 for l in f if l.startswith(field))
        before = rss()
        started = time.perf_counter()
    """).replace("ROOT", repr(str(ROOT))) + textwrap.dedent(code) + textwrap.dedent("""
        seconds = time.perf_counter() - started
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec, so a
        # child of a big pytest process would report the parent's size.
        peak = rss("VmHWM")
        print(json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before, "after_mb": rss()}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("dpr", [1.0, 2.0])
def test_the_formula_bomb_stays_small_and_quick(dpr: float) -> None:
    """Eight 3900 px rules in one message rendered ≈ 0.9 GB of images at dpr 1 and 3.7 GB at dpr 2."""
    result = _in_child(f"""
        from desktop_chat.ui.render import render_message
        from desktop_chat.ui.streaming_document import MessageDocument
        from desktop_chat.ui.theme import LIGHT
        from desktop_chat.ui.formula_pool import pool
        text = {BOMB!r}
        rendered = render_message(text, dark=False, dpr={dpr})
        assert rendered.images == {{}}, "the bomb was rendered"
        doc = MessageDocument(LIGHT, dpr={dpr})  # the chat view's way: in the background
        doc.update(text)
        doc.set_width(800)
        doc.document.size()
        assert not doc.pending
    """)
    assert result["seconds"] < 1.0
    assert result["peak_mb"] < 200
    assert result["after_mb"] - result["before_mb"] < 50


def test_size_is_capped_after_padding_and_scaling() -> None:
    # Passes the source check (≤ 1000 px); vertically padded and at dpr 2 it is 1980×1200 device pixels.
    key = math_render.formula_key("\\rule{990px}{300px}", display=True, color="#000000", font_px=16, dpr=2.0)
    svg = formula_svg.formula_svg(key)
    assert svg is not None  # allowed by the source check…
    assert math_render.formula_from_svg(key, svg) is None  # …refused before its pixels are allocated
    small = math_render.formula_key("\\rule{990px}{300px}", display=True, color="#000000", font_px=16, dpr=1.0)
    formula = math_render.formula_from_svg(small, formula_svg.formula_svg(small))
    assert formula is not None
    assert formula.pixels <= math_render.MAX_IMAGE_PIXELS


def test_a_message_has_a_formula_budget() -> None:
    text = "\n\n".join(f"$$\\rule{{900px}}{{{400 + i}px}}$$" for i in range(30))  # ≈ 0.75 M pixels each
    rendered = render_message(text, dark=False, dpr=1.0)
    pixels = sum(image.width() * image.height() for image in rendered.images.values())
    assert 0 < len(rendered.images) < 30
    assert pixels <= math_render.MESSAGE_PIXELS


@pytest.mark.parametrize("latex, why", [
    ("\\frac{1}{" * 12 + "2" + "}" * 12, "nested too deeply"),
    ("\\left(" * 9 + "x" + "\\right)" * 9, "nested too deeply"),
    ("\\rule{3900px}{1px}", "too large"),
    ("\\hspace{200em} x", "too large"),
    ("\\kern 30cm x", "too large"),
    ("x+" * 600, "too long"),
])
def test_limits_are_decided_from_the_source(latex: str, why: str) -> None:
    assert math_render.precheck(latex) == why
    key = math_render.formula_key(latex, display=True, color="#000000", font_px=16, dpr=1.0)
    started = time.perf_counter()
    assert formula_svg.formula_svg(key) is None  # refused before ziamath runs
    assert time.perf_counter() - started < 0.05


def test_everyday_formulas_pass_the_limits() -> None:
    for latex in (r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
                  r"a_0 + \cfrac{1}{a_1 + \cfrac{1}{a_2 + \cfrac{1}{a_3}}}", r"\rule{2cm}{1pt}"):
        assert math_render.precheck(latex) == ""


@pytest.mark.parametrize("process", [True, False], ids=["process", "thread"])
def test_a_late_result_is_ignored(process: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(math_render, "DEADLINE_S", -1.0)  # every result is late
    pool = FormulaPool(process=process)
    key = math_render.formula_key("x^2", display=False, color="#000000", font_px=16, dpr=1.0)
    assert pool.lookup(key) == formula_pool.PENDING
    assert pool.wait_idle(60)
    assert pool.lookup(key) is None
    assert pool.late == 1


def test_the_worker_process_renders_formulas() -> None:
    pool = FormulaPool(process=True)
    key = math_render.formula_key("E=mc^2", display=False, color="#000000", font_px=16, dpr=1.0)
    assert pool.lookup(key) == formula_pool.PENDING
    assert pool.wait_idle(60)
    formula = pool.lookup(key)
    assert isinstance(formula, math_render.Formula)
    assert formula.image.width() > 10


@pytest.mark.skipif(not hasattr(__import__("os"), "getpriority"), reason="POSIX priorities")
def test_the_worker_process_gives_way_to_the_window() -> None:
    """On a busy two-core machine the window's thread gets the processor before formula rendering."""
    import os

    worker = formula_pool._WorkerProcess()
    key = math_render.formula_key("a+b", display=False, color="#000000", font_px=16, dpr=1.0)
    try:
        svg, _seconds = worker.svg(key)
        assert svg
        assert worker._process is not None
        assert os.getpriority(os.PRIO_PROCESS, worker._process.pid) >= os.getpriority(os.PRIO_PROCESS, 0) + 10 \
            or os.getpriority(os.PRIO_PROCESS, worker._process.pid) == 19
    finally:
        worker.close()
