"""Finds the application's resource files (icons, translations) in a checkout and in a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """The `resources/` folder: beside the frozen executable's files, or at the top of a checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    return resource_dir() / "translations"


def icon_path() -> Path:
    return resource_dir() / "icons" / "desktop-chat.svg"
