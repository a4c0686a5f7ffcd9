"""Which chats exist and what the store knows about each, and the reading and writing of chat files.

`entries` holds every chat's summary (from the index, or from reading the file when the index is
stale); `logs` the chats read this session (what appends need); `unreadable` the chat files that
exist but cannot be read, with why. Each chat file is read under its lock (see locks.py) and left
healthy (see recovery.py). Not thread-safe on its own: the ChatStore calls it under its lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat.store.chatfile import (
    CHAT_SUFFIX,
    ChatLog,
    ChatRead,
    CorruptChatFile,
    chat_file_bytes,
    encode_line,
    needs_version,
    replay,
    version_for,
)
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import (
    TEMP_SUFFIX,
    FileChanged,
    append_durably,
    atomic_write,
    copy_durably,
    ensure_dir,
    file_id,
    read_nofollow,
)
from desktop_chat.store.index import HEAD_NAME, IndexEntry, load_head, load_index, save_head, save_index
from desktop_chat.store.locks import LockUnavailable, StoreLocks
from desktop_chat.store.migrations import upgrade_to
from desktop_chat.store.model import Message, OpenReport, is_valid_id
from desktop_chat.store.recovery import (
    MOVED_TO_QUARANTINE,
    Unusable,
    needs_tidy,
    quarantine,
    read_chat,
    tidy,
    why_unreadable,
)

log = logging.getLogger(__name__)

STALE_TEMP_SECONDS = 3600
_NEWER_VERSION = ("This chat was saved by a newer version of the app; it can be read but not changed. "
                  "Update the app to change it.")


@dataclass
class Survey:
    """The chat folder against the index (ChatCatalog.survey)."""

    index: dict[str, IndexEntry]  # the index as read (empty when unusable)
    index_unusable: bool = False
    good: dict[str, IndexEntry] = field(default_factory=dict)  # entries whose file is unchanged
    reread: list[str] = field(default_factory=list)  # chats whose file is new or changed
    problems: list[tuple[Path, str]] = field(default_factory=list)  # files to move aside, and why


class ChatCatalog:
    def __init__(self, chats_dir: Path, quarantine_dir: Path, index_path: Path, locks: StoreLocks) -> None:
        self.chats_dir = chats_dir
        self.migrations_dir = chats_dir.parent / "migrations"
        self.quarantine_dir = quarantine_dir
        self.index_path = index_path
        self.locks = locks
        self.read_only_reason = ""
        self.report = OpenReport()
        self.entries: dict[str, IndexEntry] = {}
        self.logs: dict[str, ChatLog] = {}
        self.unreadable: dict[str, str] = {}
        self.index_dirty = False
        self.index_saved_at = 0.0
        self.head_path = index_path.with_name(HEAD_NAME)
        # False while only the head is listed (open_head); `on_missing` then completes the listing
        # when a chat that is not listed yet is asked for.
        self.complete = True
        self.head_ok: bool | None = None  # whether the head file was found usable (None: not looked at)
        self.touched: set[str] = set()
        self.on_missing: Callable[[], None] | None = None

    def path(self, chat_id: str) -> Path:
        return self.chats_dir / (chat_id + CHAT_SUFFIX)

    @contextlib.contextmanager
    def lock(self, chat_id: str, *, exclusive: bool = True) -> Iterator[None]:
        try:
            lock = self.locks.chat(chat_id, exclusive=exclusive)
            lock.__enter__()
        except LockUnavailable as exc:
            raise StoreError("io", f"cannot lock this chat's file: {exc.strerror}") from None
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    def entry(self, chat_id: str) -> IndexEntry:
        entry = self.entries.get(chat_id)
        if entry is None and not self.complete and self.on_missing is not None:
            self.on_missing()
            entry = self.entries.get(chat_id)
        if entry is None:
            if chat_id in self.unreadable:
                raise StoreError("io", self.unreadable[chat_id])
            raise StoreError("not_found", "this chat does not exist (it may have been deleted)")
        return entry

    def chat_log(self, chat_id: str) -> ChatLog:
        """The in-memory state of a chat, reading its file once per session."""
        self.entry(chat_id)
        chat = self.logs.get(chat_id)
        if chat is None:
            read = self.read(chat_id)
            if read is None:
                raise StoreError("corrupt", MOVED_TO_QUARANTINE)
            chat = read.log
        return chat

    # ---- writing -------------------------------------------------------------------------
    def append(self, chat_id: str, event: dict[str, Any], check: Callable[[ChatLog], None] | None) -> None:
        """Writes one event durably and updates memory and the chat's entry. The chat's lock is held
        exclusively from the check to the fsync; if the file is not what we last saw (another
        process wrote or compacted it), it is read again under the lock first."""
        line = encode_line(event)
        with self.lock(chat_id):
            chat = self.logs.get(chat_id)
            for attempt in range(2):
                if chat is None:
                    read = self.settle(chat_id, read_chat(self.path(chat_id), chat_id), tidy_it=True)
                    if read is None:
                        raise StoreError("corrupt", MOVED_TO_QUARANTINE)
                    chat = read.log
                if chat.read_only:
                    raise StoreError("read_only", _NEWER_VERSION)
                if check is not None:
                    check(chat)
                try:
                    if chat.version < needs_version(event):
                        self._upgrade(chat, needs_version(event))
                    st = append_durably(chat.path, line, chat.size, chat.file_id)
                except FileChanged:
                    if attempt:
                        raise StoreError("io", "the chat file keeps changing under us; is another "
                                               "program writing to it?") from None
                    self.logs.pop(chat_id, None)  # someone else wrote to it: read it again, then retry
                    chat = None
                    continue
                chat.apply(event)
                chat.size, chat.mtime_ns = st.st_size, st.st_mtime_ns
                self.touch(chat_id)
                self.entries[chat_id] = IndexEntry(chat.summary(), st.st_size, st.st_mtime_ns)
                self.index_dirty = True
                return

    def _upgrade(self, chat: ChatLog, version: int) -> None:
        """Upgrades a file to `version` before the first event that needs it (an attachment: 2, answer
        versions: 3); the chat's lock is held. The file as it was is copied to migrations/ first, then
        replaced atomically with a new header."""
        try:
            data = read_nofollow(chat.path)
            if len(data) != chat.size:
                raise FileChanged(chat.path.name)
            self._back_up(chat)
            new = upgrade_to(data, chat.chat_id, version)
            atomic_write(chat.path, new)
            st = os.stat(chat.path, follow_symlinks=False)
        except (OSError, CorruptChatFile) as exc:
            raise StoreError("io", f"could not upgrade the chat file to its new format: {exc}") from None
        chat.version = version
        chat.size, chat.mtime_ns, chat.file_id = st.st_size, st.st_mtime_ns, file_id(st)
        self.report.migrated.append(chat.chat_id)

    def _back_up(self, chat: ChatLog) -> None:
        """The file as it was, into migrations/ (fsynced), before an upgrade to a newer format version."""
        ensure_dir(self.migrations_dir)
        base = f"{chat.path.name}.v{chat.version}.{int(time.time())}"
        target, n = self.migrations_dir / f"{base}.bak", 1
        while os.path.lexists(target):  # two upgrades in one second: keep both copies
            n += 1
            target = self.migrations_dir / f"{base}-{n}.bak"
        copy_durably(chat.path, target)

    def rewrite(self, chat_id: str, change: Callable[[list[Message]], list[Message]]) -> ChatRead:
        """Replaces the chat's messages with `change(messages)` in one atomic write (temp, fsync, rename),
        as compaction does; `change` sees the file as read under the chat's exclusive lock, so another
        process's message written meanwhile is kept. Switching versions, deleting and restoring messages."""
        with self.lock(chat_id):
            read = self.settle(chat_id, read_chat(self.path(chat_id), chat_id), tidy_it=True)
            if read is None:
                raise StoreError("corrupt", MOVED_TO_QUARANTINE)
            chat = read.log
            if chat.read_only:
                raise StoreError("read_only", _NEWER_VERSION)
            messages = change(list(read.messages))
            # Every event at the chat's last activity: it keeps its place in the list (and its updated_at).
            data = chat_file_bytes(chat_id, chat.created_at, chat.title, chat.pinned, chat.settings, messages,
                                   event_time=chat.updated_at)
            new = replay(data, chat.path, chat_id)
            if new.damage or len(new.messages) != len(messages):
                raise StoreError("invalid", "these messages could not be stored as they are")
            try:
                if chat.version < version_for(messages):
                    self._back_up(chat)
                    self.report.migrated.append(chat_id)
                atomic_write(chat.path, data)
                st = os.stat(chat.path, follow_symlinks=False)
            except OSError as exc:
                raise StoreError("io", f"could not save the chat: {exc.strerror}") from None
            self.remember(new.log, st)
            self.touch(chat_id)
            return new

    def remember(self, chat: ChatLog, st: os.stat_result) -> None:
        chat.size, chat.mtime_ns, chat.file_id = st.st_size, st.st_mtime_ns, file_id(st)
        self.logs[chat.chat_id] = chat
        self.entries[chat.chat_id] = IndexEntry(chat.summary(), st.st_size, st.st_mtime_ns)
        self.index_dirty = True

    def forget(self, chat_id: str) -> None:
        self.touch(chat_id)
        if self.entries.pop(chat_id, None) is not None:
            self.index_dirty = True
        self.logs.pop(chat_id, None)

    # ---- reading -------------------------------------------------------------------------
    def read(self, chat_id: str) -> ChatRead | None:
        """Reads one chat file and leaves it healthy (see recovery.py). Returns None when the file
        was unusable and moved to quarantine (or is gone); StoreError when it cannot be read.

        Read under the chat's shared lock; when something must be fixed, the exclusive lock is
        taken and the file read again, so a write by another process in between is kept."""
        path = self.path(chat_id)
        if self.read_only_reason:
            return self.settle(chat_id, read_chat(path, chat_id), tidy_it=False)
        with self.lock(chat_id, exclusive=False):
            result = read_chat(path, chat_id)
            if isinstance(result, ChatRead) and not needs_tidy(result):
                return self.settle(chat_id, result, tidy_it=False)
        with self.lock(chat_id):
            return self.settle(chat_id, read_chat(path, chat_id), tidy_it=True)

    def settle(self, chat_id: str, result: ChatRead | Unusable | None, *, tidy_it: bool) -> ChatRead | None:
        """Acts on what read_chat found; with `tidy_it` the caller holds the chat's exclusive lock."""
        path = self.path(chat_id)
        if result is None:
            self.forget(chat_id)
            return None
        if isinstance(result, Unusable):
            if result.move and tidy_it:
                try:
                    quarantine(path, result.reason, self.quarantine_dir, self.report)
                except OSError as exc:
                    log.warning("could not quarantine %s: %s", path.name, exc)
                else:
                    self.forget(chat_id)
                    return None
            self.unreadable[chat_id] = result.reason[:1].upper() + result.reason[1:]
            raise StoreError(result.kind, self.unreadable[chat_id])
        read = result
        if tidy_it and needs_tidy(read):
            try:
                read = tidy(read, self.quarantine_dir, self.report)
            except (OSError, FileChanged, StoreError) as exc:
                # Could not fix it now (disk full): use what we read; retry next time.
                log.warning("could not tidy chat file %s: %s", path.name, exc)
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError as exc:
            raise StoreError("io", f"cannot read this chat's file: {why_unreadable(exc)}") from None
        self.unreadable.pop(chat_id, None)
        self.remember(read.log, st)
        if read.file_size != st.st_size:  # tidying failed half-way: make the next append re-read
            read.log.size = -1
        return read

    # ---- opening -------------------------------------------------------------------------
    def scan(self) -> None:
        """Summaries from the index, re-reading only chat files whose size or mtime differ."""
        self.entries, self.logs, self.unreadable = {}, {}, {}
        self.complete, self.touched = False, set()
        if self.head_ok is None:  # not read (a small or synchronous open): a bad one is replaced when used
            self.head_ok = os.path.lexists(self.head_path)
        self.apply_survey(self.survey())

    def open_head(self, *, always: bool = False) -> bool:
        """Lists only the head's chats (each checked against its file), for a first paint that does
        not wait for thousands of summaries; `survey` + `apply_survey` list the rest later. Returns
        False (and lists nothing) when there is no usable head, or when it already holds every chat
        and `always` is False (a small store is listed whole at once)."""
        head = load_head(self.head_path)
        self.head_ok = head is not None
        if head is None or (head.total <= len(head.entries) and not always):
            return False
        self.entries, self.logs, self.unreadable = {}, {}, {}
        self.complete, self.touched = False, set()
        for entry in head.entries:
            chat_id = entry.summary.id
            try:
                st = os.stat(self.path(chat_id), follow_symlinks=False)
            except OSError:
                continue  # gone, or unreadable: the full listing reports it
            if not stat.S_ISREG(st.st_mode):
                continue
            if st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns:
                self.entries[chat_id] = entry
            else:
                with contextlib.suppress(StoreError):
                    self.read(chat_id)
        return True

    def touch(self, chat_id: str) -> None:
        """Notes a chat this process changed while only the head is listed: its entry in memory is
        newer than anything the background survey may have seen on disk."""
        if not self.complete:
            self.touched.add(chat_id)

    def survey(self) -> Survey:
        """What the chat folder holds against the index: no store lock needed (reads and stats only)."""
        known = load_index(self.index_path)
        index_note = known is None and os.path.lexists(self.index_path)
        known = known or {}
        survey = Survey(index=known, index_unusable=index_note)
        writable = not self.read_only_reason
        try:
            with os.scandir(self.chats_dir) as scan:
                items = sorted(scan, key=lambda e: e.name)
        except FileNotFoundError:  # a read-only folder without chats yet
            items = []
        for item in items:
            name = item.name
            if name.startswith("."):
                # Left by a crash during an atomic write; a recent one may be another process's
                # write in progress, so only old ones go.
                if name.endswith(TEMP_SUFFIX) and writable:
                    with contextlib.suppress(OSError):
                        if item.stat(follow_symlinks=False).st_mtime < time.time() - STALE_TEMP_SECONDS:
                            os.unlink(item.path)
                continue
            if not name.endswith(CHAT_SUFFIX):
                continue
            chat_id = name[: -len(CHAT_SUFFIX)]
            problem = ("the file name is not a chat id" if not is_valid_id(chat_id)
                       else "the chat file is a symbolic link; the app does not follow links"
                       if item.is_symlink()
                       else "a folder is where a chat file should be" if item.is_dir(follow_symlinks=False)
                       else "")
            if problem:
                survey.problems.append((Path(item.path), problem))
                continue
            try:
                st = item.stat(follow_symlinks=False)
            except OSError:
                survey.reread.append(chat_id)
                continue
            entry = known.get(chat_id)
            if entry is not None and entry.size == st.st_size and entry.mtime_ns == st.st_mtime_ns:
                survey.good[chat_id] = entry
            else:
                survey.reread.append(chat_id)
        return survey

    def apply_survey(self, survey: Survey) -> None:
        """Makes the listing whole from a survey (the caller holds the store's lock). Chats this
        process changed meanwhile (`touched`) keep what is in memory."""
        writable = not self.read_only_reason
        if survey.index_unusable:
            self.report.notes.append("the chat index could not be used and was rebuilt")
            if self.index_path.is_dir() and writable:
                quarantine(self.index_path, "a folder is where the index file should be",
                           self.quarantine_dir, self.report)
        touched = self.touched
        entries = {chat_id: e for chat_id, e in survey.good.items() if chat_id not in touched}
        entries.update((chat_id, self.entries[chat_id]) for chat_id in touched if chat_id in self.entries)
        self.entries, self.complete, self.touched = entries, True, set()
        for path, problem in survey.problems:
            if writable:
                with contextlib.suppress(FileNotFoundError):
                    quarantine(path, problem, self.quarantine_dir, self.report)
            else:
                self.report.notes.append(f"{path.name} was skipped: {problem}")
        for chat_id in survey.reread:
            if chat_id in touched:
                continue
            try:
                self.read(chat_id)
            except StoreError as exc:  # e.g. no permission: skip this chat, open the others
                self.report.notes.append(f"chat {chat_id} could not be read: {exc}")
        if self.entries != survey.index:
            self.index_dirty = True
        self.report.read_only = sorted(i for i, e in self.entries.items() if e.summary.read_only)
        if self.index_dirty:
            self.save_index()
        elif not self.head_ok and writable:  # an index from before the head existed, or a bad head
            with contextlib.suppress(OSError):
                save_head(self.head_path, self.entries)
        self.head_ok = True

    def save_index(self) -> None:
        if self.read_only_reason:
            return
        if not self.complete:  # only the head is listed: saving now would drop the other chats
            self.index_dirty = True
            return
        try:
            save_index(self.index_path, self.entries)
            save_head(self.head_path, self.entries)
        except OSError as exc:
            log.warning("could not save the chat index: %s", exc)
            return
        self.index_dirty = False
        self.index_saved_at = time.monotonic()
