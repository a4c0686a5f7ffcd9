"""The list of chats on the left, and the list of search results that replaces it while searching."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_chat.store import ChatSummary, SearchHit

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 3  # plain text under the title
SUBTITLE_HTML_ROLE = Qt.ItemDataRole.UserRole + 4  # rich text under the title (search snippets)


def sort_key(chat: ChatSummary) -> tuple[bool, float]:
    """Pinned chats first, then the most recently active."""
    return (not chat.pinned, -chat.updated_at)


class ChatListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chats: list[ChatSummary] = []
        self.untitled = "New chat"
        self.pinned_label = "Pinned"

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._chats)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        chat = self._chats[index.row()]
        title = chat.title or self.untitled
        if role == Qt.ItemDataRole.DisplayRole:
            return ("📌 " if chat.pinned else "") + title + (" 🔒" if chat.read_only else "")
        if role == SUBTITLE_ROLE:
            return time.strftime("%d.%m.%Y %H:%M", time.localtime(chat.updated_at))
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
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self.untitled = "New chat"

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.chat_title or self.untitled
        if role == SUBTITLE_HTML_ROLE:
            return highlight(hit.snippet, hit.highlights)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.chat_title}: {hit.snippet}"
        if role == HIT_ROLE:
            return hit
        if role == ID_ROLE:
            return hit.chat_id
        return None

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()


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
        title = title_metrics.elidedText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                                         Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area.left(), area.top() + title_metrics.ascent(), title)
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
