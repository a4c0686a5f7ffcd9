"""Paints the open chat's rows from cached rich-text documents, and hit-tests their links.

Each row's document is laid out once per width and cached. Links inside a row ("copy-code:N",
"action:…", web links) are hit-tested with the row's document.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

if TYPE_CHECKING:
    from desktop_chat.store.model import Attachment
    from desktop_chat.ui.streaming_document import FormulaUpdates, MessageDocument

from desktop_chat.ui import hover_bar
from desktop_chat.ui.chat_model import ROW_ROLE, Row
from desktop_chat.ui.day_rows import full_time, time_of_day
from desktop_chat.ui.message_footer import footer_html
from desktop_chat.ui.theme import Theme

MARGIN = 10  # outside a bubble
PADDING = 10  # inside a bubble
USER_WIDTH = 0.78  # a user's bubble takes at most this share of the width, on the right
READABLE_CHARS = 100  # the longest line of a message, in average characters


def pages_of(document: QTextDocument) -> list[QTextDocument]:
    """The documents, one under the other, that show the message whose first page is `document` (a long
    message has several: streaming_document.PAGE_CHARS); [document] for any other."""
    pages = document.property("pages")
    return (pages() if callable(pages) else None) or [document]


def height_of(document: QTextDocument) -> float:
    return sum(page.size().height() for page in pages_of(document))


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
        self._formula_updates: FormulaUpdates | None = None
        # The text selected with the mouse in a row (text_selection.py), painted over its text: what to
        # paint over one page of a row (the page and its number among the message's pages).
        self.text_selections: Callable[[Row, QTextDocument, int], list] | None = None
        self.bar = hover_bar.BarState()  # the view keeps it up to date (mouse, keyboard, "copied")
        # A message's time under it, and in full in its tooltip (the window sets them in the UI's language).
        self.time_text: Callable[[float], str] = time_of_day
        self.full_time: Callable[[float], str] = full_time

    @property
    def _formulas(self) -> FormulaUpdates:
        """Made when first needed (a document waits for a formula): importing streaming_document in
        __init__ (Markdown, Pygments) cost ~40 ms before the window's first paint."""
        if self._formula_updates is None:
            from desktop_chat.ui.streaming_document import FormulaUpdates

            self._formula_updates = FormulaUpdates(self._all_documents, self)
            self._formula_updates.applied.connect(self._on_formulas_applied)
        return self._formula_updates

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
            stream = self._stream_of(row)
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

    def _stream_of(self, row: Row) -> MessageDocument:
        from desktop_chat.ui.streaming_document import MessageDocument

        stream = self._streaming.get(id(row))
        if stream is None:
            stream = MessageDocument(self._theme, self._footer_html(row))
            self._streaming[id(row)] = stream
            if len(self._streaming) > self.STREAMS:
                self._streaming.popitem(last=False)
        return stream

    def prepare_stream(self, row: Row) -> None:
        """Renders what changed in a streaming row's text (MessageDocument.prepare), so that measuring
        the row a moment later only edits its document."""
        self._stream_of(row).prepare(row.text)

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
        if row.kind in ("cut", "day"):
            return QColor(0, 0, 0, 0)
        if message is not None and message.role == "user":
            return QColor(self._theme.user_bubble)
        if message is not None and message.status == "error":
            return QColor(self._theme.error_bg)
        return QColor(self._theme.assistant_bg)

    def bubble_rect(self, row: Row, option_rect: QRect, doc: QTextDocument) -> QRect:
        width = self._bubble_width(row, option_rect.width())
        height = int(height_of(doc)) + 2 * PADDING
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
        # A message's action bar has its strip whether it is shown or not: rows never jump on hover.
        bar = hover_bar.BAR_HEIGHT if hover_bar.has_bar(row) else 0
        return QSize(width, int(height_of(doc)) + 2 * PADDING + MARGIN + bar)

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
        painter.setClipRect(clip)
        top = 0.0
        # A long message's pages, one under the other; only those on screen.
        for number, page in enumerate(pages_of(doc)):
            height = page.size().height()
            if clip.top() <= top + height and clip.bottom() >= top:
                painter.translate(0, top)
                context.clip = clip.toRectF().translated(0, -top)
                selections = self._find_selections(page) if self.highlight else []
                if self.text_selections is not None:
                    selections += self.text_selections(row, page, number)
                context.selections = selections
                page.documentLayout().draw(painter, context)
                painter.translate(0, -top)
            top += height
        painter.restore()
        if hover_bar.has_bar(row):
            selected = bool(option.state & (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus))
            shown = selected or row.last or self.bar.hovered == row.key or self.bar.focus_key == row.key
            # A hidden bar without a pager draws nothing: not laid out (every row, on every scroll step).
            items = hover_bar.visible_items(self.bar_items(row, option.rect, doc), shown) \
                if shown or hover_bar.has_pager(row) else []
            if items:
                hover_bar.paint(painter, items, self._theme, self.bar, row, self.bar_labels()["copied"])

    # --- the action bar under a message (hover_bar) ---
    def bar_labels(self) -> dict[str, str]:
        """The names of the bar's buttons that have no action label of their own, in the UI's language."""
        return {"more": self.tr("More…"), "prev": self.tr("Previous version"), "next": self.tr("Next version"),
                "copied": self.tr("Copied")}

    def bar_items(self, row: Row, option_rect: QRect, doc: QTextDocument | None = None) -> list[hover_bar.BarItem]:
        """The bar's buttons and texts under a message, in view coordinates (all of them, shown or not)."""
        if not hover_bar.has_bar(row) or row.message is None:
            return []
        doc = doc or self.document(row, option_rect.width())
        bubble = self.bubble_rect(row, option_rect, doc)
        metrics = QFontMetrics(self._font())
        return hover_bar.layout(row, bubble, metrics, self.bar_labels(), self.time_text(row.message.created_at))

    def bar_item_at(self, row: Row, option_rect: QRect, pos: QPoint) -> hover_bar.BarItem | None:
        return next((item for item in self.bar_items(row, option_rect) if item.rect.contains(pos)), None)

    def _font(self):
        from PySide6.QtWidgets import QApplication

        view = self.parent()
        return view.font() if isinstance(view, QListView) else QApplication.font()

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
        """The link or the bar button under `pos` (a bar button counts only when it can be pressed)."""
        item = self.bar_item_at(row, option_rect, pos)
        if item is not None and item in hover_bar.buttons([item]):
            return item.href
        doc = self.document(row, option_rect.width())
        bubble = self.bubble_rect(row, option_rect, doc)
        local = (pos - bubble.topLeft() - QPoint(PADDING, PADDING)).toPointF()
        for page in pages_of(doc):
            height = page.size().height()
            if local.y() < height:
                return page.documentLayout().anchorAt(local)
            local.setY(local.y() - height)
        return ""

    def code_block(self, row: Row, width: int, number: int) -> str | None:
        doc = self.document(row, width)
        blocks = doc.property("code_blocks") or []
        return blocks[number] if 0 <= number < len(blocks) else None
