"""The open chat's scrolling view: rows from `chat_model`, painted by `chat_delegate`.

The view turns mouse and keys into signals (a link clicked, a menu asked for, the top reached) and
keeps the reader at the bottom while a reply grows, unless they scrolled up to read.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QHelpEvent, QKeySequence, QPainter
from PySide6.QtWidgets import QAbstractItemView, QListView, QToolTip

from desktop_chat.ui import hover_bar
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
        # "Copied ✓" in place of the copy icon for a moment after a copy.
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(self.COPIED_MS)
        self._copied_timer.timeout.connect(self._end_copied)

    COPIED_MS = 1500

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
        row, href = self.anchor_at(point)
        shape = Qt.CursorShape.PointingHandCursor if href else \
            Qt.CursorShape.IBeamCursor if self.text_selection.over_text(point) else Qt.CursorShape.ArrowCursor
        self.viewport().setCursor(shape)
        self._set_hover(row.key if row is not None else "", href)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self._set_hover("", "")
        super().leaveEvent(event)

    def _set_hover(self, key: str, href: str) -> None:
        bar = self.chat_delegate.bar
        if (bar.hovered, bar.hot) != (key, href):
            bar.hovered, bar.hot = key, href
            self.viewport().update()

    def mouseReleaseEvent(self, event) -> None:
        self.text_selection.mouse_release(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.text_selection.dragged:
            row, href = self.anchor_at(event.position().toPoint())
            if row is not None and href:
                self._activate(row, href, self.indexAt(event.position().toPoint()))
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def _activate(self, row: Row, href: str, index: QModelIndex) -> None:
        """A link or a bar button pressed: "more…" opens the menu under it, the rest are actions."""
        if href == hover_bar.MORE:
            item = next((i for i in self.chat_delegate.bar_items(row, self.visualRect(index)) if i.href == href), None)
            where = item.rect.bottomLeft() if item is not None else self.visualRect(index).center()
            self.menuRequested.emit(row, self.viewport().mapToGlobal(where))
        else:
            self.linkActivated.emit(row, href)

    # --- the action bar from the keyboard: Left/Right choose a button, Enter or Space press it ---
    def _bar_buttons(self) -> list[hover_bar.BarItem]:
        index = self.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return hover_bar.buttons(self.chat_delegate.bar_items(row, self.visualRect(index))) if row else []

    def _move_bar_focus(self, step: int) -> None:
        buttons = self._bar_buttons()
        if not buttons:
            return
        bar = self.chat_delegate.bar
        hrefs = [b.href for b in buttons]
        key = self.currentIndex().data(ROW_ROLE).key
        if bar.focus_key == key and bar.focus_href in hrefs:
            position = (hrefs.index(bar.focus_href) + step) % len(hrefs)
        else:
            position = 0 if step > 0 else len(hrefs) - 1
        bar.focus_key, bar.focus_href = key, hrefs[position]
        button = buttons[position]
        # Say which button it is: a tooltip for the eyes, the description for screen readers.
        self.setAccessibleDescription(button.label)
        QToolTip.showText(self.viewport().mapToGlobal(button.rect.bottomLeft()), button.label, self)
        self.viewport().update()

    def bar_focus(self) -> str:
        """The href of the bar button the keyboard is on ("" when none)."""
        bar = self.chat_delegate.bar
        index = self.currentIndex()
        if index.isValid() and bar.focus_key == index.data(ROW_ROLE).key:
            return bar.focus_href
        return ""

    def currentChanged(self, current: QModelIndex | QPersistentModelIndex,
                       previous: QModelIndex | QPersistentModelIndex) -> None:
        bar = self.chat_delegate.bar
        bar.focus_key = bar.focus_href = ""
        super().currentChanged(current, previous)
        self.viewport().update()

    def show_copied(self, row: Row) -> None:
        """The copy icon under the row turns into a check with "Copied" for a moment."""
        self.chat_delegate.bar.copied = row.key
        self._copied_timer.start()
        self.viewport().update()

    def _end_copied(self) -> None:
        self.chat_delegate.bar.copied = ""
        self.viewport().update()

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
            self.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, rect.center(),
                                                    self.viewport().mapToGlobal(rect.center())))
            return
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not event.modifiers():
            self._move_bar_focus(1 if event.key() == Qt.Key.Key_Right else -1)
            return
        focused = self.bar_focus()
        if focused and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._activate(self.currentIndex().data(ROW_ROLE), focused, self.currentIndex())
            return
        if focused and event.key() == Qt.Key.Key_Escape:
            self.chat_delegate.bar.focus_href = ""
            self.viewport().update()
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

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
                return True
            QToolTip.hideText()
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPoint) -> str:
        """A web link's address; a bar button's name; the full date over a message's time."""
        row, rect = self._row_and_rect(pos)
        if row is None:
            return ""
        item = self.chat_delegate.bar_item_at(row, rect, pos)
        if item is not None and item.kind == "time" and row.message is not None:
            return self.chat_delegate.full_time(row.message.created_at)
        if item is not None and item.kind == "icon":
            return item.label
        href = self.chat_delegate.anchor_at(row, rect, pos)
        return href if href.startswith(("http://", "https://", "mailto:")) else ""

    def stream_row_changed(self, row: Row) -> None:
        """A streaming row's text changed: it is measured and painted again, and the view stays at the
        bottom if the reader was there."""
        follow = self.at_bottom()
        model = self.model()
        position = model.row_of_tail(row) if isinstance(model, ChatModel) else None
        if position is not None:
            index = model.index(position, 0)
            model.dataChanged.emit(index, index)
            self.chat_delegate.sizeHintChanged.emit(index)
        if follow:
            self.scroll_to_end()

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
