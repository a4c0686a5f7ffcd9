"""resources/translations/setup_strings_ru.tsv covers every visible string of the setup UI, consistently."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["desktop_chat/ui/settings_dialog.py", "desktop_chat/ui/first_run.py",
           "desktop_chat/ui/connection_check.py", "desktop_chat/ui/account_form.py",
           "desktop_chat/ui/number_input.py", "desktop_chat/ui/setup_flow.py", "desktop_chat/ui/setup_parts.py"]
SHEET = ROOT / "resources" / "translations" / "setup_strings_ru.tsv"


def source_strings() -> set[str]:
    """Every literal passed to self.tr(...) or QCoreApplication.translate(ctx, ...)."""
    found = set()
    for name in SOURCES:
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "tr":
                    arg = node.args[0]
                elif node.func.attr == "translate":
                    arg = node.args[1]
                else:
                    continue
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                    f"{name}:{node.lineno}: translate a literal, not an expression")
                found.add(arg.value)
    return found


def sheet() -> dict[str, str]:
    rows = {}
    for number, line in enumerate(SHEET.read_text(encoding="utf-8").splitlines(), 1):
        english, russian = line.split("\t")
        assert english not in rows, f"line {number}: duplicate"
        rows[english] = russian
    return rows


def test_every_string_has_a_russian_line_and_no_stale_ones():
    rows = sheet()
    assert source_strings() - set(rows) == set()
    assert set(rows) - source_strings() == set()


def test_placeholders_tags_and_mnemonics_survive_translation():
    for english, russian in sheet().items():
        assert russian.strip() and russian != english, english
        assert re.findall(r"\{\d\}", english) == re.findall(r"\{\d\}", russian), english
        tags = re.compile(r"</?\w+")
        assert Counter(tags.findall(english)) == Counter(tags.findall(russian)), english
        assert english.count("&") - english.count("&&") == russian.count("&") - russian.count("&&"), english


def test_mnemonics_do_not_clash_within_a_form():
    settings_labels = ["&Folder ID:", "API &key:", "A&dvanced: IAM token, OAuth, API address", "Sign in &with:",
                       "IAM &token:", "Check c&onnection", "&Model:", "Model &URI:",
                       "Tem&perature:", "Max reply &length (tokens):",
                       "Let &Yandex log my requests", "API &address:", "La&nguage:",
                       "T&heme:"]
    rows = sheet()
    for texts in (settings_labels, [rows[t] for t in settings_labels]):
        keys = [t[t.index("&") + 1].lower() for t in texts]
        assert len(keys) == len(set(keys)), Counter(keys).most_common(3)
