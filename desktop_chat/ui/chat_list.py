"""The list of chats on the left, and the list of search results that replaces it while searching."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_chat.store import ChatSummary, SearchHit

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
RICH_ROLE = Qt.ItemDataRole.UserRole + 3


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
            return title
        if role == RICH_ROLE:
            pin = "📌 " if chat.pinned else ""
            lock = " 🔒" if chat.read_only else ""
            when = time.strftime("%d.%m.%Y %H:%M", time.localtime(chat.updated_at))
            return (f"<b>{pin}{html.escape(title)}{lock}</b><br>"
                    f'<span style="font-size:small">{when}</span>')
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
            return f"{hit.chat_title}: {hit.snippet}"
        if role == RICH_ROLE:
            return (f"<b>{html.escape(hit.chat_title or self.untitled)}</b><br>"
                    f'<span style="font-size:small">{highlight(hit.snippet, hit.highlights)}</span>')
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


class RichTextDelegate(QStyledItemDelegate):
    """Paints a row's RICH_ROLE HTML, two lines high (uniform rows keep long lists fast)."""

    def __init__(self, parent: QObject | None = None, lines: int = 2) -> None:
        super().__init__(parent)
        self._lines = lines
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(0)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = option.fontMetrics.lineSpacing() * self._lines + 14
        return QSize(option.rect.width(), height)

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        self._doc.setDefaultFont(option.font)
        self._doc.setHtml(f'<div style="color:{color.name()}">{index.data(RICH_ROLE) or ""}</div>')
        self._doc.setTextWidth(option.rect.width() - 16)
        painter.save()
        painter.translate(option.rect.left() + 8, option.rect.top() + 7)
        painter.setClipRect(0, 0, option.rect.width() - 16, option.rect.height() - 8)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, color)
        self._doc.documentLayout().draw(painter, context)
        painter.restore()
