"""The line over the chat that says why the app cannot do everything now (no key, a read-only folder)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offlineBanner")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setContentsMargins(0, 0, 0, 4)  # room for the link's underline on the last line
        self.hide()

    def set_state(self, read_only_reason: str, no_key: bool, keyring_problem: str) -> None:
        if read_only_reason:
            self.setText(self.tr("Your chats can be read but not changed: %s") % read_only_reason)
            self.show()
        elif no_key:
            link = self.tr("Open settings")
            if keyring_problem:
                text = self.tr("This computer has no password storage, so Desktop Chat cannot keep your key "
                               "between runs. Add it in Settings for this session; your chats can be read "
                               "without it.")
            else:
                text = self.tr("No API key yet: you can read, search and export your chats. "
                               "To talk to YandexGPT, add a key.")
            self.setText(f'{text} <a href="settings">{link}</a>')
            self.show()
        else:
            self.hide()
