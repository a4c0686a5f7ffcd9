"""The list of chats on the left, and the list of search results that replaces it while searching."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.store import ChatStore, ChatSummary, SearchHit
from desktop_chat.ui.tasks import BackgroundTasks

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 3  # plain text under the title
SUBTITLE_HTML_ROLE = Qt.ItemDataRole.UserRole + 4  # rich text under the title (search snippets)
PINNED_ROLE = Qt.ItemDataRole.UserRole + 5  # True: the delegate draws a pin before the title


def sort_key(chat: ChatSummary) -> tuple[bool, float]:
    """Pinned chats first, then the most recently active."""
    return (not chat.pinned, -chat.updated_at)


class ChatListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chats: list[ChatSummary] = []
        self.untitled = "New chat"
        self.pinned_label = "Pinned"
        self.writing_label = "Writing a reply…"
        self.read_only_label = "read only"
        self._writing: set[str] = set()  # chats with a reply in flight

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._chats)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        chat = self._chats[index.row()]
        title = chat.title or self.untitled
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == PINNED_ROLE:
            return chat.pinned
        if role == SUBTITLE_ROLE:
            if chat.id in self._writing:
                return self.writing_label
            when = time.strftime("%d.%m.%Y %H:%M", time.localtime(chat.updated_at))
            return f"{when} · {self.read_only_label}" if chat.read_only else when
        if role == Qt.ItemDataRole.ToolTipRole:
            return title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.pinned_label}: {title}" if chat.pinned else title
        if role == ID_ROLE:
            return chat.id
        return None

    def set_chats(self, chats: list[ChatSummary]) -> None:
        self.beginResetModel()
        self._chats = sorted(chats, key=sort_key)
        self.endResetModel()

    def set_writing(self, chat_ids: set[str]) -> None:
        """Marks the chats whose reply is being written (their second line says so)."""
        changed = chat_ids ^ self._writing
        self._writing = set(chat_ids)
        for row, chat in enumerate(self._chats):
            if chat.id in changed:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def writing(self) -> set[str]:
        return set(self._writing)

    def chats(self) -> list[ChatSummary]:
        return list(self._chats)

    def upsert(self, chat: ChatSummary) -> None:
        others = [c for c in self._chats if c.id != chat.id]
        self.set_chats([*others, chat])

    def remove(self, chat_id: str) -> None:
        self.set_chats([c for c in self._chats if c.id != chat_id])

    def row_of(self, chat_id: str) -> int | None:
        return next((i for i, c in enumerate(self._chats) if c.id == chat_id), None)

    def get(self, chat_id: str) -> ChatSummary | None:
        return next((c for c in self._chats if c.id == chat_id), None)


class SearchResultsModel(QAbstractListModel):
    """One row per chat with matches: its best hit (a title hit, else the newest message) and how
    many matching messages it has; rows of near-identical snippets from one chat would only confuse."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[SearchHit, int]] = []
        self.untitled = "New chat"
        self.matches_label = "%n matching messages"

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit, count = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            title = hit.chat_title or self.untitled
            return f"{title} ({count})" if count > 1 else title
        if role == SUBTITLE_HTML_ROLE:
            return highlight(hit.snippet, hit.highlights)
        if role == Qt.ItemDataRole.ToolTipRole and count > 1:
            return self.matches_label.replace("%n", str(count))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.chat_title}: {hit.snippet}"
        if role == HIT_ROLE:
            return hit
        if role == ID_ROLE:
            return hit.chat_id
        return None

    def set_hits(self, hits: list[SearchHit]) -> None:
        """`hits` in the store's order (titles first, then messages newest first)."""
        first: dict[str, SearchHit] = {}
        counts: dict[str, int] = {}
        for hit in hits:
            first.setdefault(hit.chat_id, hit)
            if hit.message_id is not None:
                counts[hit.chat_id] = counts.get(hit.chat_id, 0) + 1
        self.beginResetModel()
        self._rows = [(hit, counts.get(chat_id, 0)) for chat_id, hit in first.items()]
        self.endResetModel()

    def hit_count(self) -> int:
        return sum(count for _hit, count in self._rows)


def highlight(snippet: str, ranges: list[tuple[int, int]]) -> str:
    """The snippet as HTML with the matched ranges in bold."""
    out: list[str] = []
    position = 0
    for start, end in sorted(ranges):
        if start < position:
            continue
        out.append(html.escape(snippet[position:start]))
        out.append(f"<b><u>{html.escape(snippet[start:end])}</u></b>")
        position = end
    out.append(html.escape(snippet[position:]))
    return "".join(out).replace("\n", " ")


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
        painter.setPen(QPen(color, 1.4))
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

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
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
            subtitle = small_metrics.elidedText(str(index.data(SUBTITLE_ROLE) or ""), Qt.TextElideMode.ElideRight,
                                                below.width())
            painter.drawText(below.left(), below.top() + small_metrics.ascent(), subtitle)
        painter.restore()


class ChatSidebar(QWidget):
    """The left column: "New chat", the search box, and the chat list, which search results replace
    while there is a query. Searches run off the GUI thread through `tasks`."""

    newChatRequested = Signal()
    chatSelected = Signal(str)  # chat id, picked in the list
    resultChosen = Signal(str, object)  # chat id, message id (None for a title hit)

    SEARCH_DELAY_MS = 200  # wait for a pause in typing before searching

    def __init__(self, store: ChatStore, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._tasks = tasks
        self.new_chat_button = QPushButton(self)
        self.new_chat_button.setObjectName("newChatButton")
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.model = ChatListModel(self)
        self.chat_list = self._list("chatList", self.model, TitleDelegate(self))
        self.chat_list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.results_model = SearchResultsModel(self)
        self.results_list = self._list("searchResults", self.results_model, TitleDelegate(self, lines=2))
        self.results_empty = QLabel(self)
        self.results_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.results_empty.setWordWrap(True)
        self.stack = QStackedWidget(self)
        for page in (self.chat_list, self.results_list, self.results_empty):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.search_box)
        layout.addWidget(self.stack, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_box.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_box.returnPressed.connect(self._focus_first_result)
        self.new_chat_button.clicked.connect(self.newChatRequested)
        self.chat_list.selectionModel().currentChanged.connect(self._on_current_changed)
        self.results_list.clicked.connect(self._on_result_chosen)
        self.results_list.activated.connect(self._on_result_chosen)
        self.retranslate()

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
        self.chat_list.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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

    def choose(self, row: int) -> None:
        """Opens the chat in a row, as a click would."""
        self.chat_list.setCurrentIndex(self.model.index(row))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.chatSelected.emit(current.data(ID_ROLE))

    # --- search ---
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _run_search(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            self.stack.setCurrentWidget(self.chat_list)
            return
        store = self._store

        def found(hits: list[SearchHit]) -> None:
            if self.search_box.text().strip() != query:
                return  # the person typed on; a newer search is on its way
            self.results_model.set_hits(hits)
            if hits:
                self.stack.setCurrentWidget(self.results_list)
            else:
                self.results_empty.setText(self.tr("Nothing found for “%s”.") % query)
                self.stack.setCurrentWidget(self.results_empty)

        self._tasks.read(lambda: store.search(query, limit=300), found, lambda _error: None)

    def _focus_first_result(self) -> None:
        if self.stack.currentWidget() is self.results_list and self.results_model.rowCount():
            self.results_list.setFocus()
            self.results_list.setCurrentIndex(self.results_model.index(0))

    def _on_result_chosen(self, index: QModelIndex) -> None:
        hit: SearchHit | None = index.data(HIT_ROLE)
        if hit is not None:
            self.resultChosen.emit(hit.chat_id, hit.message_id)
