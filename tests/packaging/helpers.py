"""Shared bits for the packaging tests: the repository root and the smoke-test report parser."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"

# The checks desktop_chat/smoke.py runs; each must print "ok <name>" for a working build.
REQUIRED_OK = ("imports", "tls", "store", "keyring", "render")
# May warn: "qt" while desktop_chat.app has no main-window factory, "i18n" while the .ts is untranslated.
MAY_WARN = ("qt", "i18n")


def app_version() -> str:
    text = (ROOT / "desktop_chat" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    assert match, "desktop_chat/__init__.py has no __version__"
    return match.group(1)


def smoke_statuses(output: str) -> dict[str, str]:
    """{"store": "ok", "keyring": "FAIL", ...} from the smoke test's lines."""
    statuses = {}
    for line in output.splitlines():
        match = re.match(r"^(ok|warn|FAIL) (\w+)\b", line)
        if match:
            statuses[match.group(2)] = match.group(1)
    return statuses


def assert_smoke_passed(returncode: int, output: str, *, keyring_backend: str | None = None) -> None:
    statuses = smoke_statuses(output)
    problems = [name for name in REQUIRED_OK if statuses.get(name) != "ok"]
    problems += [name for name in MAY_WARN if statuses.get(name) not in ("ok", "warn")]
    assert returncode == 0 and not problems, f"smoke test failed ({problems}, exit {returncode}):\n{output}"
    if keyring_backend:
        assert re.search(rf"^ok keyring {keyring_backend}\b", output, re.M), output
