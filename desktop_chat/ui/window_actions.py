"""The main window's actions (each with its shortcut) and menus, and their names in the UI language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow


class WindowActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        w, ops = window, window.chat_ops
        key = QKeySequence.StandardKey
        self.new = self._action(key.New, w.new_chat, "actNewChat")
        self.search = self._action("Ctrl+K", w.sidebar.focus_search, "actSearch")
        self.find = self._action(key.Find, w.show_find, "actFind")
        self.stop = self._action("Esc", w.stop, "actStop")
        self.regenerate = self._action("Ctrl+R", w.regenerate, "actRegenerate")
        self.model = self._action("Ctrl+M", w.header.open_picker, "actModel")
        self.attach = self._action("Ctrl+Shift+A", lambda: w.attach_flow.choose_files(), "actAttach")
        self.newest = self._action("Ctrl+End", w.chat_view.scroll_to_end, "actNewest")
        self.next = self._action("Ctrl+PgDown", lambda: w.switch_chat(1), "actNextChat")
        self.prev = self._action("Ctrl+PgUp", lambda: w.switch_chat(-1), "actPrevChat")
        self.rename = self._action("F2", ops.rename, "actRename")
        self.pin = self._action("Ctrl+Shift+P", ops.toggle_pin, "actPin")
        self.duplicate = self._action(None, ops.duplicate, "actDuplicate")
        self.delete = self._action("Ctrl+Shift+Delete", ops.delete, "actDelete")
        self.undo = self._action("Ctrl+Shift+Z", ops.undo_delete, "actUndoDelete")
        self.chat_settings = self._action("Ctrl+Shift+S", ops.edit_settings, "actChatSettings")
        self.export_md = self._action(None, lambda: ops.export("md"), "actExportMd")
        self.export_html = self._action(None, lambda: ops.export("html"), "actExportHtml")
        self.export_json = self._action(None, lambda: ops.export("json"), "actExportJson")
        self.import_ = self._action("Ctrl+O", ops.import_chat, "actImport")
        self.settings = self._action("Ctrl+,", w.open_settings, "actSettings")
        self.quit = self._action(key.Quit, w.close, "actQuit")
        self.about = self._action(None, self.show_about, "actAbout")
        self.shortcuts = self._action("F1", self.show_shortcuts, "actShortcuts")
        self.chat_only = [self.rename, self.pin, self.duplicate, self.delete, self.export_md, self.export_html,
                          self.export_json]

        bar = w.menuBar()
        self.menu_file = bar.addMenu("")
        for action in (self.new, self.import_):
            self.menu_file.addAction(action)
        self.menu_export = self.menu_file.addMenu("")
        for action in (self.export_md, self.export_html, self.export_json):
            self.menu_export.addAction(action)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.settings)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.quit)
        self.menu_chat = bar.addMenu("")
        for action in (self.rename, self.pin, self.duplicate, self.chat_settings, self.delete, self.undo):
            self.menu_chat.addAction(action)
        self.menu_chat.addSeparator()
        for action in (self.regenerate, self.stop, self.model, self.attach, self.find, self.search, self.next,
                       self.prev):
            self.menu_chat.addAction(action)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.shortcuts)
        self.menu_help.addAction(self.about)
        for action in (self.rename, self.pin, self.duplicate, self.chat_settings, self.delete):
            w.chat_list.addAction(action)

    def _action(self, shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot: Callable[[], object],
                name: str) -> QAction:
        action = QAction(self.window)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def show_about(self) -> None:
        from desktop_chat import __version__

        QMessageBox.about(self.window, self.tr("About Desktop Chat"),
                          self.tr("Desktop Chat %s\n\nA desktop client for YandexGPT and the other models of "
                                  "Yandex AI Studio. Your chats stay on your computer:\n%s")
                          % (__version__, self.window.store.data_dir))

    def shortcut_table(self) -> list[tuple[str, str]]:
        """(what, keys) for every shortcut of the window, the message box's own keys first."""
        native = QKeySequence.SequenceFormat.NativeText
        rows = [(self.tr("Send the message"), "Enter"), (self.tr("New line in the message"), "Shift+Enter"),
                (self.tr("Copy the chosen message"), QKeySequence(QKeySequence.StandardKey.Copy).toString(native)),
                (self.tr("Message menu"), "Shift+F10")]
        for action in self.window.findChildren(QAction):
            if not action.shortcut().isEmpty() and action.text():
                rows.append((action.text().replace("&", "").rstrip("…"), action.shortcut().toString(native)))
        return rows

    def show_shortcuts(self) -> None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout

        rows = self.shortcut_table()
        dialog = QDialog(self.window)
        dialog.setWindowTitle(self.tr("Keyboard shortcuts"))
        table = QTableWidget(len(rows), 2, dialog)
        table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for number, (what, keys) in enumerate(rows):
            table.setItem(number, 0, QTableWidgetItem(what))
            table.setItem(number, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        dialog.open()

    def retranslate(self) -> None:
        names = {
            self.new: self.tr("New chat"), self.search: self.tr("Search all chats"),
            self.find: self.tr("Find in chat"), self.stop: self.tr("Stop the reply"),
            self.regenerate: self.tr("Regenerate the last reply"), self.model: self.tr("Choose the model…"),
            self.attach: self.tr("Attach files…"), self.newest: self.tr("To the newest message"),
            self.next: self.tr("Next chat"), self.prev: self.tr("Previous chat"),
            self.rename: self.tr("Rename…"), self.pin: self.tr("Pin"),
            self.duplicate: self.tr("Duplicate"), self.delete: self.tr("Delete"),
            self.undo: self.tr("Undo delete"), self.chat_settings: self.tr("Chat settings…"),
            self.export_md: self.tr("Markdown…"), self.export_html: self.tr("HTML…"),
            self.export_json: self.tr("JSON…"), self.import_: self.tr("Import chat from JSON…"),
            self.settings: self.tr("Settings…"), self.quit: self.tr("Quit"),
            self.about: self.tr("About Desktop Chat"), self.shortcuts: self.tr("Keyboard shortcuts"),
        }
        for action, text in names.items():
            action.setText(text)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text} ({shortcut})" if shortcut else text)
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_export.setTitle(self.tr("Export chat as"))
        self.menu_chat.setTitle(self.tr("&Chat"))
        self.menu_help.setTitle(self.tr("&Help"))

    def update_for_chat(self, has_chat: bool, pinned: bool) -> None:
        for action in self.chat_only:
            action.setEnabled(has_chat)
        self.pin.setText(self.tr("Unpin") if pinned else self.tr("Pin"))
