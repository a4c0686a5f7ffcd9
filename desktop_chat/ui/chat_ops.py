"""Chat management from the window: rename, pin, duplicate, delete with undo, settings, export, import.

Every change goes to the store on the writer lane; the chat list refreshes itself from the store's
change notifications, so nothing here updates the list by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from desktop_chat.store import ChatStore, ChatSummary

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

UNDO_MS = 10000


class ChatOps(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.tasks = window.tasks
        self.deleted: list[str] = []  # chats deleted in this session, newest last (for Undo)
        self.undos: list[Callable[[], None]] = []  # what Undo does, newest last: chats and messages deleted
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(self.hide_undo)

    def _current(self) -> ChatSummary | None:
        chat_id = self.window.chat_id
        return self.window.chat_list_model.get(chat_id) if chat_id else None

    def change(self, change: Callable[[ChatStore], object]) -> None:
        store = self.store
        self.tasks.write(lambda: change(store), None, self.window.on_write_failed)

    def rename(self) -> None:
        summary = self._current()
        if summary is None or summary.read_only:
            return
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle(self.tr("Rename chat"))
        dialog.setLabelText(self.tr("Title:"))
        dialog.setTextValue(summary.title)
        dialog.resize(max(460, dialog.sizeHint().width()), dialog.sizeHint().height())
        if dialog.exec() and dialog.textValue().strip():
            title = dialog.textValue().strip()
            self.change(lambda store: store.rename_chat(summary.id, title))

    def toggle_pin(self) -> None:
        summary = self._current()
        if summary is not None and not summary.read_only:
            self.change(lambda store: store.set_pinned(summary.id, not summary.pinned))

    def duplicate(self) -> None:
        chat_id, store = self.window.chat_id, self.store
        if chat_id is not None:
            self.tasks.write(lambda: store.duplicate_chat(chat_id), self._open, self.window.on_write_failed)

    def delete(self) -> None:
        window = self.window
        chat_id, store = window.chat_id, self.store
        if chat_id is None:
            return
        summary = window.chat_list_model.get(chat_id)
        # A reply being written stores what arrived before the chat goes, so Undo brings it back.
        reply = window.sessions.abandon(chat_id)
        position = window.chat_list_model.row_of(chat_id)

        def delete() -> None:
            if reply is not None:
                reply.done.wait(5)
            store.delete_chat(chat_id)

        def deleted(_result: object) -> None:
            self.deleted.append(chat_id)
            name = summary.title if summary and summary.title else self.tr("New chat")
            self.offer_undo(self.tr("Chat “%s” deleted.") % name, partial(self._restore, chat_id))
            if window.chat_id == chat_id:
                self._open_neighbour(position)

        self.tasks.write(delete, deleted, window.on_write_failed)

    def _open_neighbour(self, position: int | None) -> None:
        """After a delete: the chat that took the deleted one's place in the list, else a new chat."""
        window = self.window
        count = window.chat_list_model.rowCount()
        if position is None or count == 0:
            window.new_chat()
            return
        window.sidebar.choose(min(position, count - 1))
        window.chat_list.setFocus()  # so Undo (Ctrl+Shift+Z) reaches the window, not a text box

    def offer_undo(self, text: str, undo: Callable[[], None]) -> None:
        """Says what was deleted, with Undo beside it (the button, Ctrl+Shift+Z) for a few seconds."""
        self.undos.append(undo)
        self.window.statusBar().showMessage(text, UNDO_MS)
        self.window.undo_button.show()
        self.undo_timer.start(UNDO_MS)

    def undo_delete(self) -> None:
        """Undoes the most recent deletion, of a chat or of messages (repeat for earlier ones, while the
        app runs)."""
        if not self.undos:
            return
        self.hide_undo()
        self.undos.pop()()

    def _restore(self, chat_id: str) -> None:
        if chat_id in self.deleted:
            self.deleted.remove(chat_id)
        store = self.store
        self.tasks.write(lambda: store.restore_chat(chat_id), self._open, self.window.on_write_failed)

    def _open(self, summary: ChatSummary) -> None:
        self.window.chat_list_model.upsert(summary)  # the notification may still be on its way
        self.window.open_chat(summary.id)

    def hide_undo(self) -> None:
        self.window.undo_button.hide()
        self.window.statusBar().clearMessage()

    def edit_settings(self) -> None:
        from desktop_chat.ui.chat_settings_dialog import ChatSettingsDialog

        window = self.window
        dialog = ChatSettingsDialog(window.chat_settings, window.defaults(), window)
        if dialog.exec():
            window.set_chat_settings(dialog.result_settings())

    # ---- export / import ------------------------------------------------------------------
    def export(self, fmt: str) -> None:
        window = self.window
        if window.chat_id is None:
            return
        summary = window.chat_list_model.get(window.chat_id)
        base = "".join(ch for ch in (summary.title if summary else "chat") if ch.isalnum() or ch in " -_")
        filters = {"md": self.tr("Markdown (*.md)"), "html": self.tr("Web page (*.html)"),
                   "json": self.tr("Desktop Chat JSON (*.json)")}
        path, _ = QFileDialog.getSaveFileName(window, self.tr("Export chat"),
                                              str(Path.home() / f"{base.strip() or 'chat'}.{fmt}"), filters[fmt])
        if not path:
            return
        chat_id, store = window.chat_id, self.store
        lang = window.services.language  # the labels in the file ("You", "Assistant") in the UI's language
        exporters = {"md": lambda: store.export_markdown(chat_id, lang),
                     "html": lambda: store.export_html(chat_id, lang),
                     "json": lambda: store.export_json(chat_id)}
        export = exporters[fmt]

        def write() -> None:
            from desktop_chat.store.fileio import atomic_write

            atomic_write(Path(path), export().encode("utf-8"))

        self.tasks.write(write, lambda _r: window.statusBar().showMessage(self.tr("Exported to %s") % path, 6000),
                         window.on_write_failed)

    def import_chat(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Import chat"), str(Path.home()),
                                              self.tr("Desktop Chat JSON (*.json)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        store = self.store

        def imported(summary: ChatSummary) -> None:
            self._open(summary)
            self.window.statusBar().showMessage(self.tr("Chat imported."), 5000)

        def failed(error: BaseException) -> None:
            QMessageBox.warning(self.window, self.tr("Import chat"),
                                self.tr("This file could not be imported: %s") % error)

        self.tasks.write(lambda: store.import_file(path), imported, failed)  # checks the size before reading
