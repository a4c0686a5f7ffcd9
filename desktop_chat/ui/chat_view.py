"""The open chat: a list model of rows, a delegate that paints each row from rich text, and the view.

Long chats stay fast because the model exposes only a window of the newest messages and grows it
when the person scrolls to the top; each row's rich text is laid out once per width and cached, so
Qt never measures thousands of rows up front (that costs seconds; see docs/decisions.md).
Links inside a row ("copy-code:N", "action:…", web links) are hit-tested with the row's document.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QContextMenuEvent,
    QFontMetrics,
    QHelpEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

if TYPE_CHECKING:
    from desktop_chat.store.model import Attachment
    from desktop_chat.ui.streaming_document import MessageDocument

from desktop_chat.store import Message
from desktop_chat.ui.message_footer import footer_html
from desktop_chat.ui.theme import Theme

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
INITIAL_WINDOW = 30  # enough rows to fill a tall window at first paint
GROW_BY = 50
MARGIN = 10  # outside a bubble
PADDING = 10  # inside a bubble
USER_WIDTH = 0.78  # a user's bubble takes at most this share of the width, on the right
READABLE_CHARS = 100  # the longest line of a message, in average characters


@dataclass
class Row:
    """One row of the chat view. `kind` is "message", "streaming", "cut" or "notice"."""

    kind: str
    message: Message | None = None
    text: str = ""  # streaming text, or a notice
    # Extra words under a message: a live error's full text, "stopped", token usage…
    footer_note: str = ""
    actions: list[tuple[str, str]] = field(default_factory=list)  # (href, label)

    @property
    def key(self) -> str:
        if self.message is not None:
            return f"m:{self.message.id}"
        return f"{self.kind}:{id(self)}"


class ChatModel(QAbstractListModel):
    """The rows of one chat: a window of its newest messages, a cut marker, and a streaming reply."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages: list[Message] = []
        self._start = 0  # index in _messages of the first exposed message
        self._rows: list[Row] = []
        self._cut_before: str | None = None  # message id the cut marker sits before
        self._cut_text = ""
        self._tail: list[Row] = []  # streaming reply / notices after the last message
        # Called for each message row as rows are built, with whether it is the chat's last message:
        # the window fills in the notes and links under it.
        self.decorate: Callable[[Row, bool], None] = lambda row, is_last: None

    # --- reading ---
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return row.message.text if row.message else row.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _describe(row)
        return None

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def messages(self) -> list[Message]:
        return self._messages

    def has_more_above(self) -> bool:
        return self._start > 0

    def row_of_message(self, message_id: str) -> int | None:
        for i, row in enumerate(self._rows):
            if row.message is not None and row.message.id == message_id:
                return i
        return None

    # --- changing ---
    def set_messages(self, messages: list[Message]) -> None:
        self.beginResetModel()
        self._messages = list(messages)
        self._start = max(0, len(self._messages) - INITIAL_WINDOW)
        self._tail = []
        self._rebuild()
        self.endResetModel()

    def set_cut(self, before_message_id: str | None, text: str) -> None:
        if before_message_id == self._cut_before and text == self._cut_text:
            return
        self._cut_before, self._cut_text = before_message_id, text
        self.refresh()

    def grow_up(self, count: int = GROW_BY) -> int:
        """Exposes up to `count` older messages; returns how many rows were added at the top."""
        if self._start == 0:
            return 0
        new_start = max(0, self._start - count)
        old_len = len(self._rows)
        self.beginResetModel()
        self._start = new_start
        self._rebuild()
        self.endResetModel()
        return len(self._rows) - old_len

    def ensure_visible(self, message_id: str) -> int | None:
        """Grows the window until it holds the message; returns its row."""
        index = next((i for i, m in enumerate(self._messages) if m.id == message_id), None)
        if index is None:
            return None
        if index < self._start:
            self.beginResetModel()
            self._start = max(0, index - 5)
            self._rebuild()
            self.endResetModel()
        return self.row_of_message(message_id)

    def append_message(self, message: Message) -> None:
        # A chat opened while its write was in flight already read this message from disk.
        if any(m.id == message.id for m in self._messages[-3:]):
            return
        self._messages.append(message)
        self.refresh()

    def replace_messages_from(self, message_id: str) -> None:
        """Drops a message and everything after it (regenerate, edit-and-resend)."""
        index = next((i for i, m in enumerate(self._messages) if m.id == message_id), None)
        if index is None:
            return
        del self._messages[index:]
        self._start = min(self._start, len(self._messages))
        self.refresh()

    def set_tail(self, rows: list[Row]) -> None:
        self._tail = rows
        self.refresh()

    def tail(self) -> list[Row]:
        return self._tail

    def row_of_tail(self, row: Row) -> int | None:
        try:
            return self._rows.index(row)
        except ValueError:
            return None

    def refresh(self) -> None:
        """Builds the rows again (their notes and links may depend on the window's state)."""
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _rebuild(self) -> None:
        rows: list[Row] = []
        last = self._messages[-1] if self._messages else None
        for message in self._messages[self._start:]:
            if self._cut_before is not None and message.id == self._cut_before:
                rows.append(Row("cut", text=self._cut_text))
            row = Row("message", message=message)
            self.decorate(row, message is last)
            rows.append(row)
        rows.extend(self._tail)
        self._rows = rows


def _describe(row: Row) -> str:
    """What a screen reader says for a row."""
    if row.message is not None:
        return f"{row.message.role}: {row.message.text}"
    return row.text


class ChatDelegate(QStyledItemDelegate):
    """Paints rows from cached documents and tells the view where links are.

    A message's document is a MessageDocument (streaming_document.py), whether the message is stored
    or still streaming, so a reply looks the same before and after it is stored. A streaming row's
    document follows `row.text` (the whole text so far) each time the row is measured or painted.
    `documentsChanged` is emitted when formulas rendered in the background changed some documents.
    """

    CACHE_SIZE = 400
    STREAMS = 8  # streaming rows whose documents are kept (several chats may stream at once)

    documentsChanged = Signal()

    def __init__(self, theme: Theme, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._readable: int | None = None
        # Where a message's stored file is (the window sets it from the store); None: no pictures shown.
        self.attachment_path: Callable[[Attachment], Path] | None = None
        self._theme = theme
        self._docs: OrderedDict[tuple, MessageDocument | QTextDocument] = OrderedDict()
        self._streaming: OrderedDict[int, MessageDocument] = OrderedDict()
        self.highlight = ""  # find-in-chat: every occurrence is marked in the rows on screen
        from desktop_chat.ui.streaming_document import FormulaUpdates

        self._formulas = FormulaUpdates(self._all_documents, self)
        self._formulas.applied.connect(self._on_formulas_applied)

    @property
    def theme(self) -> Theme:
        return self._theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._docs.clear()
        self._streaming.clear()

    def clear_cache(self) -> None:
        self._docs.clear()

    # --- geometry ---
    def _readable_width(self) -> int:
        if self._readable is None:
            from PySide6.QtWidgets import QApplication

            self._readable = QFontMetrics(QApplication.font()).averageCharWidth() * READABLE_CHARS + 2 * PADDING
        return self._readable

    def _bubble_width(self, row: Row, width: int) -> int:
        # About a hundred characters a line at most: wide windows keep prose readable.
        inner = max(120, min(width - 2 * MARGIN, self._readable_width()))
        if row.message is not None and row.message.role == "user":
            return max(120, int(inner * USER_WIDTH))
        return inner

    def document(self, row: Row, width: int) -> QTextDocument:
        """The laid-out document for a row at a view width (cached; built on first use)."""
        found = self.message_document(row, width)
        if found is not None:
            return found.document
        text_width = self._bubble_width(row, width) - 2 * PADDING
        key = (row.key, self._footer_html(row), text_width)
        doc = self._docs.get(key)
        if doc is None:
            doc = self._build_document(row)
            doc.setTextWidth(text_width)
            self._remember(key, doc)
        else:
            self._docs.move_to_end(key)
        return doc if isinstance(doc, QTextDocument) else doc.document

    def message_document(self, row: Row, width: int) -> MessageDocument | None:
        """The MessageDocument of a message or streaming row (None for notices and cut markers)."""
        from desktop_chat.ui.streaming_document import MessageDocument

        text_width = self._bubble_width(row, width) - 2 * PADDING
        if row.kind == "streaming":
            stream = self._streaming.get(id(row))
            if stream is None:
                stream = MessageDocument(self._theme, self._footer_html(row))
                self._streaming[id(row)] = stream
                if len(self._streaming) > self.STREAMS:
                    self._streaming.popitem(last=False)
            # Replace, never append: the row holds the whole text so far.
            stream.update(row.text, self._footer_html(row))
            stream.set_width(text_width)
            self._watch_formulas(stream)
            return stream
        if row.kind != "message" or row.message is None:
            return None
        # The footer is part of the key: its links and notes change (a newer reply, another language).
        key = (row.key, self._footer_html(row), text_width)
        doc = self._docs.get(key)
        if isinstance(doc, MessageDocument):
            self._docs.move_to_end(key)
            return doc
        doc = MessageDocument(self._theme)
        doc.update(row.message.text, self._footer_html(row))
        doc.set_width(text_width)
        self._remember(key, doc)
        self._watch_formulas(doc)
        return doc

    def _remember(self, key: tuple, doc: MessageDocument | QTextDocument) -> None:
        self._docs[key] = doc
        if len(self._docs) > self.CACHE_SIZE:
            self._docs.popitem(last=False)

    def adopt_stream(self, streaming_row: Row, message_row: Row, width: int) -> None:
        """Keeps the streamed reply's document as the finished message's, brought up to its final
        text and footer: rendering a long reply again from scratch would freeze the window. The
        result is the same as a fresh document of the stored message (tests/ui_render)."""
        stream = self._streaming.pop(id(streaming_row), None)
        if stream is None:
            return
        stream.update(message_row.message.text if message_row.message else "", self._footer_html(message_row))
        text_width = self._bubble_width(message_row, width) - 2 * PADDING
        stream.set_width(text_width)
        self._remember((message_row.key, self._footer_html(message_row), text_width), stream)

    def forget_stream(self, streaming_row: Row) -> None:
        """Drops a streaming row's document (the reply was abandoned)."""
        self._streaming.pop(id(streaming_row), None)

    def _watch_formulas(self, doc: MessageDocument) -> None:
        if doc.pending:
            self._formulas.watch()

    def _on_formulas_applied(self) -> None:
        self.documentsChanged.emit()

    def _all_documents(self) -> list[MessageDocument]:
        docs = [*self._streaming.values(), *self._docs.values()]
        return [doc for doc in docs if not isinstance(doc, QTextDocument)]

    def _build_document(self, row: Row) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(f"a {{ color: {self._theme.link}; }}")
        doc.setHtml(f'<p style="color:{self._theme.muted_text}" align="center">'
                    f"{html.escape(row.text)}</p>" + self._footer_html(row))
        return doc

    def _footer_html(self, row: Row) -> str:
        return footer_html(row, self._theme, self.attachment_path)

    def _background(self, row: Row) -> QColor:
        message = row.message
        if row.kind == "cut":
            return QColor(0, 0, 0, 0)
        if message is not None and message.role == "user":
            return QColor(self._theme.user_bubble)
        if message is not None and message.status == "error":
            return QColor(self._theme.error_bg)
        return QColor(self._theme.assistant_bg)

    def bubble_rect(self, row: Row, option_rect: QRect, doc: QTextDocument) -> QRect:
        width = self._bubble_width(row, option_rect.width())
        height = int(doc.size().height()) + 2 * PADDING
        # On a wide window the messages keep to a centred column of readable width.
        column = max(120, min(option_rect.width() - 2 * MARGIN, self._readable_width()))
        left = option_rect.left() + max(MARGIN, (option_rect.width() - column) // 2)
        if row.message is not None and row.message.role == "user":
            natural = int(doc.idealWidth()) + 2 * PADDING
            width = min(width, max(natural, 60))
            left = left + column - width
        return QRect(left, option_rect.top() + MARGIN // 2, width, height)

    # --- Qt's delegate interface ---
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        row: Row = index.data(ROW_ROLE)
        width = option.rect.width() if option.rect.width() > 0 else 600
        view = self.parent()
        if isinstance(view, QListView):
            width = view.viewport().width()
        doc = self.document(row, width)
        return QSize(width, int(doc.size().height()) + 2 * PADDING + MARGIN)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row: Row = index.data(ROW_ROLE)
        doc = self.document(row, option.rect.width())
        bubble = self.bubble_rect(row, option.rect, doc)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._background(row))
        painter.drawRoundedRect(bubble, 10, 10)
        if option.state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus):
            painter.setPen(QColor(self._theme.selection))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(bubble.adjusted(0, 0, -1, -1), 10, 10)
        # Draw only what is on screen: a long reply's row is far taller than the viewport, and
        # drawing all of it on every streamed chunk would stall the window.
        visible = option.rect
        view = option.widget
        if isinstance(view, QListView):
            visible = visible.intersected(view.viewport().rect())
        painter.translate(bubble.left() + PADDING, bubble.top() + PADDING)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, QColor(self._theme.text))
        clip = visible.translated(-bubble.left() - PADDING, -bubble.top() - PADDING)
        context.clip = clip.toRectF()
        if self.highlight:
            context.selections = self._find_selections(doc)
        painter.setClipRect(clip)
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def _find_selections(self, doc: QTextDocument) -> list[QAbstractTextDocumentLayout.Selection]:
        marked = QTextCharFormat()
        marked.setBackground(QColor("#ffd54f"))
        marked.setForeground(QColor("#1f2328"))
        selections: list[QAbstractTextDocumentLayout.Selection] = []
        cursor = doc.find(self.highlight, 0)
        while not cursor.isNull() and len(selections) < 500:
            selection = QAbstractTextDocumentLayout.Selection()
            selection.cursor = cursor
            selection.format = marked
            selections.append(selection)
            cursor = doc.find(self.highlight, cursor)
        return selections

    def anchor_at(self, row: Row, option_rect: QRect, pos: QPoint) -> str:
        doc = self.document(row, option_rect.width())
        bubble = self.bubble_rect(row, option_rect, doc)
        local = pos - bubble.topLeft() - QPoint(PADDING, PADDING)
        return doc.documentLayout().anchorAt(local.toPointF())

    def code_block(self, row: Row, width: int, number: int) -> str | None:
        doc = self.document(row, width)
        blocks = doc.property("code_blocks") or []
        return blocks[number] if 0 <= number < len(blocks) else None


class ChatView(QListView):
    """The scrolling list of a chat's rows. Emits `linkActivated(row, href)` for clicks on links."""

    linkActivated = Signal(object, str)
    menuRequested = Signal(object, QPoint)  # row, global position: right click or the Menu key
    nearTop = Signal()

    def __init__(self, theme: Theme, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMouseTracking(True)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.chat_delegate = ChatDelegate(theme, self)
        self.setItemDelegate(self.chat_delegate)
        self.chat_delegate.documentsChanged.connect(self._on_documents_changed)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        # Stay at the bottom while content grows or re-wraps (a streaming reply, a scroll bar that
        # appears and narrows the text), unless the person scrolled up to read.
        self._stick_to_bottom = True
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self._empty_text = ""

    def set_highlight(self, text: str) -> None:
        self.chat_delegate.highlight = text
        self.viewport().update()

    def set_empty_text(self, text: str) -> None:
        """What an empty chat shows in the middle, so a new chat does not look broken."""
        self._empty_text = text
        self.viewport().update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self._empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(QColor(self.chat_delegate.theme.muted_text))
            rect = self.viewport().rect().adjusted(40, 0, -40, 0)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self._empty_text)
            painter.end()

    def _on_documents_changed(self) -> None:
        """Formula images arrived: rows may be taller now."""
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def set_theme(self, theme: Theme) -> None:
        self.chat_delegate.set_theme(theme)
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def _row_and_rect(self, pos: QPoint) -> tuple[Row | None, QRect]:
        index = self.indexAt(pos)
        if not index.isValid():
            return None, QRect()
        return index.data(ROW_ROLE), self.visualRect(index)

    def anchor_at(self, pos: QPoint) -> tuple[Row | None, str]:
        row, rect = self._row_and_rect(pos)
        if row is None:
            return None, ""
        return row, self.chat_delegate.anchor_at(row, rect, pos)

    def mouseMoveEvent(self, event) -> None:
        _row, href = self.anchor_at(event.position().toPoint())
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if href else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            row, href = self.anchor_at(event.position().toPoint())
            if row is not None and href:
                self.linkActivated.emit(row, href)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def contextMenuEvent(self, event) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid() and event.reason() == event.Reason.Keyboard:
            index = self.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        if row is not None:
            self.setCurrentIndex(index)
            rect = self.visualRect(index)
            where = event.globalPos() if event.reason() != event.Reason.Keyboard else \
                self.viewport().mapToGlobal(rect.topLeft() + QPoint(20, 20))
            self.menuRequested.emit(row, where)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
            # Shift+F10 opens the context menu on Linux and Windows, like the Menu key.
            rect = self.visualRect(self.currentIndex())
            self.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, rect.center()))
            return
        # Ctrl+C on a chosen message copies it, like in other chat apps.
        if event.matches(QKeySequence.StandardKey.Copy):
            row = self.currentIndex().data(ROW_ROLE) if self.currentIndex().isValid() else None
            if row is not None and row.message is not None:
                self.linkActivated.emit(row, "action:copy")
                return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            _row, href = self.anchor_at(event.pos())
            if href.startswith(("http://", "https://", "mailto:")):
                self.setToolTip(href)
            else:
                self.setToolTip("")
        return super().event(event)

    # --- scrolling ---
    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def scroll_to_end(self) -> None:
        self.executeDelayedItemsLayout()
        self._stick_to_bottom = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _on_scrolled(self, value: int) -> None:
        self._stick_to_bottom = self.at_bottom()
        if value <= 0:
            self.nearTop.emit()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._stick_to_bottom:
            self.verticalScrollBar().setValue(maximum)

    def keep_position_while(self, grow) -> None:
        """Runs `grow()` (which adds rows on top) and keeps the same content under the eyes."""
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        grow()
        self.executeDelayedItemsLayout()
        bar.setValue(bar.maximum() - from_bottom)
