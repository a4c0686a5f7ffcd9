"""Selecting a message's text with the mouse, in place, in the chat view.

The rows are painted by the delegate from cached documents; there is no text widget to select in.
So the selection lives here as two positions (anchor and cursor) in the document of one row: the
mouse is hit-tested with that document's layout, and the delegate paints the selection with the same
layout (PaintContext.selections), exactly where the text is. Nothing is added to rows that are not
selected, so painting and scrolling a long chat cost what they did. (A text widget moved over the
row under the mouse would need the same document, shared between two layouts, kept in step on every
scroll, resize, theme change and streamed chunk; this needs none of that.)

Only the message's own text is selectable, not the notes and links under it (its footer).

A long message is shown as several documents ("pages", streaming_document.PAGE_CHARS), one under the
other. A place in the text is a Spot: (page, position in that page), not one position counted from the
message's start. Spots compare in text order as tuples; a page is painted with its own spots as they are,
with no sums over the pages before it; and a streaming reply that grows (its last page edited, a page
added) leaves the spots on the pages before where they were. A message of one page has only (0, n).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout as Layout
from PySide6.QtGui import QClipboard, QColor, QGuiApplication, QMouseEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.chat_delegate import PADDING
from desktop_chat.ui.chat_model import ROW_ROLE, Row

if TYPE_CHECKING:
    from desktop_chat.ui.chat_view import ChatView
    from desktop_chat.ui.streaming_document import MessageDocument

Spot = tuple[int, int]  # (page, position in the page): see above

_CHAR, _WORD, _BLOCK = "char", "word", "block"  # what a drag extends by: after a press, a double or triple click
_EDGE = 24  # px from the view's top or bottom edge where a drag scrolls


class TextSelection(QObject):
    """The selected text of one message in a ChatView, and the mouse handling that makes it."""

    def __init__(self, view: ChatView) -> None:
        super().__init__(view)
        self._view = view
        # The selected row's message (a streaming row: the row). The model is reset for any change
        # (older rows added above, a reply started): the row is found again by it; another chat's
        # messages, or a finished reply's stored message, are other objects, so nothing stays selected.
        self._ident: object = None
        self._row = -1  # where it was last
        self._anchor: Spot = (0, 0)
        self._position: Spot = (0, 0)
        self._unit = _CHAR
        self._origin: tuple[Spot, Spot] = ((0, 0), (0, 0))  # the word or paragraph a double or triple click chose
        self._pressed = False  # a left press in a message's text, not released yet
        self._press_point = QPoint()
        self.dragged = False  # the last press became a drag: its release is not a click on a link
        self._last_point = QPoint()
        self._double_click: tuple[float, QPoint] | None = None  # when and where, for a triple click
        self._scroll = QTimer(self)  # scrolls while a drag is held above or below the view
        self._scroll.setInterval(40)
        self._scroll.timeout.connect(self._auto_scroll)

    # ---- what the view and the delegate ask -----------------------------------------------
    def has_selection(self) -> bool:
        return self._anchor != self._position and self._index() is not None

    def selected_text(self, row: Row | None = None) -> str:
        """The selected text as plain text ("" if none, or if it is not in `row` when given)."""
        index = self._index() if self._anchor != self._position else None
        if index is None or (row is not None and _ident(row) is not self._ident):
            return ""
        found = self._document(index)
        if found is None:
            return ""
        pages = found[1].documents
        start, end = self._ordered()
        # Pages break between paragraphs: a paragraph break joins them, as inside one page.
        text = "\n".join(self._cursor(pages[number], number, start, end).selection().toPlainText()
                         for number in range(start[0], min(end[0], len(pages) - 1) + 1))
        return text.replace("\ufffc", "").replace("\u2028", "\n")

    def selections(self, row: Row, doc: QTextDocument, page: int = 0) -> list[Layout.Selection]:
        """What the delegate paints over a row's text: the selection, if it is in this row and covers
        `doc`, its page number `page`."""
        if _ident(row) is not self._ident or self._anchor == self._position:
            return []
        start, end = self._ordered()
        if not start[0] <= page <= end[0]:
            return []
        cursor = self._cursor(doc, page, start, end)
        marked = QTextCharFormat()
        theme = self._view.chat_delegate.theme
        marked.setBackground(QColor(theme.selection))
        marked.setForeground(QColor(theme.selection_text))
        selection = Layout.Selection()
        selection.cursor = cursor
        selection.format = marked
        return [selection]

    def over_text(self, point: QPoint) -> bool:
        """Whether the mouse is over a message's text (the I-beam pointer shows there)."""
        index = self._view.indexAt(point)
        found = self._document(index) if index.isValid() else None
        if found is None:
            return False
        bubble, message = found
        text = bubble.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        return text.contains(point) and point.y() - text.top() <= self._text_bottom(message)

    def copy(self, row: Row | None = None) -> bool:
        """Puts the selected text on the clipboard; False when nothing is selected (in `row`, if given)."""
        text = self.selected_text(row)
        if not text:
            return False
        QGuiApplication.clipboard().setText(text)
        return True

    def select_all(self, row: Row) -> bool:
        """Selects the whole text of a message row (the Select all of its menu, Ctrl+A)."""
        model = self._view.model()
        for number in range(model.rowCount() if model is not None else 0):
            index = model.index(number, 0)
            if index.data(ROW_ROLE) is row:
                found = self._document(index)
                if found is None:
                    return False
                self._set(index, (0, 0), found[1].text_end)
                return True
        return False

    def clear(self) -> None:
        if self._ident is not None:
            self._repaint()
        self._ident, self._row = None, -1
        self._anchor = self._position = (0, 0)

    # ---- mouse ------------------------------------------------------------------------------
    def mouse_press(self, event: QMouseEvent) -> None:
        """A left press: starts a selection in a message's text, extends it with Shift, or clears it."""
        self.dragged = False
        self._pressed = False
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        index = self._view.indexAt(point)
        found = self._document(index) if index.isValid() else None
        if found is None or not found[0].contains(point):
            self.clear()
            return
        self._pressed, self._press_point, self._last_point = True, point, point
        position = self._hit(index, point)
        if self._double_click is not None and self._is_triple(point):
            self._double_click = None
            self._choose(index, position, _BLOCK)
            self.dragged = True
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and index == self._index():
            self._unit = _CHAR
            self._set(index, self._anchor, position)
            self.dragged = True
            return
        self.clear()
        self._unit = _CHAR
        self._set(index, position, position)

    def mouse_double_click(self, event: QMouseEvent) -> bool:
        """Selects the word under the mouse; True if it was in a message's text."""
        point = event.position().toPoint()
        index = self._view.indexAt(point)
        found = self._document(index) if index.isValid() else None
        if event.button() != Qt.MouseButton.LeftButton or found is None or not found[0].contains(point):
            return False
        self._choose(index, self._hit(index, point), _WORD)
        self._pressed, self.dragged, self._last_point = True, True, point
        self._double_click = (time.monotonic(), point)
        return True

    def mouse_move(self, event: QMouseEvent) -> bool:
        """Extends the selection while the left button is held; True if the move was a selection's."""
        if not self._pressed or not event.buttons() & Qt.MouseButton.LeftButton:
            return False
        point = event.position().toPoint()
        self._last_point = point
        if not self.dragged:
            if (point - self._press_point).manhattanLength() < QApplication.startDragDistance():
                return True
            self.dragged = True
        self._extend(point)
        inside = _EDGE <= point.y() <= self._view.viewport().height() - _EDGE
        if inside:
            self._scroll.stop()
        elif not self._scroll.isActive():
            self._scroll.start()
        return True

    def mouse_release(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._pressed = False  # the scrolling stops on its next tick
        clipboard = QGuiApplication.clipboard()
        if self.dragged and clipboard.supportsSelection():
            text = self.selected_text()
            if text:  # Linux: the middle button pastes what was selected, as everywhere else
                clipboard.setText(text, QClipboard.Mode.Selection)

    # ---- inside -----------------------------------------------------------------------------
    def _index(self) -> QModelIndex | None:
        """The selected row's index now, or None (nothing selected, or the row is gone)."""
        model = self._view.model()
        if self._ident is None or model is None:
            return None
        rows = model.rowCount()
        for number in (self._row, *range(rows - 1, -1, -1)):  # where it was; else from the newest
            row = model.index(number, 0).data(ROW_ROLE) if 0 <= number < rows else None
            if row is not None and _ident(row) is self._ident:
                self._row = number
                return model.index(number, 0)
        self._ident, self._row = None, -1
        self._anchor = self._position = (0, 0)
        return None

    def _document(self, index: QModelIndex) -> tuple[QRect, MessageDocument] | None:
        """The bubble (in viewport coordinates) and document of a message or streaming row."""
        row = index.data(ROW_ROLE)
        if not isinstance(row, Row) or row.kind not in ("message", "streaming"):
            return None
        delegate = self._view.chat_delegate
        rect = self._view.visualRect(index)
        message = delegate.message_document(row, rect.width())
        if message is None:
            return None
        return delegate.bubble_rect(row, rect, message.document), message

    def _text_bottom(self, message: MessageDocument) -> float:
        """How far below the top of the message's first page its text ends (its last page's, in fact)."""
        page, end = message.text_end
        pages = message.documents
        above = sum(doc.size().height() for doc in pages[:page])
        return above + pages[page].documentLayout().blockBoundingRect(pages[page].findBlock(end)).bottom()

    def _hit(self, index: QModelIndex, point: QPoint) -> Spot:
        """The text position under a point; above the text: its start, below it: its end."""
        found = self._document(index)
        if found is None:
            return 0, 0
        bubble, message = found
        local = QPointF(point - bubble.topLeft() - QPoint(PADDING, PADDING))
        pages = message.documents
        page = 0  # the page under the point (above the first: the first, below the last: the last)
        while page < len(pages) - 1 and local.y() >= pages[page].size().height():
            local.setY(local.y() - pages[page].size().height())
            page += 1
        hit = pages[page].documentLayout().hitTest(local, Qt.HitTestAccuracy.FuzzyHit)
        return page, min(hit, message.page_text_end(page))  # over the links under the text: the text's end

    def _unit_range(self, message: MessageDocument, spot: Spot, unit: str) -> tuple[Spot, Spot]:
        page, position = spot
        pages = message.documents
        if page >= len(pages):
            return spot, spot
        cursor = QTextCursor(pages[page])
        cursor.setPosition(min(position, pages[page].characterCount() - 1))
        if unit == _WORD:
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        elif unit == _BLOCK:
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        return (page, cursor.selectionStart()), (page, cursor.selectionEnd())

    def _choose(self, index: QModelIndex, position: Spot, unit: str) -> None:
        """Selects the word or paragraph at a position; a drag then extends by whole ones."""
        found = self._document(index)
        if found is None:
            return
        start, end = self._unit_range(found[1], position, unit)
        self._unit, self._origin = unit, (start, end)
        self.clear()
        self._set(index, start, end)

    def _extend(self, point: QPoint) -> None:
        index = self._index()
        if index is None:
            return
        position = self._hit(index, point)
        if self._unit == _CHAR:
            self._set(index, self._anchor, position)
            return
        found = self._document(index)
        if found is None:
            return
        start, end = self._unit_range(found[1], position, self._unit)
        if position < self._origin[0]:
            self._set(index, self._origin[1], start)
        else:
            self._set(index, self._origin[0], max(end, self._origin[1]))

    def _set(self, index: QModelIndex, anchor: Spot, position: Spot) -> None:
        row = index.data(ROW_ROLE)
        self._ident, self._row = (_ident(row), index.row()) if isinstance(row, Row) else (None, -1)
        self._anchor, self._position = anchor, position
        self._repaint()

    def _ordered(self) -> tuple[Spot, Spot]:
        """The selection's start and end, in text order."""
        anchor, position = self._anchor, self._position
        return (anchor, position) if anchor < position else (position, anchor)

    def _cursor(self, doc: QTextDocument, page: int, start: Spot, end: Spot) -> QTextCursor:
        """The part of the selection from `start` to `end` in `doc`, the message's page number `page`
        (which the selection covers)."""
        last = doc.characterCount() - 1  # a streaming reply may have been rewritten shorter
        cursor = QTextCursor(doc)
        cursor.setPosition(min(start[1], last) if page == start[0] else 0)
        cursor.setPosition(min(end[1], last) if page == end[0] else last, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _repaint(self) -> None:
        index = self._index()
        if index is not None:
            self._view.viewport().update(self._view.visualRect(index))

    def _is_triple(self, point: QPoint) -> bool:
        assert self._double_click is not None
        when, where = self._double_click
        interval = QGuiApplication.styleHints().mouseDoubleClickInterval() / 1000
        return time.monotonic() - when <= interval and \
            (point - where).manhattanLength() < QApplication.startDragDistance()

    def _auto_scroll(self) -> None:
        """While a drag is held above or below the view, scrolls and extends the selection."""
        if not self._pressed:
            self._scroll.stop()
            return
        y, height = self._last_point.y(), self._view.viewport().height()
        step = (y - _EDGE) if y < _EDGE else (y - height + _EDGE) if y > height - _EDGE else 0
        bar = self._view.verticalScrollBar()
        bar.setValue(bar.value() + max(-80, min(80, step)))
        self._extend(self._last_point)


def _ident(row: Row) -> object:
    return row.message if row.message is not None else row
