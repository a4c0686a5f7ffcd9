"""The open chat's scrolling view: rows from `chat_model`, painted by `chat_delegate`.

The view turns mouse and keys into signals (a link clicked, a menu asked for, the top reached) and
keeps the reader at the bottom while a reply grows, unless they scrolled up to read.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QHelpEvent, QKeySequence, QPainter
from PySide6.QtWidgets import QAbstractItemView, QListView

from desktop_chat.ui.chat_delegate import ChatDelegate
from desktop_chat.ui.chat_model import ROW_ROLE, ChatModel, Row
from desktop_chat.ui.theme import Theme

__all__ = ["ROW_ROLE", "ChatModel", "ChatView", "Row"]


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
        from desktop_chat.ui.text_selection import TextSelection

        self.text_selection = TextSelection(self)  # selecting a message's text with the mouse, in place
        self.chat_delegate.text_selections = self.text_selection.selections

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

    def mousePressEvent(self, event) -> None:
        self.text_selection.mouse_press(event)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if not self.text_selection.mouse_double_click(event):
            super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self.text_selection.mouse_move(event):
            return  # a selection is being dragged: the rows are not
        point = event.position().toPoint()
        _row, href = self.anchor_at(point)
        shape = Qt.CursorShape.PointingHandCursor if href else \
            Qt.CursorShape.IBeamCursor if self.text_selection.over_text(point) else Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(shape)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        self.text_selection.mouse_release(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.text_selection.dragged:
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
        row = self.currentIndex().data(ROW_ROLE) if self.currentIndex().isValid() else None
        # Ctrl+C copies the text selected in the chosen message (arrow keys may have chosen another).
        if event.matches(QKeySequence.StandardKey.Copy) and self.text_selection.copy(row):
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            if row is not None:
                self.text_selection.select_all(row)
            return
        # Ctrl+C on a chosen message with no text selected copies all of it, like in other chat apps.
        if event.matches(QKeySequence.StandardKey.Copy) and row is not None and row.message is not None:
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
