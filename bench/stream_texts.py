"""Generated replies for bench_stream.py (deterministic): prose, one long code block, one long table,
prose with a formula in every paragraph, and a mix of everything."""

from __future__ import annotations

import random

_WORDS = [
    "модель", "ответ", "данные", "функция", "значение", "список", "таблица", "пример", "результат", "запрос",
    "текст", "вывод", "метод", "число", "точка", "граница", "решение", "задача", "условие", "the", "model",
    "returns", "a", "value", "for", "each", "item", "in", "list", "and", "then", "stops", "when", "it",
    "reaches", "limit",
]

KINDS = ("prose", "code", "table", "math", "mixed")


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 18))).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))
    return text.replace(" значение ", " **значение** ", 1).replace(" метод ", " `метод` ", 1)


def _code_line(rng: random.Random, i: int) -> str:
    indent = "    " * (i % 3)
    return rng.choice([
        f"{indent}value_{i} = compute(items[{i}], limit={i % 17})  # step {i}",
        f"{indent}if value_{i} > {i}:",
        f'{indent}print(f"item {{value_{i}}} of {i}")',
        f"{indent}for k in range({i % 50}):",
        f"{indent}result.append(value_{i} * k + {i})",
        f"def function_{i}(x: int, y: str = \"{i}\") -> list[int]:",
    ])


def _formula(rng: random.Random, i: int) -> str:
    a, b = rng.randint(2, 9), i
    return rng.choice([
        f"x_{{{b}}} = \\frac{{-b \\pm \\sqrt{{b^2-{a}ac}}}}{{2a}}",
        f"\\sum_{{k=1}}^{{{b}}} k^{a} = S_{{{b}}}",
        f"\\int_0^{{{b}}} x^{a}\\,dx",
        f"E_{{{b}}} = m c^{a}",
        f"\\begin{{pmatrix}} {a} & {b} \\\\ {b} & {a} \\end{{pmatrix}}",
        f"\\lim_{{n\\to\\infty}} \\left(1+\\frac{{{a}}}{{n}}\\right)^{{n}} = e^{{{a}}}",
    ])


def _table(rng: random.Random, rows: int, start: int = 0) -> str:
    lines = ["| № | Название | Значение | Описание |", "|---|---|--:|---|"]
    lines += [f"| {start + i} | item{start + i} | {(start + i) * 37} | {_sentence(rng)} |" for i in range(rows)]
    return "\n".join(lines)


def make_text(kind: str, size: int = 100_000, seed: int = 1) -> str:
    """About `size` characters of Markdown of one kind."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    i = 0
    if kind == "code":
        lines = ["Вот код:", "", "```python"]
        while total < size:
            lines.append(_code_line(rng, i))
            total += len(lines[-1]) + 1
            i += 1
        lines += ["```", "", "Готово."]
        return "\n".join(lines)
    if kind == "table":
        lines = ["Таблица:", "", _table(rng, 0)]
        while total < size:
            row = f"| {i} | item{i} | {i * 37} | {_sentence(rng)} |"
            lines.append(row)
            total += len(row) + 1
            i += 1
        return "\n".join(lines) + "\n\nИтого."
    while total < size:
        if kind == "prose":
            part = _paragraph(rng)
        elif kind == "math":
            formula = _formula(rng, i)
            if i % 3 == 0:
                part = f"{_paragraph(rng)}\n\n$$\n{formula}\n$$"
            else:
                part = f"{_sentence(rng)} Здесь ${formula}$, и {_sentence(rng).lower()}"
        else:  # mixed
            choice = i % 7
            if choice == 0:
                part = "\n".join(f"- {_sentence(rng)}\n  - {_sentence(rng)}" for _ in range(3))
            elif choice == 1:
                part = "```python\n" + "\n".join(_code_line(rng, i * 10 + k) for k in range(12)) + "\n```"
            elif choice == 2:
                part = _table(rng, 8, i * 10)
            elif choice == 3:
                part = f"$$\n{_formula(rng, i)}\n$$\n\nИ ещё ${_formula(rng, i + 1)}$ в тексте."
            elif choice == 4:
                part = f"## Раздел {i}\n\n> {_sentence(rng)}"
            elif choice == 5:
                part = "\n".join(f"{k}. {_sentence(rng)}" for k in range(1, 6)) + "\n\n---"
            else:
                part = _paragraph(rng)
        parts.append(part)
        total += len(part) + 2
        i += 1
    return "\n\n".join(parts)
