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
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ["ru"]


def tool(name: str) -> str:
    import PySide6

    return str(Path(PySide6.__file__).parent / name)


def translations_by_source(ts: Path) -> dict[str, ET.Element]:
    """Every finished translation in the file, by its English source (whatever its context)."""
    if not ts.exists():
        return {}
    found: dict[str, ET.Element] = {}
    for message in ET.parse(ts).getroot().iter("message"):
        source, translation = message.find("source"), message.find("translation")
        if source is not None and translation is not None and translation.get("type") is None:
            found.setdefault(source.text or "", translation)
    return found


def carry_over(ts: Path, known: dict[str, ET.Element]) -> None:
    """A string that moved to another class (a new context) keeps its translation: lupdate alone
    would mark it unfinished and drop the old one."""
    tree = ET.parse(ts)
    changed = False
    for message in tree.getroot().iter("message"):
        source, translation = message.find("source"), message.find("translation")
        if source is None or translation is None or translation.get("type") != "unfinished":
            continue
        old = known.get(source.text or "")
        if old is None:
            continue
        message.remove(translation)
        copy = ET.fromstring(ET.tostring(old))
        copy.tail = translation.tail
        message.append(copy)
        changed = True
    if changed:
        body = ET.tostring(tree.getroot(), encoding="unicode")
        ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", action="store_true", help="only compile .ts into .qm")
    args = parser.parse_args()
    sources = sorted(str(p) for p in (ROOT / "desktop_chat").rglob("*.py"))
    for language in LANGUAGES:
        ts = TRANSLATIONS / f"desktop_chat_{language}.ts"
        if not args.release:
            known = translations_by_source(ts)
            subprocess.run([tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources,
                            "-ts", str(ts)], check=True)
            carry_over(ts, known)
        subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
