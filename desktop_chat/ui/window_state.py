"""The window's size and the split between the chat list and the chat, kept in the settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow


def restore_window_state(window: MainWindow, state: Mapping[str, object]) -> None:
    geometry = state.get("geometry")
    splitter = state.get("splitter")
    if isinstance(geometry, str) and geometry:
        window.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
    if isinstance(splitter, str) and splitter:
        window.splitter.restoreState(QByteArray.fromBase64(splitter.encode()))


def save_window_state(window: MainWindow) -> dict[str, str]:
    return {"geometry": bytes(window.saveGeometry().toBase64().data()).decode(),
            "splitter": bytes(window.splitter.saveState().toBase64().data()).decode()}
