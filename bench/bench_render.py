"""Benchmark message rendering: a generated 300 KB Markdown reply, and formula costs.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_render.py [--runs 5]
Prints human-readable lines, then as the LAST line one JSON object of named numbers (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from desktop_chat.ui import math_render, render
from desktop_chat.ui.render import RenderedMessage, render_message

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 800

_VOCABULARY = """модель ответ данные функция значение список таблица пример результат запрос текст
the model returns a value for each item in the list and then stops"""
WORDS = _VOCABULARY.split()

CODE = '''def fibonacci(n: int) -> list[int]:
    """Return the first n Fibonacci numbers."""
    result = [0, 1]
    while len(result) < n:
        result.append(result[-1] + result[-2])  # next one
    return result[:n]


for i, value in enumerate(fibonacci(20)):
    print(f"{i:>3}: {value}")
'''


def make_reply(target_bytes: int = 300_000, seed: int = 1) -> str:
    """Paragraphs, nested lists, code blocks, a table and a few formulas, about target_bytes of UTF-8."""
    rng = random.Random(seed)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."

    parts: list[str] = ["# Большой ответ\n"]
    table = "| Имя | Значение | Описание |\n|---|--:|---|\n" + "".join(
        f"| item{i} | {i * 37} | {sentence()} |\n" for i in range(30)
    )
    formulas = [r"$$\int_0^1 x^2\,dx = \frac{1}{3}$$", r"Известно, что $E=mc^2$ и $a^2+b^2=c^2$."]
    i = 0
    while sum(len(p.encode()) for p in parts) < target_bytes:
        kind = i % 6
        if kind in (0, 1):
            parts.append(" ".join(sentence() for _ in range(5)) + " **Важно:** `x = 1`.\n")
        elif kind == 2:
            parts.append("".join(f"- {sentence()}\n  - {sentence()}\n" for _ in range(3)))
        elif kind == 3:
            parts.append(f"```python\n{CODE}print({i})\n```\n")  # distinct blocks: no cache hits
        elif kind == 4 and i % 60 == 4:
            parts.append(table)
        elif kind == 5 and i % 48 == 5:
            parts.append(formulas[(i // 48) % 2] + "\n")
        else:
            parts.append(f"## Раздел {i}\n\n> {sentence()}\n")
        i += 1
    return "\n".join(parts)


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def clear_render_caches() -> None:
    render.clear_caches()


def build(rendered: RenderedMessage, layout_off: bool) -> tuple[float, float]:
    """Return (setHtml ms, layout ms) for one document."""
    doc = QTextDocument()
    doc.setTextWidth(WIDTH)
    for url, image in rendered.images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
    t0 = time.perf_counter()
    if layout_off:
        # Qt >= 6.4: without this the layout runs again after each block the HTML parser adds.
        doc.setLayoutEnabled(False)
    doc.setHtml(rendered.html)
    t1 = time.perf_counter()
    doc.setLayoutEnabled(True)
    doc.size()  # forces the full layout
    t2 = time.perf_counter()
    return (t1 - t0) * 1000, (t2 - t1) * 1000


def cold_formula_cost() -> dict[str, float]:
    """Import + first formula in a fresh interpreter (the lazy import is paid here, once per run)."""
    code = f"""
import sys, time, json
sys.path.insert(0, {str(ROOT)!r})
t0 = time.perf_counter()
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
t1 = time.perf_counter()
from desktop_chat.ui import render
t2 = time.perf_counter()
from desktop_chat.ui import math_render
math_render._ziamath()
t3 = time.perf_counter()
math_render.render_formula("E=mc^2", display=False, color="#000000", font_px=16, dpr=1.0)
t4 = time.perf_counter()
math_render.render_formula(r"\\int_0^1 x^2 dx", display=True, color="#000000", font_px=16, dpr=1.0)
t5 = time.perf_counter()
print(json.dumps({{"import_render_module_ms": (t2 - t1) * 1000, "ziamath_import_ms": (t3 - t2) * 1000,
                  "first_formula_ms": (t4 - t3) * 1000, "second_new_formula_ms": (t5 - t4) * 1000}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    assert app is not None

    reply = make_reply()
    size_kb = len(reply.encode()) / 1000
    r = render_message(reply, False)  # warm-up: imports, lexers, formulas
    n_code, n_img = len(r.code_blocks), len(r.images)

    def cold() -> None:
        clear_render_caches()
        render_message(reply, False)

    md_cold = median_ms(cold, args.runs)
    render_message(reply, False)

    def warm() -> None:
        # Pieces re-rendered, code highlighting cached.
        render._pieces.clear()
        render_message(reply, False)

    md_warm = median_ms(warm, args.runs)
    typical = make_reply(target_bytes=8_000, seed=2)

    def typical_pipeline() -> None:
        clear_render_caches()
        build(render_message(typical, False), layout_off=True)

    typical_ms = median_ms(typical_pipeline, args.runs * 4)

    rendered = render_message(reply, False)
    on = [build(rendered, layout_off=False) for _ in range(args.runs)]
    off = [build(rendered, layout_off=True) for _ in range(args.runs)]
    set_on = statistics.median(t[0] for t in on)
    lay_on = statistics.median(t[1] for t in on)
    set_off = statistics.median(t[0] for t in off)
    lay_off = statistics.median(t[1] for t in off)

    formula = cold_formula_cost()
    math_render.clear_cache()
    math_render.render_formula(r"\sum_{k=1}^n k", display=False, color="#000000", font_px=16)

    def thousand_cached_formulas() -> None:
        for _ in range(1000):
            math_render.render_formula(r"\sum_{k=1}^n k", display=False, color="#000000", font_px=16)

    cached_us = median_ms(thousand_cached_formulas, args.runs)  # ms per 1000 calls = µs per call

    deep = "\\frac{1}{" * 14 + "2" + "}" * 14  # would take minutes; refused from its source at once
    start = time.perf_counter()
    math_render.render_formula(deep, display=False, color="#000000", font_px=16)
    deadline_ms = (time.perf_counter() - start) * 1000

    from desktop_chat.ui.streaming_document import MessageDocument
    from desktop_chat.ui.theme import LIGHT

    def piece_document() -> None:
        clear_render_caches()
        doc = MessageDocument(LIGHT)
        doc.update(reply)
        doc.set_width(WIDTH)
        doc.document.size()

    piece_doc_ms = median_ms(piece_document, args.runs)

    total = md_cold + set_off + lay_off
    print(f"reply: {size_kb:.0f} KB, {n_code} code blocks, {n_img} formula images; width {WIDTH} px")
    print(f"median of {args.runs} runs")
    print(f"markdown→HTML, cold caches:            {md_cold:7.1f} ms")
    print(f"markdown→HTML, code highlight cached:  {md_warm:7.1f} ms  (re-render while streaming)")
    print(f"setHtml + layout, layout on:           {set_on:7.1f} + {lay_on:6.1f} ms")
    print(f"setHtml + layout, setLayoutEnabled off:{set_off:7.1f} + {lay_off:6.1f} ms")
    print(f"total cold (render + setHtml + layout): {total:6.1f} ms")
    print(f"typical 8 KB reply, whole pipeline:    {typical_ms:7.1f} ms  (cold caches)")
    print(f"import desktop_chat.ui.render:         {formula['import_render_module_ms']:7.1f} ms (fresh process)")
    print(f"ziamath import (lazy, first formula):  {formula['ziamath_import_ms']:7.1f} ms")
    print(f"first formula render after import:     {formula['first_formula_ms']:7.1f} ms")
    print(f"another new formula:                   {formula['second_new_formula_ms']:7.1f} ms")
    print(f"14 nested fractions (refused at once): {deadline_ms:7.1f} ms")
    print(f"the chat view's document (pieces):     {piece_doc_ms:7.1f} ms  (render + insert + layout, cold caches)")
    print(f"cached formula:                        {cached_us:7.2f} µs")
    numbers = {
        "reply_kb": round(size_kb, 1),
        "code_blocks": n_code,
        "formula_images": n_img,
        "markdown_html_cold_ms": round(md_cold, 1),
        "markdown_html_highlight_cached_ms": round(md_warm, 1),
        "sethtml_layout_on_ms": round(set_on, 1),
        "layout_after_layout_on_ms": round(lay_on, 1),
        "sethtml_layout_off_ms": round(set_off, 1),
        "layout_after_layout_off_ms": round(lay_off, 1),
        "total_cold_ms": round(total, 1),
        "typical_8kb_pipeline_ms": round(typical_ms, 1),
        "import_render_module_ms": round(formula["import_render_module_ms"], 1),
        "ziamath_import_ms": round(formula["ziamath_import_ms"], 1),
        "first_formula_ms": round(formula["first_formula_ms"], 1),
        "second_new_formula_ms": round(formula["second_new_formula_ms"], 1),
        "pathological_formula_ms": round(deadline_ms, 1),
        "cached_formula_us": round(cached_us, 2),
        "message_document_ms": round(piece_doc_ms, 1),
    }
    print(json.dumps(numbers))


if __name__ == "__main__":
    main()
