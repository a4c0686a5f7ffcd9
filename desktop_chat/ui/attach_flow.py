"""Files in the window: the attach button and its dialog, drops and pastes, and the two offers a message
with files may need before it goes (the chat's model cannot see pictures; the files do not fit).

Nothing is lost on the way: a refused or failed message keeps its text and its files in the box.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_chat import catalogue
from desktop_chat.chat.sessions import Refused
from desktop_chat.ui.attachment_bar import AttachmentBar

if TYPE_CHECKING:
    from desktop_chat.attachments import Prepared
    from desktop_chat.ui.main_window import MainWindow


class AttachFlow(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.bar = AttachmentBar(window.tasks, window.services.language, self._model, window)
        window.composer.add_attachment_bar(self.bar)
        self._sent: dict[int, list[Prepared]] = {}  # ticket -> files, until the question is on disk
        edit = window.composer.edit
        edit.filesGiven.connect(self.bar.add_paths)
        edit.pictureGiven.connect(lambda data: self.bar.add_image_bytes(data, self.tr("screenshot.png")))
        window.composer.attachRequested.connect(self.choose_files)
        self.bar.problem.connect(lambda text: window.notice(text))
        self.bar.changed.connect(window.update_meter)

    def _model(self) -> str:
        from desktop_chat.chat import conversation

        return conversation.chat_model(self.window.chat_settings, self.window.defaults())

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, self.tr("Attach files"), str(Path.home()),
            self.tr("Pictures and documents (*.png *.jpg *.jpeg *.webp *.gif *.pdf *.docx *.odt *.txt *.md "
                    "*.csv *.json);;All files (*)"))
        if paths:
            self.bar.add_paths([Path(p) for p in paths])

    # ---- sending --------------------------------------------------------------------------
    def sent(self, ticket: int, files: list[Prepared]) -> None:
        if files:
            self._sent[ticket] = files
        self.bar.take()

    def saved(self, ticket: int) -> None:
        self._sent.pop(ticket, None)

    def failed(self, ticket: int) -> None:
        files = self._sent.pop(ticket, None)
        if files and not self.bar.chips:
            self.bar.put_back(files)

    def offer(self, refusal: Refused, text: str, files: Sequence[Prepared]) -> None:
        """Asks how to send a message the chat's model cannot take as it is."""
        window = self.window
        if refusal.reason == "cannot_see":
            entry = catalogue.find(refusal.detail) if refusal.detail else None
            if entry is None:
                window.notice(self.tr("This model cannot see pictures, and no model that can is available. "
                                      "Remove the pictures to send the message."))
                return
            title = entry.title(window.services.language)
            if self.ask(self.tr("This model cannot see pictures"),
                        self.tr("The chat's model cannot see pictures. Send this message to %1, which can? "
                                "The chat keeps its own model for the next messages.").replace("%1", title),
                        self.tr("Send to %1").replace("%1", title)):
                window.send(text, files=list(files), model=entry.id)
        elif refusal.reason == "too_long":
            budget = int(refusal.detail or 0)
            if self.ask(self.tr("The files are too long"),
                        self.tr("The attached documents do not fit into what the model can read at once "
                                "(about %1 tokens are left for them). Send the first part of each document "
                                "that fits?").replace("%1", f"{budget:,}".replace(",", " ")),
                        self.tr("Send the first part")):
                self._send_fitted(text, list(files))

    def _send_fitted(self, text: str, files: list[Prepared]) -> None:
        window, sessions = self.window, self.window.sessions
        settings = window.chat_settings

        def fitted(cut: list[Prepared]) -> None:
            kept = [f"{f.name}: {round(100 * len(f.text) / max(1, f.total_chars))}%" for f in cut
                    if f.kind != "image" and f.total_chars]
            window.statusBar().showMessage(self.tr("Sent the first part: %s") % ", ".join(kept), 10000)
            window.send(text, files=cut)

        window.tasks.read(lambda: sessions.fit_attachments(text, settings, files), fitted,
                          lambda error: window.notice(str(error)))

    def ask(self, title: str, text: str, yes: str) -> bool:
        """A question with a clear yes; tests replace it."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self.window)
        accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(accept)
        box.exec()
        return box.clickedButton() is accept
