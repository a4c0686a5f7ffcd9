"""Fills Russian translations for the given English sources into the .ts file (for strings added by hand
in a change; Qt Linguist does the same). Usage: translate_ru.py < pairs.tsv  (source<TAB>translation)."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parent.parent / "resources" / "translations" / "desktop_chat_ru.ts"


def main() -> int:
    pairs = {}
    for line in sys.stdin.read().splitlines():
        if "\t" in line:
            source, translation = line.split("\t", 1)
            pairs[source.replace("\\n", "\n")] = translation.replace("\\n", "\n")
    tree = ET.parse(TS)
    filled = 0
    for message in tree.getroot().iter("message"):
        source, translation = message.find("source"), message.find("translation")
        if source is None or translation is None or translation.get("type") != "unfinished":
            continue
        text = pairs.get(source.text or "")
        if text is None:
            continue
        if message.get("numerus") == "yes":
            forms = text.split("|")
            for child in list(translation):
                translation.remove(child)
            for form in forms:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = text
        del translation.attrib["type"]
        filled += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    TS.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    print(f"filled {filled}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
