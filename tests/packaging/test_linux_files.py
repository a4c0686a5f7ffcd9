"""Fast checks of the Linux packaging inputs (no build): the .desktop file, control.in, the script."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess

import pytest

from tests.packaging.helpers import PACKAGING

DESKTOP = PACKAGING / "linux" / "desktop-chat.desktop"
CONTROL = PACKAGING / "linux" / "control.in"
BUILD_DEB = PACKAGING / "linux" / "build_deb.sh"

# What Qt's xcb platform plugin and the rest of the bundle need from the system (see build_deb.sh).
REQUIRED_DEPENDS = {
    "libc6", "libgl1", "libegl1", "libfontconfig1", "libdbus-1-3", "libxcb1", "libxcb-cursor0",
    "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-randr0", "libxcb-render-util0",
    "libxcb-shape0", "libxcb-xkb1", "libxkbcommon-x11-0", "libwayland-client0",
}


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.RawConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_has_required_keys() -> None:
    entry = _desktop_entry()
    for key in ("Type", "Name", "Name[ru]", "Comment", "Comment[ru]", "Exec", "Icon", "Categories"):
        assert entry.get(key), f"{key} missing from {DESKTOP.name}"
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "desktop-chat"
    assert entry["Icon"] == "desktop-chat"  # the hicolor icon name the .deb installs
    categories = entry["Categories"].split(";")
    assert {"Network", "Chat"} <= set(categories) and entry["Categories"].endswith(";")
    assert entry.get("Terminal") == "false"


def test_desktop_file_validates() -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator is not None, "desktop-file-validate is missing: apt-get install desktop-file-utils"
    result = subprocess.run([validator, str(DESKTOP)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def _control_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in CONTROL.read_text(encoding="utf-8").splitlines():
        if line.startswith((" ", "\t")):
            fields[key] += "\n" + line.strip()
        elif line.strip():
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def _package_names(relation: str) -> list[list[str]]:
    """"a (>= 1), b | c" -> [["a"], ["b", "c"]]"""
    groups = []
    for group in relation.replace("\n", " ").split(","):
        names = [re.sub(r"\(.*?\)", "", alt).strip() for alt in group.split("|")]
        groups.append([n for n in names if n])
    return [g for g in groups if g]


def test_control_declares_runtime_libraries() -> None:
    fields = _control_fields()
    for key in ("Package", "Version", "Architecture", "Maintainer", "Installed-Size", "Depends", "Description"):
        assert key in fields, f"{key} missing from control.in"
    assert fields["Package"] == "desktop-chat"
    depends = {alt for group in _package_names(fields["Depends"]) for alt in group}
    missing = REQUIRED_DEPENDS - depends
    assert not missing, f"control.in Depends lacks {sorted(missing)}"
    assert "@GLIBC@" in fields["Depends"], "libc6's version must come from the bundle (build_deb.sh)"
    assert "gnome-keyring" in fields.get("Recommends", "")


def test_control_packages_exist_in_apt() -> None:
    """Catches a misspelt package name, using the local apt lists only (no network)."""
    if shutil.which("apt-cache") is None:
        pytest.skip("not a Debian-like system")
    lists = subprocess.run(["apt-cache", "show", "libc6"], capture_output=True, check=False).returncode == 0
    assert lists, "apt lists are empty: run apt-get update (scripts/test.sh does it)"
    known = set(subprocess.run(["apt-cache", "pkgnames"], capture_output=True, text=True,
                               check=True).stdout.split())
    fields = _control_fields()
    groups = _package_names(fields["Depends"]) + _package_names(fields["Recommends"])
    unknown = [" | ".join(group) for group in groups if not any(name in known for name in group)]
    assert not unknown, f"no such Debian package: {unknown}"


def test_build_script_is_valid_bash() -> None:
    result = subprocess.run(["bash", "-n", str(BUILD_DEB)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = BUILD_DEB.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    assert "--root-owner-group" in text and "-Zzstd" in text
