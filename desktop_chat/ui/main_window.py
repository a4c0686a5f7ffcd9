"""The main window: chat list and search on the left, the open chat and the message box on the right.

The window is a view. What a message does (store the question, stream the reply, store it) lives in
the Qt-free chat sessions (`desktop_chat.chat.sessions`); their events and the store's change
notifications arrive here on the GUI thread (session_bridge.py) and each part of the window
refreshes itself from them. Other store writes go through `BackgroundTasks.write`, in order.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from concurrent.futures import Future
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QListView, QMainWindow, QPushButton, QSplitter, QVBoxLayout, QWidget

from desktop_chat import catalogue
from desktop_chat.catalogue import format_rub, prices_date
from desktop_chat.chat import conversation
from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.model_list import ModelList
from desktop_chat.chat.sessions import ChatSessions, LiveReply, Refused
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.store import ChatSettings, Message
from desktop_chat.ui.attach_flow import AttachFlow
from desktop_chat.ui.banner import Banner
from desktop_chat.ui.chat_header import ChatHeader
from desktop_chat.ui.chat_list import ChatSidebar
from desktop_chat.ui.chat_ops import ChatOps
from desktop_chat.ui.chat_view import ChatModel, ChatView
from desktop_chat.ui.composer import Composer, local_files
from desktop_chat.ui.context_meter import ContextMeter
from desktop_chat.ui.find_bar import FindBar
from desktop_chat.ui.message_actions import MessageActions
from desktop_chat.ui.model_choices import model_choices
from desktop_chat.ui.newest_button import NewestButton
from desktop_chat.ui.notices import Notices
from desktop_chat.ui.reply_presenter import ReplyPresenter
from desktop_chat.ui.services import Services
from desktop_chat.ui.session_bridge import EventBridge, QtJobRunner
from desktop_chat.ui.theme import Theme
from desktop_chat.ui.tools_flow import ToolsFlow, draw_prompt
from desktop_chat.ui.window_actions import WindowActions
from desktop_chat.ui.window_state import restore_window_state, save_window_state

if TYPE_CHECKING:
    from desktop_chat.api.client import Credentials
    from desktop_chat.attachments import Prepared

log = logging.getLogger(__name__)

NEW_CHAT_DRAFT = "new"  # the draft key of a chat that is not saved yet
DRAFT_SAVE_MS = 600
EDIT_BANNER = "Editing: sending replaces this message and removes everything after it."


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
        self._resumed = False
        self._cost: tuple[object, Decimal] = (None, Decimal(0))  # (which messages, what they cost)
        self.editing_message_id: str | None = None
        self._draft_before_edit = ""
        # Failed replies of this session: message id -> the error, whose words follow the UI language.
        self.live_errors: dict[str, BaseException] = {}
        self.settings_opener: Callable[..., None] | None = None  # set once the keyring has been read
        self.store_report: object = None  # what the store found at open (quarantined files...)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)

        self.models = services.models or ModelList(self.store.data_dir / "models.json")
        self.runner = QtJobRunner(self)
        providers = Providers(self._account, services.client_options, lambda: services.settings.data_logging)
        self.sessions = ChatSessions(self.store, providers, self.defaults, self.runner,
                                     limit=services.settings.parallel_replies,
                                     auto_titles=lambda: services.settings.auto_titles)
        self.session_events = EventBridge(self)
        self.sessions.subscribe(self.session_events.post)
        self.store_events = EventBridge(self)
        self._unsubscribe_store = self.store.subscribe(self.store_events.post)

        self._build_ui()
        self.notices = Notices(self)
        self.presenter = ReplyPresenter(self)
        self.meter = ContextMeter(self)
        self.chat_ops = ChatOps(self)
        self.attach_flow = AttachFlow(self)
        self.tools = ToolsFlow(self)
        self.message_actions = MessageActions(self)
        self.chat_model.decorate = self.message_actions.decorate
        self.window_actions = WindowActions(self)
        self._connect()
        self.retranslate()
        self._restore_window_state()
        self._open_new_chat()
        self.sidebar.load_chats(services.settings.ui_state.get("last_chat"))  # chat_list: head now, rest later

    # ------------------------------------------------------------------ building
    def _build_ui(self) -> None:
        self.sidebar = ChatSidebar(self.store, self.tasks, self)
        self.chat_list_model = self.sidebar.model  # kept in step with the store's notifications
        self.chat_list = self.sidebar.chat_list
        self.header = ChatHeader(self)
        self.title_label = self.header.title_label
        self.banner = Banner(self)
        self.chat_model = ChatModel(self)
        self.chat_view = ChatView(self.theme, self)
        self.chat_view.setModel(self.chat_model)
        self.chat_view.chat_delegate.attachment_path = self.store.attachment_path  # pictures in messages
        self.find_bar = FindBar(self.chat_model, self.chat_view, self)
        self.newest_button = NewestButton(self.chat_view)
        self.composer = Composer(self)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 8, 8, 0)
        right_layout.setSpacing(4)
        for widget in (self.header, self.banner, self.find_bar):
            right_layout.addWidget(widget)
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
        s = self.sidebar
        order = [s.new_chat_button, s.search_box, s.chat_list, s.results_list, self.header.model_picker,
                 self.header.settings_button, self.chat_view, self.composer.edit, self.composer.send_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

        self.undo_button = QPushButton(self)
        self.undo_button.hide()
        self.statusBar().addPermanentWidget(self.undo_button)
        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_SAVE_MS)
        self.meter_timer = QTimer(self)
        self.meter_timer.setSingleShot(True)
        self.meter_timer.setInterval(700)

    def _connect(self) -> None:
        self.sidebar.newChatRequested.connect(self.new_chat)
        self.sidebar.chatSelected.connect(self.open_chat)
        self.sidebar.resultChosen.connect(self._on_result_chosen)
        self.sidebar.deleteRequested.connect(self.chat_ops.delete)  # Delete in the chat list (with undo)
        self.composer.sendRequested.connect(self.send)
        self.composer.stopRequested.connect(self.stop_reply)
        self.composer.editCancelled.connect(self._cancel_edit)
        self.composer.draftChanged.connect(lambda _t: (self.draft_timer.start(), self.meter_timer.start()))
        self.draft_timer.timeout.connect(self._save_draft)
        self.meter_timer.timeout.connect(self.update_meter)
        self.chat_view.linkActivated.connect(self.message_actions.on_link)
        self.chat_view.menuRequested.connect(self.message_actions.show_menu)
        self.chat_view.nearTop.connect(self._grow_history)
        self.header.settingsRequested.connect(self.chat_ops.edit_settings)
        self.header.modelChosen.connect(self._on_model_chosen)
        self.header.optionsChanged.connect(lambda think, economy: self.set_chat_settings(
            dataclasses.replace(self.chat_settings, reasoning=think, economy=economy)))
        self.banner.linkActivated.connect(lambda _href: self.open_settings())
        self.find_bar.closed.connect(self.composer.edit.setFocus)
        self.undo_button.clicked.connect(self.chat_ops.undo_delete)
        from desktop_chat.ui.theme import theme_notifier

        theme_notifier().changed.connect(self._on_theme_flipped)

    # ------------------------------------------------------------------ language and theme
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Desktop Chat"))
        self.chat_view.setAccessibleName(self.tr("Messages"))
        self.chat_view.set_empty_text(self.tr("Ask YandexGPT anything: type below and press Enter.\n\n"
                                              "Your chats are kept on this computer and can be read offline."))
        self.undo_button.setText(self.tr("Undo"))
        self.window_actions.retranslate()
        self.header.retranslate(self.window_actions.model.shortcut().toString())
        self.find_bar.retranslate()
        self._update_banner()
        self.update_title()
        self.chat_model.refresh()
        self.update_meter()

    def settings_changed(self) -> None:
        """The app-wide settings changed (default model, limits): refresh what shows them."""
        self.update_title()
        self.update_meter()

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.chat_view.set_theme(theme)

    def _on_theme_flipped(self, dark: bool) -> None:
        from desktop_chat.ui.theme import DARK, LIGHT

        self.set_theme(DARK if dark else LIGHT)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def prewarm(self) -> Future:
        """Imports the HTTP client and the Markdown renderer on a background thread once the window
        is up, so the first reply does not stall the window while Python loads them."""
        def warm() -> None:
            import desktop_chat.api.client  # noqa: F401
            from desktop_chat.ui import render

            render.prewarm()  # linkify and the common lexers: each costs tens of ms the first time

        return self.tasks.read(warm)

    @property
    def busy(self) -> bool:
        """True while any chat has a reply in flight."""
        return self.sessions.busy

    @property
    def stream(self) -> LiveReply | None:
        """The reply being written in the chat on screen, if any."""
        return self.sessions.live(self.chat_id)

    # ------------------------------------------------------------------ credentials
    def set_credentials(self, credentials: Credentials | None) -> None:
        self.credentials = credentials
        self.credentials_checked = True
        if credentials is not None:  # "add a key first" notices no longer apply
            self.chat_model.set_tail([r for r in self.chat_model.tail() if r.kind != "notice"])
        self._update_banner()
        self.update_meter()
        if credentials is not None and not self._resumed:
            self._resumed = True
            self.sessions.resume_pending()  # economy-mode replies asked for before the last close
        if credentials is not None and self.models.needs_refresh(credentials.folder_id):
            models, providers = self.models, self.sessions.providers
            self.tasks.read(lambda: models.refresh(providers), lambda _entries: self.update_title(),
                            lambda error: log.info("the model list was not refreshed: %s", type(error).__name__))

    def _account(self) -> Account | None:
        credentials = self.credentials
        if credentials is None:
            return None
        return Account(credentials.folder_id, credentials.kind, credentials.secret, self.services.api_base)

    def _update_banner(self) -> None:
        self.banner.set_state(self.store.read_only_reason,
                              self.credentials is None and self.credentials_checked, self.keyring_problem)

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
        self.find_bar.reset()
        self.presenter.set_tail_for_current()
        self.composer.set_text(self.store.get_draft(NEW_CHAT_DRAFT))
        self.tools.reset_web()
        self.update_title()
        self.update_meter()

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
        live = self.sessions.live(chat_id)
        if live is not None and live.replaces is not None:
            self.chat_model.replace_messages_from(live.replaces.id)  # the new reply streams in its place
        self.find_bar.reset()
        self.presenter.set_tail_for_current()
        self.composer.set_text(self.store.get_draft(chat_id))
        self.tools.reset_web()
        self.update_title()
        self.sidebar.select(chat_id)
        self.chat_view.scroll_to_end()
        self._fill_viewport()
        if scroll_to:
            self._scroll_to_message(scroll_to)
        self.update_meter()

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

    def switch_chat(self, step: int) -> None:
        count = self.chat_list_model.rowCount()
        if not count:
            return
        row = self.chat_list_model.row_of(self.chat_id) if self.chat_id else None
        self.sidebar.choose(0 if row is None else (row + step) % count)

    def _grow_history(self) -> None:
        if self.chat_model.has_more_above():
            self.chat_view.keep_position_while(self.chat_model.grow_up)

    def update_title(self) -> None:
        summary = self.chat_list_model.get(self.chat_id) if self.chat_id else None
        self.header.set_title((summary.title if summary else "") or self.tr("New chat"))
        model = conversation.chat_model(self.chat_settings, self.defaults())
        self.header.set_models(model_choices(self.services.language, self.models.entries()), model)
        self.header.model_picker.setEnabled(not self.read_only)
        entry = catalogue.find(model)
        self.header.set_options(think=self.chat_settings.reasoning, economy=self.chat_settings.economy,
                                can_think=entry is not None and entry.reasoning != "none",
                                has_economy=entry is not None and entry.has_async)
        messages, language = self.chat_model.messages, self.services.language
        # Summed again only when the chat's messages changed: 5,000 of them take ~10 ms of the GUI thread.
        key = (self.chat_id, len(messages), messages[-1].id if messages else "")
        if self._cost[0] != key:
            self._cost = (key, conversation.chat_cost(messages))
        total = self._cost[1]
        self.header.set_cost(format_rub(total, language) if total else "", prices_date(language))
        self.window_actions.update_for_chat(self.chat_id is not None, summary is not None and summary.pinned)

    def defaults(self) -> Defaults:
        s = self.services.settings
        return Defaults.of(s)

    def set_chat_settings(self, settings: ChatSettings) -> None:
        """The open chat's own settings changed (model, prompt…): remembered with the chat."""
        self.chat_settings = settings
        self.update_title()
        self.update_meter()
        if self.chat_id is not None and not self.read_only:
            chat_id = self.chat_id
            self.chat_ops.change(lambda store: store.set_chat_settings(chat_id, settings))

    def _on_model_chosen(self, model: str) -> None:
        if model and model != conversation.chat_model(self.chat_settings, self.defaults()):
            self.set_chat_settings(dataclasses.replace(self.chat_settings, model=model))
            self.attach_flow.refresh_tokens()
        self.composer.edit.setFocus()

    # ------------------------------------------------------------------ errors and notices (notices.py)
    def notice(self, text: str, *, settings_link: bool = False, retry_link: bool = False) -> None:
        self.notices.show(text, settings_link=settings_link, retry_link=retry_link)

    def on_write_failed(self, error: BaseException, *, kept_in_box: bool = False) -> None:
        self.notices.write_failed(error, kept_in_box=kept_in_box)

    # ------------------------------------------------------------------ sending
    def send(self, text: str, *, files: list[Prepared] | None = None, model: str | None = None) -> None:
        """Hands the question (and its files) to the chat's session: it is stored durably, then the
        reply streams. `model` sends this one message to another model; the chat keeps its own."""
        if self.sessions.live(self.chat_id) is not None or (self.chat_id is None and self.presenter.new_chat_ticket):
            return  # this chat's reply (or the previous Enter) is still on its way
        if self.read_only:
            self.notice(self.tr("This chat was saved by a newer version of Desktop Chat and is read-only."))
            return
        if draw_prompt(text) is not None:
            self.tools.draw(text)  # "/draw a fox": the drawing dialog, with the prompt filled in
            return
        if files is None and self.attach_flow.preparing():
            self.notice(self.tr("The attached files are still being read; send again in a moment."))
            return
        files = self.attach_flow.files() if files is None else files
        editing = self.editing_message_id
        try:
            ticket = self.sessions.send(self.chat_id, text, self.chat_settings, editing=editing,
                                        draft_key=self.chat_id or NEW_CHAT_DRAFT, attachments=files, model=model,
                                        web=self.tools.web_for_next())
        except Refused as refusal:
            if refusal.reason in ("cannot_see", "too_long"):
                self.attach_flow.offer(refusal, text, files)
            else:
                self.notices.refused(refusal)
            return
        self.attach_flow.sent(ticket, files)
        self.tools.reset_web()
        if self.chat_id is None:
            self.presenter.new_chat_ticket = ticket
        self.draft_timer.stop()
        self.composer.set_text(self._draft_before_edit if editing is not None else "")
        self._end_edit()
        self.presenter.set_tail_for_current()

    def stop(self) -> None:
        """Esc: closes what the person is in (find bar, search, an edit), else stops the reply."""
        if self.find_bar.isVisible() and self.find_bar.find_box.hasFocus():
            self.find_bar.close_bar()
        elif self.sidebar.search_box.hasFocus() and self.sidebar.search_box.text():
            self.sidebar.search_box.clear()
        elif self.sessions.live(self.chat_id) is not None:
            self.stop_reply()
        elif self.editing_message_id is not None:
            self._cancel_edit()

    def stop_reply(self) -> None:
        self.sessions.stop(self.chat_id)

    def regenerate(self) -> None:
        """A new reply to the last question; the old one stays until the new one has arrived."""
        if self.chat_id is None or self.read_only or self.sessions.live(self.chat_id) is not None:
            return
        try:
            self.sessions.regenerate(self.chat_id, self.chat_settings, list(self.chat_model.messages))
        except Refused as refusal:
            if refusal.reason == "no_account":
                self.notice(self.tr("To get a reply, add your API key in Settings."), settings_link=True)
            else:
                self.notices.refused(refusal)

    def retry(self) -> None:
        """Asks again after a failed reply, or for a question that has none yet."""
        if self.chat_id is None or self.read_only or self.sessions.live(self.chat_id) is not None:
            return
        try:
            self.sessions.retry(self.chat_id, self.chat_settings, list(self.chat_model.messages))
        except Refused as refusal:
            if refusal.reason == "no_account":
                self.notice(self.tr("To get a reply, add your API key in Settings."), settings_link=True)
            else:
                self.notices.refused(refusal)

    def continue_reply(self) -> None:
        """The model goes on from where the last reply stopped; the parts become one reply."""
        if self.chat_id is not None and not self.read_only and self.sessions.live(self.chat_id) is None:
            try:
                self.sessions.continue_reply(self.chat_id, self.chat_settings, list(self.chat_model.messages))
            except Refused as refusal:
                self.notices.refused(refusal)

    def start_edit(self, message: Message) -> None:
        if self.read_only or self.sessions.live(self.chat_id) is not None:
            return
        if self.editing_message_id is None:
            self._save_draft()
            self._draft_before_edit = self.composer.text()  # given back after the edit
        self.editing_message_id = message.id
        self.composer.set_text(message.text)
        self.composer.show_banner(self.tr(EDIT_BANNER))
        self.composer.edit.setFocus()

    def resume_edit(self, message_id: str, text: str) -> None:
        """A failed edit goes back into the box; the draft waits behind it again."""
        self._draft_before_edit = self.composer.text()
        self.editing_message_id = message_id
        self.composer.set_text(text)
        self.composer.show_banner(self.tr(EDIT_BANNER))

    def _cancel_edit(self) -> None:
        if self.editing_message_id is not None:
            self.composer.set_text(self._draft_before_edit)
            self._end_edit()

    def _end_edit(self) -> None:
        self.editing_message_id = None
        self._draft_before_edit = ""
        self.composer.show_banner("")

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
        self.tasks.write(lambda: store.set_draft(key, text), None, self.on_write_failed)

    def update_meter(self) -> None:
        self.meter.update(self._history_for_next_question(), self.composer.text(), self.attach_flow.files())

    # ------------------------------------------------------------------ search and find
    def _on_result_chosen(self, chat_id: str, message_id: str | None) -> None:
        """Opens the chat at the hit; the find bar then walks through the other matches in it."""
        self.open_chat(chat_id, scroll_to=message_id)
        query = self.sidebar.search_box.text().strip()
        if self.chat_id == chat_id and any(query.casefold() in m.text.casefold() for m in self.chat_model.messages):
            self.find_bar.open_bar(query)

    def show_find(self) -> None:
        self.find_bar.open_bar()

    # ------------------------------------------------------------------ chat management (chat_ops.py)
    def delete_chat(self) -> None:
        self.chat_ops.delete()

    def undo_delete(self) -> None:
        self.chat_ops.undo_delete()

    def import_file(self, path: Path) -> None:
        self.chat_ops.import_file(path)

    def open_settings(self, *, focus_secret: bool = False, notice: str = "") -> None:
        if self.settings_opener is not None:
            self.settings_opener(focus_secret=focus_secret, notice=notice)

    # ------------------------------------------------------------------ window state
    def _restore_window_state(self) -> None:
        restore_window_state(self, self.services.settings.ui_state)

    def window_state(self) -> dict[str, str]:
        return {**save_window_state(self), "last_chat": self.chat_id or ""}  # the app reopens that chat

    def dragEnterEvent(self, event) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        self.attach_flow.bar.add_paths(local_files(event.mimeData()))  # dropped anywhere on the window
        event.acceptProposedAction()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.sidebar.fit_splitter(self.splitter)  # narrow: the list gives way; wide again: its width back

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_draft()
        self.meter_timer.stop()
        # Every reply being written keeps what has arrived (a regenerated one gives way to the old).
        if not self.sessions.abandon_all(timeout=5.0):
            log.warning("a reply was still being written at close")
        self.runner.wait_all()
        self._unsubscribe_store()
        self.session_events.received.disconnect()  # nothing may queue work once the lanes are shut
        self.store_events.received.disconnect()
        settings_store = self.services.settings_store
        if settings_store is not None:
            settings = self.services.settings
            settings.ui_state = {**settings.ui_state, **self.window_state()}
            self.tasks.write(lambda: settings_store.save(settings))
        self.tasks.shutdown()  # waits for the queued writes
        super().closeEvent(event)
