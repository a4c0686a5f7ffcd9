"""macOS packaging inputs that can be checked anywhere: the Info.plist template and the scripts."""

from __future__ import annotations

import plistlib
import subprocess

from tests.packaging.helpers import PACKAGING, app_version

PLIST = PACKAGING / "macos" / "Info.plist"


def test_info_plist_template_parses_and_has_the_keys() -> None:
    # The same substitution packaging/desktop-chat.spec makes before handing it to BUNDLE.
    data = plistlib.loads(PLIST.read_bytes().replace(b"@VERSION@", app_version().encode()))
    assert data["CFBundleIdentifier"] == "ru.desktopchat.app"
    assert data["CFBundleShortVersionString"] == app_version() == data["CFBundleVersion"]
    assert data["NSHighResolutionCapable"] is True
    assert data["LSMinimumSystemVersion"].split(".")[0].isdigit()
    assert data["CFBundleIconFile"] == "desktop-chat.icns"
    assert data["CFBundlePackageType"] == "APPL"
    assert "CFBundleExecutable" not in data, "BUNDLE sets it from the spec's executable name"
    assert "ru" in data.get("CFBundleLocalizations", [])


def test_version_is_a_placeholder_not_a_copy() -> None:
    raw = PLIST.read_text(encoding="utf-8")
    assert "@VERSION@" in raw and app_version() not in raw, "the version lives in desktop_chat.__version__ only"


def test_build_scripts_are_valid_bash() -> None:
    for name in ("build_app.sh", "build_dmg.sh"):
        script = PACKAGING / "macos" / name
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert "set -euo pipefail" in script.read_text(encoding="utf-8")
    assert "/Applications" in (PACKAGING / "macos" / "build_dmg.sh").read_text(encoding="utf-8")
