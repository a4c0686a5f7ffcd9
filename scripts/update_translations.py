"""Collects the UI's strings into the Qt Linguist sources, then compiles them.

    .venv/bin/python scripts/update_translations.py          # lupdate + lrelease
    .venv/bin/python scripts/update_translations.py --release  # lrelease only (what builds run)

Sources: resources/translations/desktop_chat_<lang>.ts (edit them with Qt Linguist or by hand);
compiled: resources/translations/desktop_chat_<lang>.qm (not in git: built by the test, run and
packaging scripts, and compiled at start-up when missing).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ["ru"]


def tool(name: str) -> str:
    import PySide6

    return str(Path(PySide6.__file__).parent / name)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", action="store_true", help="only compile .ts into .qm")
    args = parser.parse_args()
    sources = sorted(str(p) for p in (ROOT / "desktop_chat").rglob("*.py"))
    for language in LANGUAGES:
        ts = TRANSLATIONS / f"desktop_chat_{language}.ts"
        if not args.release:
            subprocess.run([tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources,
                            "-ts", str(ts)], check=True)
        subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
