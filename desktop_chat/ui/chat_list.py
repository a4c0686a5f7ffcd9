"""The list of chats on the left, and the list of search results that replaces it while searching.
The models (chats grouped by day, search results) are in chat_list_model.py."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.store import ChatStore, ChatSummary, SearchHit
from desktop_chat.ui.chat_list_model import (
    DRAFT_ROLE,
    EARLIER,
    HEADER_ROLE,
    HIT_ROLE,
    ID_ROLE,
    PINNED,
    PINNED_ROLE,
    SUBTITLE_HTML_ROLE,
    SUBTITLE_ROLE,
    THIS_WEEK,
    TODAY,
    YESTERDAY,
    ChatListModel,
    SearchResultsModel,
    highlight,
    sort_key,
)
from desktop_chat.ui.tasks import BackgroundTasks

__all__ = ["ID_ROLE", "ChatListModel", "ChatSidebar", "SearchResultsModel", "TitleDelegate", "highlight", "sort_key"]

class TitleDelegate(QStyledItemDelegate):
    """A bold one-line title (shortened with "…") over a smaller line or two: the chat's date, or a
    search snippet with the match in bold. Uniform row heights keep long lists fast."""

    def __init__(self, parent: QObject | None = None, lines: int = 1) -> None:
        super().__init__(parent)
        self._lines = lines  # lines under the title
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(0)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(6.0, option.font.pointSizeF() * 0.88))
        return title, small

    @staticmethod
    def _draw_pin(painter, x: int, top: int, height: int, color) -> int:
        """A push pin drawn with lines (an emoji would be an empty box without an emoji font); its width."""
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPen

        size = max(8, height)
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        pen = QPen()  # not QPen(color, width): that overload was seen to crash PySide 6.11 under load
        pen.setColor(color)
        pen.setWidthF(1.4)
        painter.setPen(pen)
        painter.setBrush(color)
        head = QPointF(x + size * 0.62, top + size * 0.34)
        painter.drawEllipse(head, size * 0.24, size * 0.24)
        painter.drawLine(QPointF(x + size * 0.5, top + size * 0.5), QPointF(x + size * 0.12, top + size * 0.95))
        painter.restore()
        return int(size + 4)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, small = self._fonts(option)
        height = QFontMetrics(title).lineSpacing() + QFontMetrics(small).lineSpacing() * self._lines + 14
        return QSize(option.rect.width(), height)

    def _paint_header(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        """A section header ("Today"): small bold text at the bottom of its row, in the muted colour."""
        _title, small = self._fonts(option)
        small.setBold(True)
        metrics = QFontMetrics(small)
        area = option.rect.adjusted(8, 0, -8, -4)
        painter.save()
        painter.setFont(small)
        painter.setPen(option.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        text = metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""), Qt.TextElideMode.ElideRight,
                                  area.width())
        painter.drawText(area.left(), area.bottom() - metrics.descent(), text)
        painter.restore()

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.data(HEADER_ROLE):
            self._paint_header(painter, option, index)
            return
        self.initStyleOption(option, index)
        widget = option.widget
        option.text = ""
        if widget is not None:
            widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        title_font, small_font = self._fonts(option)
        area = option.rect.adjusted(8, 6, -8, -6)
        painter.save()
        painter.setPen(color)
        painter.setFont(title_font)
        title_metrics = QFontMetrics(title_font)
        left = area.left()
        if index.data(PINNED_ROLE):
            left += self._draw_pin(painter, left, area.top(), title_metrics.ascent(), color)
        title = title_metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                                         Qt.TextElideMode.ElideRight, area.right() - left)
        painter.drawText(left, area.top() + title_metrics.ascent(), title)
        below = area.adjusted(0, title_metrics.lineSpacing(), 0, 0)
        painter.setFont(small_font)
        rich = index.data(SUBTITLE_HTML_ROLE)
        if rich:
            self._doc.setDefaultFont(small_font)
            self._doc.setHtml(f'<div style="color:{color.name()}">{rich}</div>')
            self._doc.setTextWidth(below.width())
            painter.translate(below.topLeft())
            # Whole lines only: a third, half-drawn line of a long snippet looks broken.
            painter.setClipRect(0, 0, below.width(), QFontMetrics(small_font).lineSpacing() * self._lines + 1)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.palette.setColor(QPalette.ColorRole.Text, color)
            self._doc.documentLayout().draw(painter, context)
        else:
            small_metrics = QFontMetrics(small_font)
            x, baseline = below.left(), below.top() + small_metrics.ascent()
            draft = str(index.data(DRAFT_ROLE) or "")
            if draft:  # the draft mark, in the accent colour (a link's, readable on either theme)
                painter.save()
                bold = QFont(small_font)
                bold.setBold(True)
                painter.setFont(bold)
                if not selected:
                    painter.setPen(option.palette.color(QPalette.ColorRole.Link))
                painter.drawText(x, baseline, draft + " · ")
                x += QFontMetrics(bold).horizontalAdvance(draft + " · ")
                painter.restore()
            subtitle = small_metrics.elidedText(str(index.data(SUBTITLE_ROLE) or ""), Qt.TextElideMode.ElideRight,
                                                max(0, below.right() - x))
            painter.drawText(x, baseline, subtitle)
        painter.restore()



class ChatSidebar(QWidget):
    """The left column: "New chat", the search box, and the chat list, which search results replace
    while there is a query. Searches run off the GUI thread through `tasks`.

    Start-up: `load_chats` shows the first screen of chats from the store's head at once and fills
    in the rest when the store has listed them (in the background); then it opens the last chat."""

    newChatRequested = Signal()
    chatSelected = Signal(str)  # chat id, picked in the list
    resultChosen = Signal(str, object)  # chat id, message id (None for a title hit)
    deleteRequested = Signal()  # Delete pressed in the chat list: delete the open chat (with undo)
    listCompleted = Signal()  # every chat is listed (after a head-only start): the store's report is whole

    SEARCH_DELAY_MS = 200  # wait for a pause in typing before searching
    FIRST_SCREEN = 60  # chats shown before the first paint; the rest follow from the background
    NARROW_CHAT = 420  # below this the chat is squeezed: the list gives way (at most a third)
    MIN_LIST = 170
    FILL_AFTER_MS = 1000  # a list that is never painted (hidden) is filled after this anyway

    def __init__(self, store: ChatStore, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._tasks = tasks
        self._pending_open: str | None = None  # the last chat, opened once it is listed
        self._open_on_results = ""  # "open" / "focus": Enter or ↓ came before the results; act when they come
        self._shown_query = ""  # the query whose results are on screen
        self._list_width: int | None = None  # the list's width as the person left it
        self._fill_started = True  # False from load_chats until the rest of the list is asked for
        self.new_chat_button = QPushButton(self)
        self.new_chat_button.setObjectName("newChatButton")
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.model = ChatListModel(self)
        self.chat_list = self._list("chatList", self.model, TitleDelegate(self))
        # A change moves a row, and QListView then lays out every row again: 25 ms at 10,000 chats
        # in one go. In batches the window stays responsive while it does (about 1 ms a change).
        self.chat_list.setLayoutMode(QListView.LayoutMode.Batched)
        self.chat_list.setBatchSize(500)
        self.chat_list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.results_model = SearchResultsModel(self)
        self.results_list = self._list("searchResults", self.results_model, TitleDelegate(self, lines=2))
        self.results_empty = QLabel(self)
        self.results_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.results_empty.setWordWrap(True)
        self.search_note = QLabel(self)  # "the search index is still being built"
        self.search_note.setObjectName("searchNote")
        self.search_note.setWordWrap(True)
        self.search_note.hide()
        self.stack = QStackedWidget(self)
        for page in (self.chat_list, self.results_list, self.results_empty):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.search_box)
        layout.addWidget(self.search_note)
        layout.addWidget(self.stack, 1)

        self._search_timer = self._timer(self.SEARCH_DELAY_MS, self._run_search)
        self._drafts_timer = self._timer(300, self.refresh_drafts)
        self._index_timer = self._timer(1000, self._run_search)  # re-search while the index is built
        self._day_timer = self._timer(60_000, self.model.refresh_day, single=False)
        self._day_timer.start()
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self._open_first_result)
        self.search_box.installEventFilter(self)
        self.new_chat_button.clicked.connect(self.newChatRequested)
        self.chat_list.selectionModel().currentChanged.connect(self._on_current_changed)
        self.chat_list.installEventFilter(self)  # Delete
        self.results_list.clicked.connect(self._on_result_chosen)
        self.results_list.activated.connect(self._on_result_chosen)
        self.retranslate()

    def _timer(self, ms: int, slot, single: bool = True) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(single)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _list(self, name: str, model: QAbstractListModel, delegate: QStyledItemDelegate) -> QListView:
        view = QListView(self)
        view.setObjectName(name)
        view.setModel(model)
        view.setItemDelegate(delegate)
        view.setUniformItemSizes(True)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return view

    def retranslate(self) -> None:
        self.search_box.setPlaceholderText(self.tr("Search all chats (Ctrl+K)"))
        self.search_box.setAccessibleName(self.tr("Search all chats"))
        self.new_chat_button.setText(self.tr("New chat"))
        self.new_chat_button.setToolTip(self.tr("Start a new chat (Ctrl+N)"))
        self.chat_list.setAccessibleName(self.tr("Chats"))
        self.results_list.setAccessibleName(self.tr("Search results"))
        self.model.untitled = self.results_model.untitled = self.tr("New chat")
        self.results_model.matches_label = self.tr("Matching messages in this chat: %n")
        self.model.pinned_label = self.tr("Pinned")
        self.model.writing_label = self.tr("Writing a reply…")
        self.model.read_only_label = self.tr("read only")
        self.model.draft_label = self.tr("Draft")
        # Times and weekdays in the UI's language (the translation names its locale).
        self.model.locale = QLocale(self.tr("en_US", "the locale of times and weekdays in the chat list"))
        self.model.group_labels.update({PINNED: self.tr("Pinned"), TODAY: self.tr("Today"),
                                        YESTERDAY: self.tr("Yesterday"), THIS_WEEK: self.tr("This week"),
                                        EARLIER: self.tr("Earlier")})
        self.chat_list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- filling the list ---
    def load_chats(self, last_chat: object = None) -> None:
        """The first screen of chats now (the store's head), the rest once the store has listed them;
        then opens `last_chat` (the chat open when the app was last closed), if it still exists."""
        store = self._store
        self.model.set_chats(store.list_chats(limit=self.FIRST_SCREEN))
        self._pending_open = last_chat if isinstance(last_chat, str) and last_chat else None
        QTimer.singleShot(0, self._open_pending)  # if it is among the first; else once all are listed
        if not store.listing_complete or self.model.chat_count() >= self.FIRST_SCREEN:
            # the rest once the window has painted (or soon, if it is not shown)
            self._fill_started = False
            self.chat_list.viewport().installEventFilter(self)
            QTimer.singleShot(self.FILL_AFTER_MS, self._start_fill)
        else:
            QTimer.singleShot(0, self._listed)
        self._drafts_timer.start()

    def _start_fill(self) -> None:
        if self._fill_started:
            return
        self._fill_started = True
        self.chat_list.viewport().removeEventFilter(self)
        self.model.start_journal()
        store = self._store
        with contextlib.suppress(RuntimeError):  # the window has closed and its lanes with it
            self._tasks.read(store.list_chats, self._fill, lambda _error: None)

    def _fill(self, chats: list[ChatSummary]) -> None:
        """The whole list, from the background: one reset, keeping the open chat selected."""
        current = self.chat_list.currentIndex().data(ID_ROLE)
        bar = self.chat_list.verticalScrollBar()
        position = bar.value()
        self.model.replace_keeping_changes(chats)
        self.select(current)
        bar.setValue(position)
        self._listed()

    def _listed(self) -> None:
        self._open_pending()
        self._pending_open = None  # not listed at all: deleted since
        self.listCompleted.emit()

    def _open_pending(self) -> None:
        """Opens the last chat once it is listed, unless the person has opened one meanwhile."""
        chat_id = self._pending_open
        if chat_id is None or self.model.get(chat_id) is None:
            return
        self._pending_open = None
        if not self.chat_list.currentIndex().isValid():
            self.chatSelected.emit(chat_id)

    def refresh_drafts(self) -> None:
        """Marks the chats with unsent text. On the writer lane, so a draft saved just before is seen."""
        store = self._store
        with contextlib.suppress(RuntimeError):  # the window has closed and its lanes with it
            self._tasks.write(store.chats_with_drafts, self.model.set_drafts, lambda _error: None)

    # --- the list ---
    def select(self, chat_id: str | None) -> None:
        """Marks the open chat in the list without reporting it as the person's choice."""
        row = self.model.row_of(chat_id) if chat_id else None
        index = self.model.index(row) if row is not None else QModelIndex()
        if self.chat_list.currentIndex() != index:
            blocker = self.chat_list.selectionModel().blockSignals(True)
            self.chat_list.setCurrentIndex(index)
            if not index.isValid():
                self.chat_list.selectionModel().clearSelection()
            self.chat_list.selectionModel().blockSignals(blocker)
            self.chat_list.viewport().update()
        self._drafts_timer.start()  # the chat left behind may have a draft now

    def choose(self, row: int) -> None:
        """Opens the chat in a row, as a click would; a header row gives way to the nearest chat in
        the direction the person is going (Ctrl+PgDown / Ctrl+PgUp wrap round)."""
        current = self.chat_list.currentIndex()
        count = self.model.rowCount()
        upward = current.isValid() and count > 0 and (row - current.row()) % count > count // 2
        target = self.model.chat_row_near(row, upward=upward)
        if target is not None:
            self.chat_list.setCurrentIndex(self.model.index(target))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        chat_id = current.data(ID_ROLE) if current.isValid() else None
        if chat_id:
            self.chatSelected.emit(chat_id)

    def fit_splitter(self, splitter: QSplitter) -> None:
        """After the window's size changed: in a narrow window the chat matters more than the list, so
        the list gets at most a third; once there is room again it gets back the width it had."""
        sizes = splitter.sizes()
        left, total = sizes[0], sum(sizes)
        if not total or not self.isVisible():  # before the first layout the sizes mean nothing
            return
        if self._list_width is None:
            self._list_width = left
            splitter.splitterMoved.connect(lambda _pos, _index: setattr(self, "_list_width", splitter.sizes()[0]))
        wanted = self._list_width
        if total - wanted < self.NARROW_CHAT:
            wanted = max(self.MIN_LIST, min(wanted, total // 3))
        if wanted != left:
            splitter.setSizes([wanted, total - wanted])

    # --- search ---
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.chat_list.viewport():
            QTimer.singleShot(0, self._start_fill)  # the first screen is painted: now the rest
            return False
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and \
                event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            if watched is self.search_box and event.key() == Qt.Key.Key_Down:  # ↓: into the results
                self._focus_first_result()
                return True
            if watched is self.chat_list and event.key() == Qt.Key.Key_Delete and \
                    self.chat_list.currentIndex().data(ID_ROLE):  # Delete: the window deletes it, with undo
                self.deleteRequested.emit()
                return True
        return super().eventFilter(watched, event)

    def _run_search(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            self.stack.setCurrentWidget(self.chat_list)
            self.search_note.hide()
            self._open_on_results = self._shown_query = ""
            return
        store = self._store

        def found(result: tuple[list[SearchHit], float | None]) -> None:
            if self.search_box.text().strip() != query:
                return  # the person typed on; a newer search is on its way
            hits, progress = result
            self._shown_query = query
            self._show_index_progress(progress)
            self.results_model.set_hits(hits)
            if hits:
                self.stack.setCurrentWidget(self.results_list)
            else:
                self.results_empty.setText(self.tr("Nothing found for “%s”.") % query)
                self.stack.setCurrentWidget(self.results_empty)
            action, self._open_on_results = self._open_on_results, ""
            if action == "focus":
                self._focus_first_result()
            elif action == "open":
                self._open_first_result()

        def search() -> tuple[list[SearchHit], float | None]:
            progress = store.search_progress  # before searching: "complete" then covers these results
            return store.search(query, limit=300), progress

        with contextlib.suppress(RuntimeError):  # the window has closed and its lanes with it
            self._tasks.read(search, found, lambda _error: None)

    def _show_index_progress(self, progress: float | None) -> None:
        """Says that results may be missing while the search index is still being built."""
        if progress is None:
            self.search_note.hide()
            self._index_timer.stop()
            return
        self.search_note.setText(self.tr("The search index is still being built (%1 %): older messages may "
                                         "be missing from the results.").replace("%1", str(int(progress * 100))))
        self.search_note.show()
        self._index_timer.start()

    def _results_pending(self, action: str) -> bool:
        """True when the results for the text in the box are not on screen yet (then `action` waits)."""
        if self._search_timer.isActive() or self._shown_query != self.search_box.text().strip():
            self._open_on_results = action
            if self._search_timer.isActive():
                self._search_timer.stop()
                self._run_search()
            return True
        return False

    def _focus_first_result(self) -> None:
        """↓ in the search box: into the results, on the first one."""
        if not self.search_box.text().strip() or self._results_pending("focus"):
            return
        if self.stack.currentWidget() is self.results_list and self.results_model.rowCount():
            self.results_list.setFocus()
            if not self.results_list.currentIndex().isValid():
                self.results_list.setCurrentIndex(self.results_model.index(0))

    def _open_first_result(self) -> None:
        """Enter in the search box: opens the highlighted result (the first one if none is)."""
        if not self.search_box.text().strip() or self._results_pending("open"):
            return
        if self.stack.currentWidget() is self.results_list and self.results_model.rowCount():
            index = self.results_list.currentIndex()
            self._on_result_chosen(index if index.isValid() else self.results_model.index(0))

    def _on_result_chosen(self, index: QModelIndex) -> None:
        hit: SearchHit | None = index.data(HIT_ROLE)
        if hit is not None:
            self.resultChosen.emit(hit.chat_id, hit.message_id)
