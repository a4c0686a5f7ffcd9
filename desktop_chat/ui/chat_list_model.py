"""The chat list's model: chats grouped by day under section headers (Pinned, Today, Yesterday,
This week, Earlier), kept in the store's order, and the search results' model.

The rows are one sorted list: a header's key sorts just before its group's chats, so a chat's row
is found by bisection and a change is a row move, insert or remove (with its header appearing or
going), never a reset of 10,000 rows. Only `set_chats` (the first fill, a new day) resets.
"""

from __future__ import annotations

import bisect
import html
import math
import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QAbstractListModel, QDateTime, QLocale, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_chat.store import ChatSummary, SearchHit

ID_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_ROLE = Qt.ItemDataRole.UserRole + 2
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 3  # plain text under the title
SUBTITLE_HTML_ROLE = Qt.ItemDataRole.UserRole + 4  # rich text under the title (search snippets)
PINNED_ROLE = Qt.ItemDataRole.UserRole + 5  # True: the delegate draws a pin before the title
HEADER_ROLE = Qt.ItemDataRole.UserRole + 6  # True: a section header ("Today"), not a chat
DRAFT_ROLE = Qt.ItemDataRole.UserRole + 7  # the draft mark's text ("Draft") for a chat with unsent text

PINNED, TODAY, YESTERDAY, THIS_WEEK, EARLIER = range(5)
GROUP_LABELS = {PINNED: "Pinned", TODAY: "Today", YESTERDAY: "Yesterday", THIS_WEEK: "This week",
                EARLIER: "Earlier"}

Key = tuple[int, float, str]


def sort_key(chat: ChatSummary) -> tuple[bool, float]:
    """Pinned chats first, then the most recently active."""
    return (not chat.pinned, -chat.updated_at)


def day_starts(now: float) -> tuple[float, float, float]:
    """Local midnight of today, of yesterday and of six days ago (the start of "This week")."""
    t = time.localtime(now)
    return tuple(time.mktime((t.tm_year, t.tm_mon, t.tm_mday - back, 0, 0, 0, 0, 0, -1))  # type: ignore[return-value]
                 for back in (0, 1, 6))


def group_of(chat: ChatSummary, starts: tuple[float, float, float]) -> int:
    return PINNED if chat.pinned else day_of(chat.updated_at, starts)


def day_of(at: float, starts: tuple[float, float, float]) -> int:
    """TODAY, YESTERDAY, THIS_WEEK (the five days before) or EARLIER, in local time."""
    today, yesterday, week = starts
    return TODAY if at >= today else YESTERDAY if at >= yesterday else THIS_WEEK if at >= week else EARLIER


def _header_key(group: int) -> Key:
    return (group, -math.inf, "")


class ChatListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChatSummary | int] = []  # a chat, or a group's header (the group's number)
        self._keys: list[Key] = []  # each row's sort key, in the same order
        self._by_id: dict[str, ChatSummary] = {}
        self._key_of: dict[str, Key] = {}
        self.clock: Callable[[], float] = time.time  # tests set a fixed "now"
        self._starts = day_starts(self.clock())
        self.untitled = "New chat"
        self.pinned_label = "Pinned"
        self.writing_label = "Writing a reply…"
        self.read_only_label = "read only"
        self.draft_label = "Draft"
        self.group_labels = dict(GROUP_LABELS)
        self.locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)  # times and weekdays
        self._writing: set[str] = set()  # chats with a reply in flight
        self._drafts: set[str] = set()  # chats with unsent text
        self._journal: set[str] | None = None  # chats changed since start_journal (see ChatSidebar._fill)

    # ---- reading -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if index.isValid() and isinstance(self._rows[index.row()], int):
            return Qt.ItemFlag.NoItemFlags  # a header: not selectable; the keyboard steps over it
        return super().flags(index)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if isinstance(row, int):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return self.group_labels[row]
            return True if role == HEADER_ROLE else None
        chat = row
        title = chat.title or self.untitled
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == PINNED_ROLE:
            return chat.pinned
        if role == SUBTITLE_ROLE:
            return self.subtitle(chat)
        if role == DRAFT_ROLE:
            return self.draft_label if chat.id in self._drafts and chat.id not in self._writing else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            marks = [self.pinned_label] if chat.pinned else []
            if chat.id in self._drafts:
                marks.append(self.draft_label)
            return ": ".join([", ".join(marks), title]) if marks else title
        if role == ID_ROLE:
            return chat.id
        return None

    def subtitle(self, chat: ChatSummary) -> str:
        """The line under the title: the time of day under Today and Yesterday, the weekday this
        week, the date earlier (the section header says the rest)."""
        if chat.id in self._writing:
            return self.writing_label
        when = QDateTime.fromSecsSinceEpoch(int(chat.updated_at))
        group = day_of(chat.updated_at, self._starts)  # a pinned chat's line says its day too
        locale = self.locale
        if group in (TODAY, YESTERDAY):
            text = locale.toString(when.time(), QLocale.FormatType.ShortFormat)
        elif group == THIS_WEEK:
            text = locale.toString(when, "ddd, ") + locale.toString(when.time(), QLocale.FormatType.ShortFormat)
        else:
            text = locale.toString(when.date(), QLocale.FormatType.ShortFormat)
        return f"{text} · {self.read_only_label}" if chat.read_only else text

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and isinstance(self._rows[row], int)

    def chats(self) -> list[ChatSummary]:
        return [row for row in self._rows if not isinstance(row, int)]

    def chat_count(self) -> int:
        return len(self._by_id)

    def get(self, chat_id: str) -> ChatSummary | None:
        return self._by_id.get(chat_id)

    def row_of(self, chat_id: str) -> int | None:
        key = self._key_of.get(chat_id)
        return None if key is None else bisect.bisect_left(self._keys, key)

    def chat_row_near(self, row: int, *, upward: bool = False) -> int | None:
        """The chat row at `row`, or the nearest one in that direction (wrapping round), skipping headers."""
        count = len(self._rows)
        if not self._by_id or count == 0:
            return None
        step = -1 if upward else 1
        row = min(max(row, 0), count - 1)
        for _ in range(count):
            if not isinstance(self._rows[row], int):
                return row
            row = (row + step) % count
        return None

    def writing(self) -> set[str]:
        return set(self._writing)

    def drafts(self) -> set[str]:
        return set(self._drafts)

    # ---- changing ------------------------------------------------------------------------
    def set_chats(self, chats: Iterable[ChatSummary]) -> None:
        """Replaces every row (the first fill, the rest of the list, a new day)."""
        self._starts = day_starts(self.clock())
        pairs = sorted((self._key(chat), chat) for chat in {c.id: c for c in chats}.values())
        rows: list[ChatSummary | int] = []
        keys: list[Key] = []
        for key, chat in pairs:
            if not keys or keys[-1][0] != key[0]:
                rows.append(key[0])
                keys.append(_header_key(key[0]))
            rows.append(chat)
            keys.append(key)
        self.beginResetModel()
        self._rows, self._keys = rows, keys
        self._by_id = {chat.id: chat for _key, chat in pairs}
        self._key_of = {chat.id: key for key, chat in pairs}
        self.endResetModel()

    def start_journal(self) -> None:
        """Notes the chats changed from now on, so a whole list read meanwhile can be brought up to date."""
        self._journal = set()

    def replace_keeping_changes(self, chats: Iterable[ChatSummary]) -> None:
        """set_chats with a list read in the background, then the changes noted since start_journal
        applied again (a chat deleted or changed after that list was read stays so)."""
        changed, self._journal = self._journal or set(), None
        latest = {chat_id: self._by_id.get(chat_id) for chat_id in changed}
        self.set_chats(chats)
        for chat_id, chat in latest.items():
            if chat is None:
                self.remove(chat_id)
            else:
                self.upsert(chat)

    def refresh_day(self) -> bool:
        """Regroups when the day has changed since the rows were grouped (Today becomes Yesterday)."""
        if day_starts(self.clock()) == self._starts:
            return False
        self.set_chats(self.chats())
        return True

    def upsert(self, chat: ChatSummary) -> None:
        """Adds a chat or brings its row up to date: a row move (its place in the order changed), an
        insert (a new chat) or a dataChanged; headers appear and go with their groups."""
        new_key = self._key(chat)
        old_key = self._key_of.get(chat.id)
        if self._journal is not None:
            self._journal.add(chat.id)
        if old_key is None:
            self._ensure_header(new_key[0])
            row = bisect.bisect_left(self._keys, new_key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, chat)
            self._keys.insert(row, new_key)
            self._remember(chat, new_key)
            self.endInsertRows()
            return
        self._ensure_header(new_key[0])
        old_row = bisect.bisect_left(self._keys, old_key)
        target = bisect.bisect_left(self._keys, new_key)  # before which row, counting the old one
        if target in (old_row, old_row + 1):  # its place does not change
            self._rows[old_row], self._keys[old_row] = chat, new_key
            self._remember(chat, new_key)
            index = self.index(old_row)
            self.dataChanged.emit(index, index)
        else:
            self.beginMoveRows(QModelIndex(), old_row, old_row, QModelIndex(), target)
            del self._rows[old_row], self._keys[old_row]
            row = target if target < old_row else target - 1
            self._rows.insert(row, chat)
            self._keys.insert(row, new_key)
            self._remember(chat, new_key)
            self.endMoveRows()
        if old_key[0] != new_key[0]:
            self._drop_empty_header(old_key[0])

    def remove(self, chat_id: str) -> None:
        if self._journal is not None:
            self._journal.add(chat_id)
        key = self._key_of.pop(chat_id, None)
        if key is None:
            return
        row = bisect.bisect_left(self._keys, key)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row], self._keys[row]
        del self._by_id[chat_id]
        self.endRemoveRows()
        self._drop_empty_header(key[0])

    def set_writing(self, chat_ids: set[str]) -> None:
        """Marks the chats whose reply is being written (their second line says so)."""
        changed = chat_ids ^ self._writing
        self._writing = set(chat_ids)
        self._changed(changed)

    def set_drafts(self, chat_ids: set[str]) -> None:
        """Marks the chats with unsent text (a draft mark before their second line)."""
        changed = chat_ids ^ self._drafts
        self._drafts = set(chat_ids)
        self._changed(changed)

    # ---- internals -----------------------------------------------------------------------
    def _key(self, chat: ChatSummary) -> Key:
        return (group_of(chat, self._starts), -chat.updated_at, chat.id)

    def _remember(self, chat: ChatSummary, key: Key) -> None:
        self._by_id[chat.id] = chat
        self._key_of[chat.id] = key

    def _changed(self, chat_ids: set[str]) -> None:
        for chat_id in chat_ids:
            row = self.row_of(chat_id)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def _ensure_header(self, group: int) -> None:
        key = _header_key(group)
        row = bisect.bisect_left(self._keys, key)
        if row < len(self._keys) and self._keys[row] == key:
            return
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, group)
        self._keys.insert(row, key)
        self.endInsertRows()

    def _drop_empty_header(self, group: int) -> None:
        key = _header_key(group)
        row = bisect.bisect_left(self._keys, key)
        if row < len(self._keys) and self._keys[row] == key and (
                row + 1 == len(self._rows) or isinstance(self._rows[row + 1], int)):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row], self._keys[row]
            self.endRemoveRows()


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
