"""The rows of the open chat: a list model over a window of its newest messages.

Long chats stay fast because the model exposes only a window of the newest messages and grows it
when the person scrolls to the top, so Qt never measures thousands of rows up front (that costs
seconds; see docs/decisions.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_chat.store import Message
from desktop_chat.ui.day_rows import day_key, day_label

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
INITIAL_WINDOW = 30  # enough rows to fill a tall window at first paint
GROW_BY = 50


@dataclass
class Row:
    """One row of the chat view. `kind` is "message", "streaming", "cut", "notice" or "day" (a day's
    separator: not a message, not selectable)."""

    kind: str
    message: Message | None = None
    text: str = ""  # streaming text, or a notice
    # Extra words under a message: a live error's full text, "stopped", token usage…
    footer_note: str = ""
    actions: list[tuple[str, str]] = field(default_factory=list)  # (href, label)
    last: bool = False  # the chat's last message: its action bar stays visible

    @property
    def key(self) -> str:
        if self.message is not None:
            return f"m:{self.message.id}"
        if self.kind == "day":
            return f"day:{self.text}"  # the same separator is the same drawing, whatever object holds it
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
        # The words of a day's separator (the window sets them in the UI's language; see day_rows).
        self.day_label: Callable[[float], str] = lambda at: day_label(at, time.time())

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

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and row.kind == "day":
            return Qt.ItemFlag.NoItemFlags  # a separator: the keyboard steps over it
        return super().flags(index)

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

    def update_messages(self, messages: list[Message]) -> None:
        """The chat's messages changed in place (a version switched, a message deleted or put back): the
        rows on screen stay where they were, so the view does not jump to the end."""
        first = self._messages[self._start].id if self._start < len(self._messages) else None
        self._messages = list(messages)
        at = next((i for i, m in enumerate(self._messages) if m.id == first), None)
        self._start = min(self._start, len(self._messages)) if at is None else at
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
        day: tuple[int, int, int] | None = None
        for message in self._messages[self._start:]:
            if self._cut_before is not None and message.id == self._cut_before:
                rows.append(Row("cut", text=self._cut_text))
            if day_key(message.created_at) != day:  # the first shown message says its day too
                day = day_key(message.created_at)
                rows.append(Row("day", text=self.day_label(message.created_at)))
            row = Row("message", message=message, last=message is last)
            self.decorate(row, message is last)
            rows.append(row)
        now = time.time()
        if day is not None and day != day_key(now) and any(r.kind == "streaming" for r in self._tail):
            rows.append(Row("day", text=self.day_label(now)))  # a reply written today under older messages
        rows.extend(self._tail)
        self._rows = rows


def _describe(row: Row) -> str:
    """What a screen reader says for a row."""
    if row.message is not None:
        return f"{row.message.role}: {row.message.text}"
    return row.text
