"""Answer versions (‹ 2/3 › under a message) and deleting messages (with Undo), from the window.

The store does the work (one atomic rewrite of the chat file each: store/message_edits.py) on the
writer lane; the view then shows the chat as stored, keeping its place. Neither is done while the chat
is writing a reply: that reply is stored after the messages it was asked about.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop_chat.store import Message
from desktop_chat.store.versions import Removed

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

NOTICE_MS = 8000


class VersionsFlow(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def _refused(self, busy_text: str) -> bool:
        """True (and says why) when the open chat's messages cannot be changed now."""
        window = self.window
        if window.chat_id is None:
            return True
        if window.read_only:
            window.statusBar().showMessage(self.tr("This chat was saved by a newer version of Desktop Chat and is "
                                                   "read-only."), NOTICE_MS)
            return True
        if window.sessions.live(window.chat_id) is not None:
            window.statusBar().showMessage(busy_text, NOTICE_MS)
            return True
        return False

    # ---- versions -------------------------------------------------------------------------
    def switch(self, message: Message, step: int) -> None:
        """Shows the previous (-1) or next (+1) version of the message's turn."""
        target = message.version + step
        if not message.versions or not 0 <= target <= len(message.versions):
            return
        if self._refused(self.tr("A reply is being written in this chat. Wait for it to finish (or stop it), "
                                 "then switch versions.")):
            return
        window, store, chat_id = self.window, self.window.store, self.window.chat_id
        assert chat_id is not None
        window.tasks.write(lambda: store.switch_version(chat_id, message.id, target),
                           partial(self._show, chat_id), window.on_write_failed)

    def _show(self, chat_id: str, messages: list[Message]) -> None:
        """The chat's messages as now stored, if it is still the open chat (keeping the reader's place)."""
        window = self.window
        if window.chat_id != chat_id:
            return
        window.chat_model.update_messages(messages)
        if window.editing_message_id is not None and all(m.id != window.editing_message_id for m in messages):
            window.composer.editCancelled.emit()  # the message being edited went with the other version
        window.update_title()
        window.update_meter()

    # ---- deleting -------------------------------------------------------------------------
    def delete(self, message: Message) -> None:
        """Deletes a question with its reply, or a reply alone; Undo puts them back."""
        if self._refused(self.tr("A reply is being written in this chat. Wait for it to finish (or stop it), "
                                 "then delete.")):
            return
        window, store, chat_id = self.window, self.window.store, self.window.chat_id
        assert chat_id is not None
        messages = window.chat_model.messages
        at = next((i for i, m in enumerate(messages) if m.id == message.id), None)
        if at is None:
            return
        ids = [message.id]
        if message.role == "user" and at + 1 < len(messages) and messages[at + 1].role == "assistant":
            ids.append(messages[at + 1].id)
        window.tasks.write(lambda: store.delete_messages(chat_id, ids), self._deleted, window.on_write_failed)

    def _deleted(self, removed: Removed) -> None:
        window = self.window
        gone = {m.id for m in removed.messages}
        self._show(removed.chat_id, [m for m in window.chat_model.messages if m.id not in gone])
        text = self.tr("Question and its reply deleted.") if len(removed.messages) > 1 else \
            self.tr("Message deleted.")
        window.chat_ops.offer_undo(text, partial(self.undo, removed))

    def undo(self, removed: Removed) -> None:
        window = self.window
        if window.sessions.live(removed.chat_id) is not None:
            window.chat_ops.offer_undo(self.tr("A reply is being written in this chat. Press Undo again once it "
                                               "has finished."), partial(self.undo, removed))
            return
        store = window.store
        window.tasks.write(lambda: store.restore_messages(removed), partial(self._restored, removed),
                           window.on_write_failed)

    def _restored(self, removed: Removed, messages: list[Message]) -> None:
        window = self.window
        if window.chat_id == removed.chat_id:
            self._show(removed.chat_id, messages)
        else:
            window.open_chat(removed.chat_id, scroll_to=removed.messages[0].id)
