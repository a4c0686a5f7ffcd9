"""The main window: chat list and search on the left, the open chat and the message box on the right.

The window holds no I/O of its own: store writes go through `BackgroundTasks.write` (one at a time,
in order), searches and token counts through `BackgroundTasks.read`, and completions through the
`CompletionRunner` thread. Services come in through `Services`, so tests hand in their own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.api.models import MODELS, model_uri
from desktop_chat.chat import conversation
from desktop_chat.chat.conversation import Defaults
from desktop_chat.settings import Settings, SettingsStore
from desktop_chat.store import ChatSettings, ChatStore, ChatSummary, Message, StoreError
from desktop_chat.ui.chat_list import ChatSidebar
from desktop_chat.ui.chat_view import ROW_ROLE, ChatModel, ChatView, Row
from desktop_chat.ui.composer import Composer
from desktop_chat.ui.tasks import BackgroundTasks
from desktop_chat.ui.theme import Theme
from desktop_chat.ui.throttle import Throttle

if TYPE_CHECKING:
    from desktop_chat.api.client import Completion, Credentials, YandexGptClient
    from desktop_chat.secrets import SecretStore
    from desktop_chat.ui.completion_worker import CompletionRunner

log = logging.getLogger(__name__)

NEW_CHAT_DRAFT = "new"  # the draft key of a chat that is not saved yet
STREAM_REPAINT_MS = 80  # a dozen repaints a second reads smoothly and leaves the GUI thread idle
DRAFT_SAVE_MS = 600
UNDO_MS = 10000


@dataclass
class Services:
    store: ChatStore
    settings: Settings
    tasks: BackgroundTasks
    settings_store: SettingsStore | None = None
    secrets: SecretStore | None = None  # created after the first paint
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    api_base_override: str | None = None
    language: str = "en"  # "ru" or "en": the language of messages from the API layer
    client_options: dict = field(default_factory=dict)  # extra YandexGptClient arguments (tests: short backoff)
    # Bumped whenever settings or keys are applied, so an older read of the keyring cannot win.
    credentials_generation: int = 0

    @property
    def api_base(self) -> str:
        return self.api_base_override or self.settings.api_base


@dataclass
class _Stream:
    """The reply being written: which chat it belongs to, what it replaces, what has arrived so far."""

    job_id: int
    chat_id: str
    model: str
    row: Row  # the row on screen; its text is brought up to `text` at each throttled repaint
    replaces: Message | None = None  # the reply being regenerated or retried
    text: str = ""


class MainWindow(QMainWindow):
    def __init__(self, services: Services, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.store = services.store
        self.tasks = services.tasks
        self.theme = theme
        self.credentials: Credentials | None = None
        self.credentials_checked = False
        self.keyring_problem = ""  # why the system's password storage can't keep the key ("" = it can)
        self.chat_id: str | None = None
        self.chat_settings = ChatSettings()
        self.read_only = False
        self.editing_message_id: str | None = None
        self._draft_before_edit = ""
        self._sending = False  # a question is being saved; a second Enter must not send it twice
        self.stream: _Stream | None = None
        # Failed replies of this session: message id -> the error, whose words follow the UI language.
        self.live_errors: dict[str, BaseException] = {}
        self._deleted: list[str] = []  # chats deleted in this session, newest last (for Undo)
        # Opens the settings dialog; set by the start-up code once the keyring has been read.
        self.settings_opener: Callable[..., None] | None = None
        self.store_report: object = None  # what the store found at open (quarantined files...)
        self.setObjectName("mainWindow")

        self._runner: CompletionRunner | None = None
        self.stream_throttle = Throttle(self._repaint_stream, STREAM_REPAINT_MS, self)

        self._build_ui()
        self._build_actions()
        self._connect()
        self.retranslate()
        self._restore_window_state()
        self.chat_list_model.set_chats(self.store.list_chats())
        self._open_new_chat()

    # ------------------------------------------------------------------ building
    def _build_ui(self) -> None:
        self.sidebar = ChatSidebar(self.store, self.tasks, self)
        # The window works with the sidebar's list of chats directly: it keeps it in step with the store.
        self.chat_list_model = self.sidebar.model
        self.chat_list = self.sidebar.chat_list

        self.title_label = QLabel(self)
        self.title_label.setObjectName("chatTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chat_settings_button = QToolButton(self)
        self.chat_settings_button.setObjectName("chatSettingsButton")
        self.chat_settings_button.setText("⚙")
        self.banner = QLabel(self)
        self.banner.setObjectName("offlineBanner")
        self.banner.setWordWrap(True)
        self.banner.setOpenExternalLinks(False)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setContentsMargins(0, 0, 0, 4)  # room for the link's underline on the last line
        self.banner.hide()

        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("findBox")
        self.find_box.setClearButtonEnabled(True)
        self.find_status = QLabel(self)
        self.find_close = QToolButton(self)
        self.find_close.setText("✕")
        self.find_bar = QWidget(self)
        find_layout = QHBoxLayout(self.find_bar)
        find_layout.setContentsMargins(0, 0, 0, 0)
        find_layout.addWidget(self.find_box, 1)
        find_layout.addWidget(self.find_status)
        find_layout.addWidget(self.find_close)
        self.find_bar.hide()

        self.chat_model = ChatModel(self)
        self.chat_model.decorate = self._decorate_row
        self.chat_view = ChatView(self.theme, self)
        self.chat_view.setModel(self.chat_model)
        self.composer = Composer(self)

        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.chat_settings_button)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 8, 8, 0)
        right_layout.setSpacing(4)
        right_layout.addLayout(header)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.find_bar)
        right_layout.addWidget(self.chat_view, 1)
        right_layout.addWidget(self.composer)

        self.splitter = QSplitter(self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 740])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.resize(1000, 700)
        # Tab goes as the eye does: left column top to bottom, then the chat, then the message box.
        sidebar = self.sidebar
        order = [sidebar.new_chat_button, sidebar.search_box, sidebar.chat_list, sidebar.results_list,
                 self.chat_settings_button, self.chat_view, self.composer.edit, self.composer.send_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

        self.undo_button = QPushButton(self)
        self.undo_button.hide()
        self.statusBar().addPermanentWidget(self.undo_button)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(self._hide_undo)

        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_SAVE_MS)
        self.meter_timer = QTimer(self)
        self.meter_timer.setSingleShot(True)
        self.meter_timer.setInterval(700)

    def _action(self, shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot: Callable[[], object],
                name: str) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.act_new = self._action(key.New, self.new_chat, "actNewChat")
        self.act_search = self._action("Ctrl+K", self.sidebar.focus_search, "actSearch")
        self.act_find = self._action(key.Find, self.show_find, "actFind")
        self.act_stop = self._action("Esc", self.stop, "actStop")
        self.act_regenerate = self._action("Ctrl+R", self.regenerate, "actRegenerate")
        self.act_next = self._action("Ctrl+PgDown", lambda: self.switch_chat(1), "actNextChat")
        self.act_prev = self._action("Ctrl+PgUp", lambda: self.switch_chat(-1), "actPrevChat")
        self.act_rename = self._action("F2", self.rename_chat, "actRename")
        self.act_pin = self._action("Ctrl+Shift+P", self.toggle_pin, "actPin")
        self.act_duplicate = self._action(None, self.duplicate_chat, "actDuplicate")
        self.act_delete = self._action("Ctrl+Shift+Delete", self.delete_chat, "actDelete")
        self.act_undo = self._action("Ctrl+Shift+Z", self.undo_delete, "actUndoDelete")
        self.act_chat_settings = self._action("Ctrl+Shift+S", self.edit_chat_settings, "actChatSettings")
        self.act_export_md = self._action(None, lambda: self.export_chat("md"), "actExportMd")
        self.act_export_html = self._action(None, lambda: self.export_chat("html"), "actExportHtml")
        self.act_export_json = self._action(None, lambda: self.export_chat("json"), "actExportJson")
        self.act_import = self._action("Ctrl+O", self.import_chat, "actImport")
        self.act_settings = self._action("Ctrl+,", self.open_settings, "actSettings")
        self.act_quit = self._action(key.Quit, self.close, "actQuit")
        self.act_about = self._action(None, self.show_about, "actAbout")

        bar = self.menuBar()
        self.menu_file = bar.addMenu("")
        for action in (self.act_new, self.act_import):
            self.menu_file.addAction(action)
        self.menu_export = self.menu_file.addMenu("")
        for action in (self.act_export_md, self.act_export_html, self.act_export_json):
            self.menu_export.addAction(action)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_settings)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.act_quit)
        self.menu_chat = bar.addMenu("")
        for action in (self.act_rename, self.act_pin, self.act_duplicate, self.act_chat_settings,
                       self.act_delete, self.act_undo):
            self.menu_chat.addAction(action)
        self.menu_chat.addSeparator()
        for action in (self.act_regenerate, self.act_stop, self.act_find, self.act_search,
                       self.act_next, self.act_prev):
            self.menu_chat.addAction(action)
        self.menu_help = bar.addMenu("")
        self.menu_help.addAction(self.act_about)
        for action in (self.act_rename, self.act_pin, self.act_duplicate, self.act_chat_settings,
                       self.act_delete):
            self.chat_list.addAction(action)

    def _connect(self) -> None:
        self.sidebar.newChatRequested.connect(self.new_chat)
        self.sidebar.chatSelected.connect(self.open_chat)
        self.sidebar.resultChosen.connect(self._on_result_chosen)
        self.composer.sendRequested.connect(self.send)
        self.composer.stopRequested.connect(self.stop)
        self.composer.editCancelled.connect(self._cancel_edit)
        self.composer.draftChanged.connect(lambda _t: (self.draft_timer.start(), self.meter_timer.start()))
        self.draft_timer.timeout.connect(self._save_draft)
        self.meter_timer.timeout.connect(self._update_meter)
        self.chat_view.linkActivated.connect(self._on_link)
        self.chat_view.menuRequested.connect(self._show_message_menu)
        self.chat_view.nearTop.connect(self._grow_history)
        self.chat_settings_button.clicked.connect(self.edit_chat_settings)
        self.banner.linkActivated.connect(lambda _href: self.open_settings())
        self.find_box.textChanged.connect(lambda _t: self.find_in_chat(0))
        self.find_box.returnPressed.connect(lambda: self.find_in_chat(1))
        self.find_close.clicked.connect(self.hide_find)
        self.undo_button.clicked.connect(self.undo_delete)
        from desktop_chat.ui.theme import theme_notifier

        theme_notifier().changed.connect(self._on_theme_flipped)

    # ------------------------------------------------------------------ language
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Desktop Chat"))
        self.chat_view.setAccessibleName(self.tr("Messages"))
        self.chat_view.set_empty_text(self.tr("Ask YandexGPT anything: type below and press Enter.\n\n"
                                              "Your chats are kept on this computer and can be read offline."))
        self.chat_settings_button.setToolTip(self.tr("This chat's settings: system prompt, model (Ctrl+Shift+S)"))
        self.chat_settings_button.setAccessibleName(self.tr("Chat settings"))
        self.find_box.setPlaceholderText(self.tr("Find in this chat (Enter: next)"))
        self.find_box.setAccessibleName(self.tr("Find in this chat"))
        self.find_close.setToolTip(self.tr("Close (Esc)"))
        self.undo_button.setText(self.tr("Undo"))
        names = {
            self.act_new: self.tr("New chat"), self.act_search: self.tr("Search all chats"),
            self.act_find: self.tr("Find in chat"), self.act_stop: self.tr("Stop the reply"),
            self.act_regenerate: self.tr("Regenerate the last reply"),
            self.act_next: self.tr("Next chat"), self.act_prev: self.tr("Previous chat"),
            self.act_rename: self.tr("Rename…"), self.act_pin: self.tr("Pin"),
            self.act_duplicate: self.tr("Duplicate"), self.act_delete: self.tr("Delete"),
            self.act_undo: self.tr("Undo delete"), self.act_chat_settings: self.tr("Chat settings…"),
            self.act_export_md: self.tr("Markdown…"), self.act_export_html: self.tr("HTML…"),
            self.act_export_json: self.tr("JSON…"), self.act_import: self.tr("Import chat from JSON…"),
            self.act_settings: self.tr("Settings…"), self.act_quit: self.tr("Quit"),
            self.act_about: self.tr("About Desktop Chat"),
        }
        for action, text in names.items():
            action.setText(text)
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text} ({shortcut})" if shortcut else text)
        self.menu_file.setTitle(self.tr("&File"))
        self.menu_export.setTitle(self.tr("Export chat as"))
        self.menu_chat.setTitle(self.tr("&Chat"))
        self.menu_help.setTitle(self.tr("&Help"))
        self._update_banner()
        self._update_title()
        self.chat_model.refresh()
        self._update_meter()

    def settings_changed(self) -> None:
        """The app-wide settings changed (default model, limits): refresh what shows them."""
        self._update_title()
        self._update_meter()

    def set_theme(self, theme: Theme) -> None:
        """Repaints the chat in another theme (messages carry colors: code, links, formulas)."""
        self.theme = theme
        self.chat_view.set_theme(theme)

    def _on_theme_flipped(self, dark: bool) -> None:
        from desktop_chat.ui.theme import theme_for

        self.set_theme(theme_for(dark))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @property
    def runner(self) -> CompletionRunner:
        """The completion thread, started on first use (the HTTP client is not needed to paint)."""
        if self._runner is None:
            from desktop_chat.ui.completion_worker import CompletionRunner

            self._runner = CompletionRunner(self._make_client, self)
            self._runner.chunk.connect(self._on_chunk)
            self._runner.finished.connect(self._on_reply_finished)
            self._runner.stopped.connect(self._on_reply_stopped)
            self._runner.failed.connect(self._on_reply_failed)
        return self._runner

    def prewarm(self) -> Future:
        """Imports the HTTP client and the Markdown renderer on a background thread once the window
        is up, so the first reply does not stall the window while Python loads them."""
        def warm() -> None:
            from pygments.lexers import get_lexer_by_name

            import desktop_chat.api.client
            import desktop_chat.ui.render  # noqa: F401

            get_lexer_by_name("python")  # the first lexer loads Pygments' lexer tables

        return self.tasks.read(warm)

    @property
    def busy(self) -> bool:
        return self._runner is not None and self._runner.busy

    # ------------------------------------------------------------------ credentials
    def set_credentials(self, credentials: Credentials | None) -> None:
        self.credentials = credentials
        self.credentials_checked = True
        if credentials is not None:  # "add a key first" notices no longer apply
            self.chat_model.set_tail([r for r in self.chat_model.tail() if r.kind != "notice"])
        self._update_banner()
        self._update_meter()

    def _make_client(self) -> YandexGptClient:
        from desktop_chat.api.client import YandexGptClient

        if self.credentials is None:
            raise RuntimeError("no credentials")
        return YandexGptClient(self.credentials, self.services.api_base,
                               data_logging=self.services.settings.data_logging,
                               **self.services.client_options)

    def _update_banner(self) -> None:
        if self.credentials is None and self.credentials_checked:
            link = self.tr("Open settings")
            if self.keyring_problem:
                text = self.tr("This computer has no password storage, so Desktop Chat cannot keep your key "
                               "between runs. Add it in Settings for this session; your chats can be read "
                               "without it.")
            else:
                text = self.tr("No API key yet: you can read, search and export your chats. "
                               "To talk to YandexGPT, add a key.")
            self.banner.setText(f'{text} <a href="settings">{link}</a>')
            self.banner.show()
        else:
            self.banner.hide()

    # ------------------------------------------------------------------ opening chats
    def new_chat(self) -> None:
        self._save_draft()
        self.sidebar.select(None)
        self._open_new_chat()
        self.composer.edit.setFocus()

    def _open_new_chat(self) -> None:
        self.chat_id = None
        self.read_only = False
        self.chat_settings = ChatSettings()
        self._end_edit()
        self.chat_model.set_messages([])
        self.chat_model.set_cut(None, "")
        self._set_tail_for_current()
        self.composer.set_text(self.store.get_draft(NEW_CHAT_DRAFT))
        self._update_title()
        self._update_meter()

    def open_chat(self, chat_id: str, *, scroll_to: str | None = None) -> None:
        if chat_id == self.chat_id:
            if scroll_to is not None:
                self._scroll_to_message(scroll_to)  # same chat: keep the draft or edit in progress
            return
        self._save_draft()
        try:
            chat = self.store.load_chat(chat_id)
        except Exception as error:
            log.warning("could not open chat: %s", type(error).__name__)
            self.statusBar().showMessage(self.tr("This chat could not be opened: %s") % error, 8000)
            return
        self.chat_id = chat_id
        self.read_only = chat.summary.read_only
        self.chat_settings = chat.settings
        self._end_edit()
        self.chat_model.set_cut(None, "")
        self.chat_model.set_messages(chat.messages)
        self.find_bar.hide()
        self.chat_view.set_highlight("")
        self._set_tail_for_current()
        self.composer.set_text(self.store.get_draft(chat_id))
        self._update_title()
        self._select_in_list(chat_id)
        self.chat_view.scroll_to_end()
        self._fill_viewport()
        if scroll_to:
            self._scroll_to_message(scroll_to)
        self._update_meter()

    def _scroll_to_message(self, message_id: str) -> None:
        row = self.chat_model.ensure_visible(message_id)
        if row is None:
            return
        index = self.chat_model.index(row)
        self.chat_view.executeDelayedItemsLayout()
        self.chat_view.scrollTo(index, QListView.ScrollHint.PositionAtCenter)
        self.chat_view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _fill_viewport(self) -> None:
        """Loads older messages until there is something to scroll (else scrolling up could not ask)."""
        bar = self.chat_view.verticalScrollBar()
        while self.chat_model.has_more_above() and bar.maximum() == 0:
            self.chat_model.grow_up()
            self.chat_view.scroll_to_end()

    def _select_in_list(self, chat_id: str | None) -> None:
        self.sidebar.select(chat_id)

    def switch_chat(self, step: int) -> None:
        count = self.chat_list_model.rowCount()
        if not count:
            return
        row = self.chat_list_model.row_of(self.chat_id) if self.chat_id else None
        self.sidebar.choose(0 if row is None else (row + step) % count)

    def _grow_history(self) -> None:
        if self.chat_model.has_more_above():
            self.chat_view.keep_position_while(self.chat_model.grow_up)

    def _update_title(self) -> None:
        summary = self.chat_list_model.get(self.chat_id) if self.chat_id else None
        title = (summary.title if summary else "") or self.tr("New chat")
        model = conversation.chat_model(self.chat_settings, self._defaults())
        info = MODELS.get(model)
        self.title_label.setText(title)
        self.title_label.setToolTip(info.title if info else model)
        for action in (self.act_rename, self.act_pin, self.act_duplicate, self.act_delete,
                       self.act_export_md, self.act_export_html, self.act_export_json):
            action.setEnabled(self.chat_id is not None)
        self.act_pin.setText(self.tr("Unpin") if summary is not None and summary.pinned else self.tr("Pin"))

    def _defaults(self) -> Defaults:
        s = self.services.settings
        return Defaults(model=s.model, temperature=s.temperature, max_tokens=s.max_tokens)

    # ------------------------------------------------------------------ rows
    def _decorate_row(self, row: Row, is_last: bool) -> None:
        """Sets the notes and links shown under a message."""
        message = row.message
        if message is None:
            return
        notes: list[str] = []
        actions = [("action:copy", self.tr("Copy")), ("action:copy-md", self.tr("Copy as Markdown"))]
        if message.role == "user":
            if not self.read_only:
                actions.append(("action:edit", self.tr("Edit")))
            if is_last and not self.read_only and self.stream is None:
                notes.append(self.tr("No reply yet."))
                actions.append(("action:retry", self.tr("Send again")))
        else:
            status_note = {
                "truncated": self.tr("The reply was cut off: it reached the length limit (max tokens). "
                                     "You can raise the limit in the chat's settings."),
                "content_filter": self.tr("The model declined to answer this (content filter)."),
                "stopped": self.tr("Stopped."),
            }.get(message.status)
            if message.status == "error":
                status_note = self.error_text(message)
            if status_note:
                notes.append(status_note)
            if message.usage:
                notes.append(self.tr("Tokens: %1 in, %2 out").replace("%1", str(message.usage.get("input", 0)))
                             .replace("%2", str(message.usage.get("completion", 0))))
            if is_last and not self.read_only:
                if message.status == "error":
                    actions.insert(0, ("action:retry", self.tr("Retry")))
                    if message.error in ("auth", "permission"):
                        actions.insert(1, ("action:settings", self.tr("Open settings")))
                else:
                    actions.append(("action:regenerate", self.tr("Regenerate")))
        row.footer_note = "\n".join(notes)
        row.actions = actions

    def _error_text(self, error: BaseException) -> str:
        from desktop_chat.api.errors import ApiError

        if isinstance(error, ApiError):
            return error.user_message(self.services.language)
        return self.tr("Something went wrong inside the app: %s") % type(error).__name__

    def error_text(self, message: Message) -> str:
        """Plain words for a failed reply: the live error of this session, else one for its kind."""
        error = self.live_errors.get(message.id)
        return self._error_text(error) if error is not None else self._stored_error_text(message.error)

    def _stored_error_text(self, kind: str) -> str:
        """The API layer's own words for the kind; the counts of a too-long chat were not stored."""
        from desktop_chat.api.errors import message_for_kind

        if kind == "context_too_long":
            return self.tr("The conversation is too long for the model. Start a new chat or shorten the message.")
        return message_for_kind(kind, self.services.language) or self.tr("The reply failed. Retry in a moment.")

    def _set_tail_for_current(self) -> None:
        tail: list[Row] = []
        if self.stream is not None and self.stream.chat_id == self.chat_id:
            tail.append(self.stream.row)
        self.chat_model.set_tail(tail)
        self._update_busy()

    def _update_busy(self) -> None:
        # Stop belongs to the chat whose reply is being written; other chats show Send.
        self.composer.set_busy(self.stream is not None and self.stream.chat_id == self.chat_id)

    def _showing(self, chat_id: str | None) -> bool:
        return self.chat_id == chat_id

    # ------------------------------------------------------------------ sending
    def send(self, text: str) -> None:
        """Stores the question durably, then asks for a reply to the chat as it was when Send was pressed."""
        if self._sending:
            return  # the previous Enter is still being saved
        if self.stream is not None:
            if self.stream.chat_id != self.chat_id:
                summary = self.chat_list_model.get(self.stream.chat_id)
                self._notice(self.tr("A reply is still being written in “%s”. Wait for it, or open that chat "
                                     "and stop it.") % (summary.title if summary else self.tr("New chat")))
            return
        if self.read_only:
            self._notice(self.tr("This chat was saved by a newer version of Desktop Chat and is read-only."))
            return
        if self.credentials is None:
            self._notice(self.tr("To send messages, add your Yandex Cloud API key and folder ID in Settings. "
                                 "Your message is kept in the box."), settings_link=True)
            return
        chat_id, settings, editing = self.chat_id, self.chat_settings, self.editing_message_id
        draft_key = chat_id or NEW_CHAT_DRAFT
        history = self._history_for_next_question()
        question = Message.new("user", text)
        title = conversation.title_from_text(text)
        store = self.store

        self._sending = True
        self.draft_timer.stop()
        self.composer.set_text(self._draft_before_edit if editing is not None else "")
        self._end_edit()

        def write() -> ChatSummary:
            target = chat_id if chat_id is not None else store.create_chat(title, settings).id
            store.append_message(target, question, replaces=editing)
            if editing is None:
                store.set_draft(draft_key, "")  # sent: no longer a draft
            return store.get_chat_summary(target)

        def written(summary: ChatSummary) -> None:
            self._sending = False
            self.chat_list_model.upsert(summary)
            if self._showing(chat_id):
                self.chat_id = summary.id
                if editing is not None:
                    self.chat_model.replace_messages_from(editing)
                self.chat_model.append_message(question)
                self._select_in_list(summary.id)
                self._update_title()
            self._start_reply(summary.id, [*history, question], settings)

        def failed(error: BaseException) -> None:
            self._sending = False
            if self._showing(chat_id):
                if editing is not None:
                    # Back into the edit, with the edited text; the draft waits behind it again.
                    self._draft_before_edit = self.composer.text()
                    self.editing_message_id = editing
                    self.composer.set_text(text)
                    self.composer.show_banner(self.tr(
                        "Editing: sending replaces this message and removes everything after it."))
                elif not self.composer.text().strip():
                    self.composer.set_text(text)  # nothing typed since: put the question back
            self._on_write_failed(error, kept_in_box=True)

        self.tasks.write(write, written, failed)

    def _on_write_failed(self, error: BaseException, *, kept_in_box: bool = False) -> None:
        log.warning("store write failed: %s", type(error).__name__)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        disk = isinstance(error, OSError) or (isinstance(error, StoreError) and error.kind == "io")
        if disk:
            text = self.tr("Could not save to disk: %s. Free some disk space and try again.") % reason
        else:
            text = self.tr("Could not save: %s") % reason
        if kept_in_box:
            text += " " + self.tr("Your text is still in the box.")
        self._notice(text)

    def _notice(self, text: str, *, settings_link: bool = False, retry_link: bool = False) -> None:
        self.statusBar().showMessage(text, 10000)
        row = Row("notice", text=text)
        if settings_link:
            row.actions = [("action:settings", self.tr("Open settings"))]
        if retry_link:
            row.actions = [("action:regenerate", self.tr("Retry"))]
        self.chat_model.set_tail([r for r in self.chat_model.tail() if r.kind != "notice"] + [row])
        self.chat_view.scroll_to_end()

    def _start_reply(self, chat_id: str, messages: list[Message], settings: ChatSettings,
                     replaces: Message | None = None) -> None:
        """Asks the model to reply to `messages` (the chat up to and with the question)."""
        if self.credentials is None or self.busy:
            return
        plan = conversation.plan_request(messages, settings, self._defaults())
        try:
            uri = model_uri(self.credentials.folder_id, plan.model)
        except ValueError:
            # A chat (perhaps imported) names a model this app does not know.
            if self._showing(chat_id):
                if replaces is not None:
                    self._put_reply_in_view(replaces, replaces)
                self._notice(self.tr("This chat's model “%s” is unknown. Choose another one in the chat's "
                                     "settings.") % plan.model)
            return
        if self._showing(chat_id):
            self.chat_model.set_cut(plan.first_sent_id, self._cut_text(plan.left_out))
        job_id = self.runner.start(uri, plan.messages, plan.options)
        row = Row("streaming", text="")
        row.footer_note = self.tr("Writing…")
        row.actions = [("action:stop", self.tr("Stop"))]
        self.stream = _Stream(job_id, chat_id, plan.model, row, replaces)
        self._set_tail_for_current()
        self.chat_model.refresh()  # "No reply yet" goes away
        self.chat_view.scroll_to_end()

    def _cut_text(self, left_out: int) -> str:
        if not left_out:
            return ""
        return self.tr("%n earlier message(s) above this line are not sent to the model: "
                       "the conversation is longer than its context window.", "", left_out)

    def stop(self) -> None:
        """Esc: closes what the person is in (find bar, search, an edit), else stops the reply."""
        if self.find_bar.isVisible() and self.find_box.hasFocus():
            self.hide_find()
        elif self.sidebar.search_box.hasFocus() and self.sidebar.search_box.text():
            self.sidebar.search_box.clear()
        elif self._runner is not None and self.stream is not None and self.stream.chat_id == self.chat_id:
            self._runner.stop()
        elif self.editing_message_id is not None:
            self._cancel_edit()

    def _on_chunk(self, job_id: int, completion: Completion) -> None:
        if self.stream is None or self.stream.job_id != job_id:
            return
        self.stream.text = completion.text  # every chunk carries the whole text: replace, never append
        self.stream_throttle.trigger()

    def _repaint_stream(self) -> None:
        stream = self.stream
        if stream is None or stream.chat_id != self.chat_id:
            return
        follow = self.chat_view.at_bottom()
        stream.row.text = stream.text
        position = self.chat_model.row_of_tail(stream.row)
        if position is not None:
            index = self.chat_model.index(position)
            self.chat_model.dataChanged.emit(index, index)
            self.chat_view.chat_delegate.sizeHintChanged.emit(index)
        if follow:
            self.chat_view.scroll_to_end()

    def _put_reply_in_view(self, reply: Message, replaces: Message | None) -> None:
        if replaces is not None:
            self.chat_model.replace_messages_from(replaces.id)
        self.chat_model.set_tail([])
        self.chat_model.append_message(reply)

    def _finish_stream(self, reply: Message | None, error: BaseException | None = None) -> None:
        """Stores the reply (if any) in place of the streaming row, and of the reply it replaces."""
        stream = self.stream
        self.stream = None
        self.stream_throttle.cancel()
        if stream is None:
            return
        chat_id, old = stream.chat_id, stream.replaces
        showing = self._showing(chat_id)
        if old is not None and (reply is None or (reply.status == "error" and old.status != "error")):
            # Regenerating gave nothing better: the old reply stays, on disk and on screen.
            if showing:
                self._put_reply_in_view(old, old)
                if error is not None:
                    self._notice(self._error_text(error), retry_link=True)
            self._update_busy()
            return
        if reply is None:
            if showing:
                self._set_tail_for_current()
                self.chat_model.refresh()
            self._update_busy()
            return
        if error is not None:
            self.live_errors[reply.id] = error
        store = self.store

        def write() -> ChatSummary:
            store.append_message(chat_id, reply, replaces=old.id if old is not None else None)
            return store.get_chat_summary(chat_id)

        def written(summary: ChatSummary) -> None:
            self.chat_list_model.upsert(summary)
            self._select_in_list(self.chat_id)  # the list was rebuilt
            if self._showing(chat_id):
                follow = self.chat_view.at_bottom()
                self._put_reply_in_view(reply, old)
                position = self.chat_model.row_of_message(reply.id)
                message_row = self.chat_model.row_at(position) if position is not None else None
                if message_row is not None:
                    self.chat_view.chat_delegate.adopt_stream(stream.row, message_row,
                                                              self.chat_view.viewport().width())
                if follow:
                    self.chat_view.scroll_to_end()
                self._update_meter()

        def failed(error: BaseException) -> None:
            # Not saved, but not lost from sight either: keep showing it, and say so plainly.
            if self._showing(chat_id):
                self._put_reply_in_view(reply, old)
            self._on_write_failed(error)

        self._update_busy()
        self.tasks.write(write, written, failed)

    def _abandon_stream(self) -> None:
        """Stops the reply being written and queues what arrived, before a delete or quit."""
        stream = self.stream
        if stream is None:
            return
        if self._runner is not None:
            self._runner.stop()
        if stream.replaces is not None or not stream.text:
            # Closing or deleting is no verdict on a regenerated reply: the complete old one stays.
            self._finish_stream(None)
            return
        self._finish_stream(conversation.reply_message(None, stream.text, model=stream.model, status="stopped"))

    def _on_reply_finished(self, job_id: int, completion: Completion | None) -> None:
        stream = self.stream
        if stream is None or stream.job_id != job_id:
            return
        if completion is None:
            self._finish_stream(None)
            return
        self._finish_stream(conversation.reply_message(completion, completion.text, model=stream.model))

    def _on_reply_stopped(self, job_id: int, completion: Completion | None) -> None:
        stream = self.stream
        if stream is None or stream.job_id != job_id:
            return
        text = completion.text if completion is not None else ""
        if not text:
            self._finish_stream(None)
            return
        self._finish_stream(conversation.reply_message(completion, text, model=stream.model, status="stopped"))

    def _on_reply_failed(self, job_id: int, error: BaseException, completion: Completion | None) -> None:
        stream = self.stream
        if stream is None or stream.job_id != job_id:
            return
        from desktop_chat.api.errors import ApiError, AuthenticationError, PermissionDeniedError

        kind = error.kind if isinstance(error, ApiError) else "internal"
        partial = completion.text if completion is not None else ""
        reply = conversation.reply_message(None, partial, model=stream.model, status="error", error=kind)
        self._finish_stream(reply, error)
        if isinstance(error, AuthenticationError | PermissionDeniedError):
            self.statusBar().showMessage(self._error_text(error), 15000)

    def regenerate(self) -> None:
        """A new reply to the last question; the old one stays until the new one has arrived."""
        if self.busy or self._sending or self.chat_id is None or self.read_only:
            return
        messages = list(self.chat_model.messages)
        reply = conversation.last_reply(messages)
        if reply is None:
            return
        if self.credentials is None:
            self._notice(self.tr("To get a reply, add your API key in Settings."), settings_link=True)
            return
        self.chat_model.replace_messages_from(reply.id)  # the new reply streams in its place
        self._start_reply(self.chat_id, messages[:-1], self.chat_settings, replaces=reply)

    def retry(self) -> None:
        """Asks again after a failed reply, or for a question that has none yet."""
        messages = self.chat_model.messages
        if self.busy or self._sending or self.chat_id is None or self.read_only:
            return
        if not conversation.awaiting_reply(messages):
            return
        if messages[-1].role == "assistant":
            self.regenerate()
        elif self.credentials is None:
            self._notice(self.tr("To get a reply, add your API key in Settings."), settings_link=True)
        else:
            self._start_reply(self.chat_id, list(messages), self.chat_settings)

    def start_edit(self, message: Message) -> None:
        if self.busy or self._sending or self.read_only:
            return
        if self.editing_message_id is None:
            self._save_draft()
            self._draft_before_edit = self.composer.text()  # given back after the edit
        self.editing_message_id = message.id
        self.composer.set_text(message.text)
        self.composer.show_banner(self.tr("Editing: sending replaces this message and removes everything after it."))
        self.composer.edit.setFocus()

    def _cancel_edit(self) -> None:
        if self.editing_message_id is not None:
            self.composer.set_text(self._draft_before_edit)
            self._end_edit()

    def _end_edit(self) -> None:
        self.editing_message_id = None
        self._draft_before_edit = ""
        self.composer.show_banner("")

    # ------------------------------------------------------------------ links in messages
    def _show_message_menu(self, row: Row, where: QPoint) -> None:
        """The same actions as the links under a message, plus per-block code copies: for the keyboard."""
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        for href, label in row.actions:
            menu.addAction(label, partial(self._on_link, row, href))
        message = row.message
        if message is not None:
            menu.addAction(self.tr("Select text…"), partial(self._show_message_text, message))
            code = self.chat_view.chat_delegate.document(row, self.chat_view.viewport().width()).property(
                "code_blocks") or []
            for number in range(len(code)):
                menu.addAction(self.tr("Copy code block %1").replace("%1", str(number + 1)),
                               partial(self._on_link, row, f"copy-code:{number}"))
        if not menu.isEmpty():
            menu.exec(where)

    def _show_message_text(self, message: Message) -> None:
        """The message, formatted, in a box where any part of it can be selected and copied."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser

        from desktop_chat.ui.render import render_message

        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Message text"))
        text = QTextBrowser(dialog)
        text.setOpenLinks(False)  # web links go to the browser; copy links copy, as in the chat
        row = Row("message", message=message)
        text.anchorClicked.connect(lambda url: self._on_link(row, url.toString()))
        rendered = render_message(message.text, self.theme.dark)
        rendered.add_images_to(text.document())
        text.setHtml(rendered.html)
        text.setAccessibleName(self.tr("Message text"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        dialog.resize(680, 460)
        text.setFocus()
        text.selectAll()
        dialog.open()

    def _on_link(self, row: Row, href: str) -> None:
        message = row.message
        clipboard = QGuiApplication.clipboard()
        if href.startswith("copy-code:") and message is not None:
            code = self.chat_view.chat_delegate.code_block(row, self.chat_view.viewport().width(),
                                                            int(href.split(":", 1)[1]))
            if code is not None:
                clipboard.setText(code)
                self.statusBar().showMessage(self.tr("Code copied."), 3000)
        elif href == "action:copy" and message is not None:
            doc = QTextDocument()
            doc.setMarkdown(message.text)
            clipboard.setText(doc.toPlainText())
            self.statusBar().showMessage(self.tr("Message copied."), 3000)
        elif href == "action:copy-md" and message is not None:
            clipboard.setText(message.text)
            self.statusBar().showMessage(self.tr("Message copied as Markdown."), 3000)
        elif href == "action:edit" and message is not None:
            self.start_edit(message)
        elif href == "action:regenerate":
            self.composer.edit.setFocus()  # typing goes on in the message box
            last = conversation.last_reply(self.chat_model.messages)
            if row.kind == "notice" or (message is not None and last is not None and message.id == last.id):
                self.regenerate()  # only the link under the last reply (or a notice) regenerates
        elif href == "action:retry":
            self.composer.edit.setFocus()
            self.retry()
        elif href == "action:stop":
            self.stop()
        elif href == "action:settings":
            if message is not None and message.error == "auth":
                # An expired or revoked key: the settings open on the key field, saying why.
                self.open_settings(focus_secret=True, notice=self.tr(
                    "The key was not accepted: it may have expired or been revoked. Paste a valid API key "
                    "or IAM token and press Save."))
            else:
                self.open_settings()
        elif href.startswith(("http://", "https://", "mailto:")):
            QDesktopServices.openUrl(QUrl(href))

    # ------------------------------------------------------------------ drafts and the context meter
    def _history_for_next_question(self) -> list[Message]:
        """The messages the next question follows: all of them, or those before the one being edited."""
        messages = list(self.chat_model.messages)
        if self.editing_message_id is not None:
            cut = next((i for i, m in enumerate(messages) if m.id == self.editing_message_id), len(messages))
            messages = messages[:cut]
        return messages

    def _save_draft(self) -> None:
        self.draft_timer.stop()
        if self.editing_message_id is not None:
            return  # an edit of an old message is not a draft
        key = self.chat_id or NEW_CHAT_DRAFT
        text = self.composer.text()
        if text == self.store.get_draft(key):
            return
        store = self.store
        self.tasks.write(lambda: store.set_draft(key, text), None, self._on_write_failed)

    def _update_meter(self) -> None:
        draft = self.composer.text()
        messages = self._history_for_next_question()
        if draft.strip():
            messages.append(Message.new("user", draft))
        if not messages:
            self.composer.meter.setText("")
            return
        plan = conversation.plan_request(messages, self.chat_settings, self._defaults())
        self._show_meter(plan.estimated_tokens, plan.context_tokens, plan.left_out, estimate=True)
        if self.credentials is None or not draft.strip():
            return
        credentials, base = self.credentials, self.services.api_base
        try:
            uri = model_uri(credentials.folder_id, plan.model)
        except ValueError:
            return  # an unknown model: the estimate stands; sending explains the problem
        expected_text = draft

        def count() -> int:
            from desktop_chat.api.client import YandexGptClient

            # A hint, not a reply: fail fast and never retry.
            options = {**self.services.client_options, "timeout": 5.0, "max_retries": 0}
            client = YandexGptClient(credentials, base, **options)
            try:
                return len(client.tokenize_completion(uri, plan.messages, plan.options))
            finally:
                client.close()

        def counted(tokens: int) -> None:
            if self.composer.text() == expected_text:
                self._show_meter(tokens, plan.context_tokens, plan.left_out, estimate=False)

        self.tasks.latest(count, counted, lambda _e: None)

    def _show_meter(self, tokens: int, window: int, left_out: int, *, estimate: bool) -> None:
        share = min(100, round(100 * tokens / max(1, window)))
        number = f"≈{tokens:,}" if estimate else f"{tokens:,}"
        text = self.tr("Context: %1 of %2 tokens (%3%)").replace("%1", number.replace(",", " ")) \
            .replace("%2", f"{window:,}".replace(",", " ")).replace("%3", str(share))
        if left_out:
            text += " · " + self.tr("%n earliest message(s) will not be sent", "", left_out)
        self.composer.meter.setText(text)

    # ------------------------------------------------------------------ search
    def _on_result_chosen(self, chat_id: str, message_id: str | None) -> None:
        """Opens the chat at the hit; the find bar then walks through the other matches in it."""
        self.open_chat(chat_id, scroll_to=message_id)
        query = self.sidebar.search_box.text().strip()
        if self.chat_id == chat_id and any(query.casefold() in m.text.casefold() for m in self.chat_model.messages):
            self.find_bar.show()
            self.find_box.setText(query)  # finds from the chosen hit, which stays selected

    def show_find(self) -> None:
        self.find_bar.show()
        self.find_box.setFocus()
        self.find_box.selectAll()

    def hide_find(self) -> None:
        self.find_bar.hide()
        self.chat_view.set_highlight("")
        self.composer.edit.setFocus()

    def find_in_chat(self, step: int) -> None:
        """Selects the next (step 1) or the first from the current (step 0) message holding the text."""
        needle = self.find_box.text().casefold()
        messages = self.chat_model.messages
        self.chat_view.set_highlight(self.find_box.text())
        if not needle:
            self.find_status.setText("")
            return
        matches = [m for m in messages if needle in m.text.casefold()]
        if not matches:
            self.find_status.setText(self.tr("Not found"))
            return
        current = self.chat_view.currentIndex()
        current_row = current.data(ROW_ROLE) if current.isValid() else None
        current_id = current_row.message.id if current_row is not None and current_row.message else None
        ids = [m.id for m in matches]
        # Without a current match, start from the newest: people read a chat from the bottom.
        position = (ids.index(current_id) + step) % len(ids) if current_id in ids else len(ids) - 1
        target = matches[position]
        self.find_status.setText(self.tr("message %1 of %2").replace("%1", str(position + 1))
                                 .replace("%2", str(len(ids))))
        row = self.chat_model.ensure_visible(target.id)
        if row is not None:
            index = self.chat_model.index(row)
            self.chat_view.executeDelayedItemsLayout()
            self.chat_view.setCurrentIndex(index)
            self.chat_view.scrollTo(index, QListView.ScrollHint.PositionAtCenter)

    # ------------------------------------------------------------------ chat management
    def rename_chat(self) -> None:
        summary = self.chat_list_model.get(self.chat_id) if self.chat_id else None
        if summary is None or summary.read_only:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Rename chat"))
        dialog.setLabelText(self.tr("Title:"))
        dialog.setTextValue(summary.title)
        dialog.resize(max(460, dialog.sizeHint().width()), dialog.sizeHint().height())
        if dialog.exec() and dialog.textValue().strip():
            title = dialog.textValue().strip()
            self._change_chat(summary.id, lambda store: store.rename_chat(summary.id, title))

    def toggle_pin(self) -> None:
        summary = self.chat_list_model.get(self.chat_id) if self.chat_id else None
        if summary is not None and not summary.read_only:
            self._change_chat(summary.id, lambda store: store.set_pinned(summary.id, not summary.pinned))

    def _change_chat(self, chat_id: str, change: Callable[[ChatStore], object]) -> None:
        store = self.store

        def write() -> ChatSummary:
            change(store)
            return store.get_chat_summary(chat_id)

        def written(summary: ChatSummary) -> None:
            self.chat_list_model.upsert(summary)
            self._select_in_list(self.chat_id)  # the list was rebuilt
            self._update_title()

        self.tasks.write(write, written, self._on_write_failed)

    def duplicate_chat(self) -> None:
        if self.chat_id is None:
            return
        chat_id, store = self.chat_id, self.store
        self.tasks.write(lambda: store.duplicate_chat(chat_id), self._show_new_chat, self._on_write_failed)

    def delete_chat(self) -> None:
        if self.chat_id is None:
            return
        if self._sending:
            self._notice(self.tr("The message is still being saved; delete the chat in a moment."))
            return
        chat_id, store = self.chat_id, self.store
        summary = self.chat_list_model.get(chat_id)
        if self.stream is not None and self.stream.chat_id == chat_id:
            self._abandon_stream()  # its partial reply is queued before the delete, so Undo brings it back

        def deleted(_result: object) -> None:
            self.chat_list_model.remove(chat_id)
            self._deleted.append(chat_id)
            name = summary.title if summary and summary.title else self.tr("New chat")
            self.statusBar().showMessage(self.tr("Chat “%s” deleted.") % name, UNDO_MS)
            self.undo_button.show()
            self.undo_timer.start(UNDO_MS)
            if self.chat_id == chat_id:
                self._open_neighbour(position)

        position = self.chat_list_model.row_of(chat_id)
        self.tasks.write(lambda: store.delete_chat(chat_id), deleted, self._on_write_failed)

    def _open_neighbour(self, position: int | None) -> None:
        """After a delete: the chat that took the deleted one's place in the list, else a new chat."""
        count = self.chat_list_model.rowCount()
        if position is None or count == 0:
            self._open_new_chat()
            return
        self.sidebar.choose(min(position, count - 1))
        self.chat_list.setFocus()  # so Undo (Ctrl+Shift+Z) reaches the window, not a text box

    def undo_delete(self) -> None:
        """Brings back the most recently deleted chat (repeat for earlier ones, while the app runs)."""
        if not self._deleted:
            return
        chat_id, store = self._deleted.pop(), self.store
        self._hide_undo()
        self.tasks.write(lambda: store.restore_chat(chat_id), self._show_new_chat, self._on_write_failed)

    def _show_new_chat(self, summary: ChatSummary) -> None:
        self.chat_list_model.upsert(summary)
        self.open_chat(summary.id)

    def _hide_undo(self) -> None:
        self.undo_button.hide()
        self.statusBar().clearMessage()

    def edit_chat_settings(self) -> None:
        from desktop_chat.ui.chat_settings_dialog import ChatSettingsDialog

        dialog = ChatSettingsDialog(self.chat_settings, self._defaults(), self)
        if not dialog.exec():
            return
        self.chat_settings = dialog.result_settings()
        self._update_title()
        self._update_meter()
        if self.chat_id is not None and not self.read_only:
            chat_id, settings = self.chat_id, self.chat_settings
            self._change_chat(chat_id, lambda store: store.set_chat_settings(chat_id, settings))

    # ------------------------------------------------------------------ export / import
    def export_chat(self, fmt: str) -> None:
        if self.chat_id is None:
            return
        summary = self.chat_list_model.get(self.chat_id)
        base = "".join(ch for ch in (summary.title if summary else "chat") if ch.isalnum() or ch in " -_")
        filters = {"md": self.tr("Markdown (*.md)"), "html": self.tr("Web page (*.html)"),
                   "json": self.tr("Desktop Chat JSON (*.json)")}
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export chat"),
                                              str(Path.home() / f"{base.strip() or 'chat'}.{fmt}"), filters[fmt])
        if not path:
            return
        chat_id, store = self.chat_id, self.store
        lang = self.services.language  # the labels in the file ("You", "Assistant") in the UI's language
        exporters = {"md": lambda: store.export_markdown(chat_id, lang),
                     "html": lambda: store.export_html(chat_id, lang),
                     "json": lambda: store.export_json(chat_id)}
        export = exporters[fmt]

        def write() -> None:
            from desktop_chat.store.fileio import atomic_write

            atomic_write(Path(path), export().encode("utf-8"))

        self.tasks.write(write, lambda _r: self.statusBar().showMessage(self.tr("Exported to %s") % path, 6000),
                         self._on_write_failed)

    def import_chat(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import chat"), str(Path.home()),
                                              self.tr("Desktop Chat JSON (*.json)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        store = self.store

        def imported(summary: ChatSummary) -> None:
            self._show_new_chat(summary)
            self.statusBar().showMessage(self.tr("Chat imported."), 5000)

        def failed(error: BaseException) -> None:
            QMessageBox.warning(self, self.tr("Import chat"),
                                self.tr("This file could not be imported: %s") % error)

        self.tasks.write(lambda: store.import_json(path.read_text(encoding="utf-8")), imported, failed)

    # ------------------------------------------------------------------ settings and about
    def open_settings(self, *, focus_secret: bool = False, notice: str = "") -> None:
        if self.settings_opener is not None:
            self.settings_opener(focus_secret=focus_secret, notice=notice)

    def show_about(self) -> None:
        from desktop_chat import __version__

        QMessageBox.about(self, self.tr("About Desktop Chat"),
                          self.tr("Desktop Chat %s\n\nA desktop client for YandexGPT. Your chats stay on "
                                  "your computer:\n%s") % (__version__, self.store.data_dir))

    # ------------------------------------------------------------------ window state
    def _restore_window_state(self) -> None:
        state = self.services.settings.ui_state
        geometry = state.get("geometry")
        splitter = state.get("splitter")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if splitter:
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode()))

    def window_state(self) -> dict[str, str]:
        return {"geometry": bytes(self.saveGeometry().toBase64().data()).decode(),
                "splitter": bytes(self.splitter.saveState().toBase64().data()).decode()}

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # In a narrow window the chat matters more than the list: give the list at most a third.
        left, right = self.splitter.sizes()
        total = left + right
        if total and right < 420 and left > 170:
            new_left = max(170, min(left, total // 3))
            self.splitter.setSizes([new_left, total - new_left])

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_draft()
        self._abandon_stream()  # keep what has arrived of a reply being written
        settings_store = self.services.settings_store
        if settings_store is not None:
            settings = self.services.settings
            settings.ui_state = {**settings.ui_state, **self.window_state()}
            store = settings_store
            self.tasks.write(lambda: store.save(settings))
        if self._runner is not None:
            self._runner.shutdown()
        self.tasks.shutdown()  # waits for the queued writes
        super().closeEvent(event)
