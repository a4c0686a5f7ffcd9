"""Web answers and pictures from the window: the "search the web" switch by the message box, "Draw" (a
button and the `/draw` prefix) with its dialog, and what can be done with a message's files (open in
the system's viewer, save, copy, draw again with the same seed)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage
from PySide6.QtWidgets import QFileDialog

from desktop_chat.chat.sessions import Refused
from desktop_chat.store import Message

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

DRAW_PREFIXES = ("/draw ", "/нарисуй ", "/нарисовать ")


def draw_prompt(text: str) -> str | None:
    """The prompt of a `/draw …` message, or None when the message is a plain question."""
    lowered = text.lstrip().lower()
    for prefix in DRAW_PREFIXES:
        if lowered.startswith(prefix):
            return text.lstrip()[len(prefix):].strip()
    return None


class ToolsFlow(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        window.composer.drawRequested.connect(lambda: self.draw(window.composer.text()))

    # ---- the web switch -------------------------------------------------------------------
    def web_for_next(self) -> bool | None:
        """The switch as the person left it for this message (None: the chat's own default)."""
        return self.window.composer.web_button.isChecked()

    def reset_web(self) -> None:
        """Each chat starts from its own default; after a message is sent, so does the next one."""
        self.window.composer.web_button.setChecked(self.window.chat_settings.web_search)

    # ---- drawing --------------------------------------------------------------------------
    def draw(self, prompt: str = "", *, seed: int | None = None, aspect: str = "1:1", avoid: str = "") -> None:
        from desktop_chat.ui.draw_dialog import DrawDialog

        window = self.window
        dialog = DrawDialog(window.services.language, draw_prompt(prompt) or prompt, seed, aspect, avoid, window)
        if not dialog.exec():
            return
        text, aspect, seed, avoid = dialog.values()
        try:
            ticket = window.sessions.draw(window.chat_id, text, aspect=aspect, seed=seed, avoid=avoid,
                                          settings=window.chat_settings, draft_key=window.chat_id or "new")
        except Refused as refusal:
            window.notices.refused(refusal)
            return
        if window.chat_id is None:
            window.presenter.new_chat_ticket = ticket
        if draw_prompt(window.composer.text()) is not None or window.composer.text().strip() == text:
            window.composer.set_text("")  # the /draw line became the drawing's prompt
        window.presenter.set_tail_for_current()

    # ---- a message's files ----------------------------------------------------------------
    def on_link(self, message: Message, href: str) -> None:
        window = self.window
        if href == "action:redraw" and message.drawing:
            prompt = self._prompt_of(message)
            self.draw(prompt, seed=int(message.drawing.get("seed") or 0) or None,
                      aspect=str(message.drawing.get("aspect") or "1:1"), avoid=str(message.drawing.get("avoid", "")))
            return
        number = int(href.rsplit(":", 1)[1]) if href[-1].isdigit() else 0
        if not 0 <= number < len(message.attachments):
            return
        attached = message.attachments[number]
        path = window.store.attachment_path(attached)
        if not path.exists():
            window.notice(self.tr("The file “%s” is no longer in the data folder.") % attached.name)
        elif href.startswith("action:open-file:"):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))  # the system's own viewer
        elif href.startswith("action:save-file:"):
            target, _ = QFileDialog.getSaveFileName(window, self.tr("Save file"), str(Path.home() / attached.name))
            if target:
                shutil.copyfile(path, target)
                window.statusBar().showMessage(self.tr("Saved to %s") % target, 5000)
        elif href == "action:copy-picture":
            QGuiApplication.clipboard().setImage(QImage(str(path)))
            window.statusBar().showMessage(self.tr("Picture copied."), 3000)

    def _prompt_of(self, reply: Message) -> str:
        messages = self.window.chat_model.messages
        index = next((i for i, m in enumerate(messages) if m.id == reply.id), 0)
        return next((m.text for m in reversed(messages[:index]) if m.role == "user"), "")
