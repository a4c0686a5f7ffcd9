"""The layering rules of DESIGN.md, checked on the source: Qt only in the UI, small files."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "desktop_chat"
QT_ALLOWED = {"app.py", "smoke.py", "__main__.py"}
MAX_LINES = 600


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_nothing_below_the_ui_imports_qt() -> None:
    offenders = []
    for path in sources():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui" or relative.as_posix() in QT_ALLOWED:
            continue
        if any(name.split(".")[0] in ("PySide6", "shiboken6") for name in imported_modules(path)):
            offenders.append(relative.as_posix())
    assert offenders == []


def test_layers_below_the_ui_do_not_import_the_ui() -> None:
    offenders = []
    for path in sources():
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui" or relative.as_posix() in QT_ALLOWED:
            continue
        if any(name.startswith("desktop_chat.ui") for name in imported_modules(path)):
            offenders.append(relative.as_posix())
    assert offenders == []


def test_no_file_is_over_600_lines() -> None:
    long = {p.relative_to(PACKAGE).as_posix(): n for p in sources()
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}
