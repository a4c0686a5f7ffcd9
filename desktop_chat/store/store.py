"""ChatStore: the one object the rest of the app talks to about saved chats.

Layout of `data_dir` (details and examples in docs/store-format.md):

    chats/<chat id>.jsonl     one chat: header line + one event per line (the source of truth)
    index.v1.json             chat summaries for a fast start (derived; rebuilt when stale)
    search.v1.sqlite3         full-text index (derived; rebuilt when missing)
    drafts.json               unsent text per chat
    locks/                    one lock file per chat, and drafts.lock (see locks.py)
    trash/<id>.<time>.jsonl   deleted chats, purged after `trash_days`
    quarantine/               files that could not be read, each with a .why.txt
    migrations/               old-format files, kept as they were before an upgrade
    backups/chats-<time>.zip  rolling backups

Every public method takes one re-entrant lock, so any thread may call any method; OS file locks
(locks.py) keep several processes on one folder from losing each other's writes. Slow work that
needs no lock (parsing an import, search catch-up, the daily backup) runs outside it.
A folder that cannot be written opens read-only: `read_only_reason` says why, writes raise
StoreError("read_only").
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from desktop_chat.store import backup as backup_mod
from desktop_chat.store import export, recovery, trash
from desktop_chat.store.chatfile import (
    CHAT_SUFFIX,
    MAX_LINE_BYTES,
    ChatLog,
    ChatRead,
    chat_file_bytes,
    encode_line,
    message_event,
    pin_event,
    rename_event,
    replay,
    settings_event,
    truncate_event,
)
from desktop_chat.store.drafts import DRAFTS_NAME, Drafts, DraftsFileError
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import TEMP_SUFFIX, FileChanged, append_durably, atomic_write, file_id
from desktop_chat.store.index import INDEX_NAME, IndexEntry, load_index, save_index
from desktop_chat.store.locks import LOCKS_DIR, LockUnavailable, StoreLocks
from desktop_chat.store.model import (
    Chat,
    ChatSettings,
    ChatSummary,
    Message,
    OpenReport,
    SearchHit,
    StoreChange,
    is_valid_id,
    new_id,
)
from desktop_chat.store.recovery import MOVED_TO_QUARANTINE, Unusable, needs_tidy, quarantine, read_chat, tidy
from desktop_chat.store.search import SEARCH_NAME, SearchIndex, make_snippet, matches_all, query_terms

log = logging.getLogger(__name__)

CHATS_DIR = "chats"
TRASH_DIR = "trash"
QUARANTINE_DIR = "quarantine"
MIGRATIONS_DIR = "migrations"
BACKUPS_DIR = "backups"
DAY = trash.DAY
# The index is rewritten after structural changes and on close; after appends at most this often.
INDEX_SAVE_INTERVAL = 60.0
# An import file bigger than this is certainly not a chat export (checked before reading it).
MAX_IMPORT_BYTES = 200 * 1024 * 1024


class ChatStore:
    def __init__(self, data_dir: Path | str, *, trash_days: float = 30, backup_keep: int = 7,
                 backup_interval: float = DAY, auto_backup: bool = True,
                 search_in_background: bool | None = None) -> None:
        """`search_in_background`: None lets a big search catch-up run on a thread (the app);
        False finishes it inside open() (tests, tools)."""
        self.data_dir = Path(data_dir)
        self.chats_dir = self.data_dir / CHATS_DIR
        self.trash_dir = self.data_dir / TRASH_DIR
        self.quarantine_dir = self.data_dir / QUARANTINE_DIR
        self.migrations_dir = self.data_dir / MIGRATIONS_DIR
        self.backups_dir = self.data_dir / BACKUPS_DIR
        self.index_path = self.data_dir / INDEX_NAME
        self.trash_days = trash_days
        self.backup_keep = backup_keep
        self.backup_interval = backup_interval
        self.auto_backup = auto_backup
        self.search_in_background = search_in_background
        # "" when the data folder can be written; else why not, in plain words (for a banner).
        self.read_only_reason = ""

        self._lock = threading.RLock()
        self._backup_lock = threading.Lock()
        self._open = False
        self.report = OpenReport()
        self._entries: dict[str, IndexEntry] = {}  # every chat: summary + file size/mtime
        self._logs: dict[str, ChatLog] = {}  # chats read this session (what appends need)
        self._unreadable: dict[str, str] = {}  # chat files that exist but cannot be read: why
        self._index_dirty = False
        self._index_saved_at = 0.0
        self._locks = StoreLocks(self.data_dir)
        self._drafts = Drafts(self.data_dir / DRAFTS_NAME, self._locks.drafts)
        self._search = SearchIndex(self.data_dir / SEARCH_NAME, self.chats_dir)
        self._backup_thread: threading.Thread | None = None
        self._listeners: list[Callable[[StoreChange], None]] = []

    # ---- change notifications --------------------------------------------------------------
    def subscribe(self, listener: Callable[[StoreChange], None]) -> Callable[[], None]:
        """Calls `listener(change)` after every change to a chat, on the thread that made it.

        Listeners run while the store is locked: they must only hand the change on (the window's
        adapter queues it to the GUI thread), never call back into the store. Returns an unsubscribe.
        """
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    def _notify(self, chat_id: str, kind: str) -> None:
        change = StoreChange(chat_id, kind)
        for listener in list(self._listeners):
            try:
                listener(change)
            except Exception:  # a broken view must not fail a write that is already on disk
                log.exception("a store listener failed")

    # ---- opening and closing ---------------------------------------------------------------
    def open(self) -> OpenReport:
        """Reads the index (re-reading only chat files that changed), upgrades old files, moves
        unreadable ones to quarantine, purges old trash, starts the search catch-up and, at most
        once per `backup_interval`, a backup. A folder that cannot be written opens read-only
        (`read_only_reason`); one that cannot be read raises StoreError("io") saying why."""
        with self._lock:
            if self._open:
                return self.report
            self.report = OpenReport()
            self.read_only_reason = recovery.prepare_folders(
                self.data_dir, self.chats_dir, (self.trash_dir, self.data_dir / LOCKS_DIR))
            writable = not self.read_only_reason
            self._locks.enabled = writable
            if writable:
                self._purge_trash()
                recovery.migrate_legacy_files(self.chats_dir, self.migrations_dir, self.quarantine_dir,
                                              self.report, self._locks)
            else:
                self.report.notes.append(self.read_only_reason)
            self._load_entries()
            self._load_drafts()
            note = self._search.open(in_memory=not writable)
            if note:
                self.report.notes.append(note)
            self._search.catch_up(background=self.search_in_background)
            self._open = True
            if self.auto_backup and writable:
                self._maybe_start_daily_backup()
            return self.report

    def close(self) -> None:
        with self._lock:
            if not self._open:
                return
            self._search.close()
            if self._index_dirty:
                self._save_index()
            self._open = False
        thread = self._backup_thread
        if thread is not None:
            thread.join()

    def __enter__(self) -> ChatStore:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def search_complete(self) -> bool:
        """False while the search index is still catching up: results may then be partial."""
        return self._search.complete

    def wait_for_search_index(self, timeout: float | None = None) -> bool:
        return self._search.wait(timeout)

    def rebuild_search_index(self) -> None:
        with self._lock:
            self._require_open()
        self._search.rebuild()

    # ---- reading ---------------------------------------------------------------------------
    def list_chats(self) -> list[ChatSummary]:
        """Pinned first, then the most recently active; from memory (the index), no file reads."""
        with self._lock:
            self._require_open()
            summaries = [entry.summary for entry in self._entries.values()]
        summaries.sort(key=lambda s: (not s.pinned, -s.updated_at, s.id))
        return summaries

    def get_chat_summary(self, chat_id: str) -> ChatSummary:
        with self._lock:
            return self._entry(chat_id).summary

    def load_chat(self, chat_id: str) -> Chat:
        with self._lock:
            self._entry(chat_id)
            read = self._read_chat(chat_id)
            if read is None:
                raise StoreError("corrupt", MOVED_TO_QUARANTINE)
            return Chat(summary=read.log.summary(), settings=read.log.settings, messages=read.messages)

    def get_chat_settings(self, chat_id: str) -> ChatSettings:
        with self._lock:
            return ChatSettings(**self._log(chat_id).settings.to_dict())

    # ---- changing a chat -------------------------------------------------------------------
    def create_chat(self, title: str = "", settings: ChatSettings | None = None) -> ChatSummary:
        if not isinstance(title, str):
            raise StoreError("invalid", "a chat title must be text")
        settings = self._checked_settings(settings or ChatSettings())
        return self._write_new_chat(title, time.time(), settings, [])

    def append_message(self, chat_id: str, message: Message, *, replaces: str | None = None) -> None:
        """Adds a message at the end. Durable (on disk, fsynced) when it returns.

        With `replaces`, that message and every later one are dropped in the same write (regenerate,
        edit-and-resend): if the write fails, the chat is as it was.
        """
        message.check()

        def check(chat: ChatLog) -> None:
            if replaces is not None and not chat.has_message(replaces):
                raise StoreError("not_found", "that message is not in this chat (any more)")
            if chat.has_message(message.id):
                raise StoreError("duplicate", f"this chat already has a message with id {message.id}")
        self._append_event(chat_id, message_event(message, replaces=replaces), check)

    def truncate_from(self, chat_id: str, message_id: str) -> None:
        """Drops `message_id` and every later message (for regenerate and edit-and-resend)."""
        def check(chat: ChatLog) -> None:
            if not chat.has_message(message_id):
                raise StoreError("not_found", "that message is not in this chat (any more)")
        self._append_event(chat_id, truncate_event(message_id), check)

    def rename_chat(self, chat_id: str, title: str) -> None:
        if not isinstance(title, str):
            raise StoreError("invalid", "a chat title must be text")
        with self._lock:
            if self._log(chat_id).title != title:
                self._append_event(chat_id, rename_event(title))
                self._save_index()

    def set_pinned(self, chat_id: str, pinned: bool) -> None:
        with self._lock:
            if self._log(chat_id).pinned != bool(pinned):
                self._append_event(chat_id, pin_event(bool(pinned)))
                self._save_index()

    def set_chat_settings(self, chat_id: str, settings: ChatSettings) -> None:
        settings = self._checked_settings(settings)
        with self._lock:
            if self._log(chat_id).settings != settings:
                self._append_event(chat_id, settings_event(settings))

    def delete_chat(self, chat_id: str) -> None:
        """Moves the chat to the trash folder; restore_chat brings it back (until it is purged)."""
        with self._lock:
            self._entry(chat_id)
            self._require_writable()
            try:
                with self._chat_lock(chat_id):
                    trash.move_to_trash(self._chat_path(chat_id), self.trash_dir, chat_id)
            except OSError as exc:
                raise StoreError("io", f"could not move the chat to the trash: {exc.strerror}") from None
            del self._entries[chat_id]
            self._logs.pop(chat_id, None)
            self._search.chat_removed(chat_id)
            self._save_index()
            self._notify(chat_id, "deleted")

    def restore_chat(self, chat_id: str) -> ChatSummary:
        """Undoes delete_chat (the newest deletion of that chat)."""
        with self._lock:
            self._require_open()
            self._require_writable()
            if chat_id in self._entries:
                raise StoreError("duplicate", "this chat is not deleted")
            try:
                with self._chat_lock(chat_id):
                    if os.path.lexists(self._chat_path(chat_id)):
                        raise StoreError("duplicate", "this chat is not deleted")
                    found = trash.restore_from_trash(self.trash_dir, chat_id, self._chat_path(chat_id))
            except OSError as exc:
                raise StoreError("io", f"could not restore the chat: {exc.strerror}") from None
            if not found:
                raise StoreError("not_found", "this chat is not in the trash (it may have been purged)")
            read = self._read_chat(chat_id)
            if read is None:
                raise StoreError("corrupt", "the deleted chat's file is damaged and was moved to quarantine")
            self._search.chat_changed(chat_id)
            self._save_index()
            self._notify(chat_id, "created")
            return read.log.summary()

    def duplicate_chat(self, chat_id: str, title: str | None = None) -> ChatSummary:
        """A new chat with the same title (or `title`), settings and messages."""
        chat = self.load_chat(chat_id)
        return self._write_new_chat(chat.summary.title if title is None else title, time.time(),
                                    chat.settings, chat.messages)

    # ---- drafts ----------------------------------------------------------------------------
    def get_draft(self, chat_id: str) -> str:
        with self._lock:
            self._require_open()
            self._drafts.refresh()
            return self._drafts.text(chat_id)

    def set_draft(self, chat_id: str, text: str) -> None:
        if not isinstance(text, str):
            raise StoreError("invalid", "a draft must be text")
        with self._lock:
            self._require_open()
            self._require_writable()
            try:
                self._drafts.put(chat_id, text)
            except OSError as exc:
                raise StoreError("io", f"could not save the draft: {exc.strerror}") from None

    # ---- search ----------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Chat titles, then message texts, containing every word of `query` (as word prefixes),
        any case, "ё" = "е". Results may be partial while `search_complete` is False."""
        terms = query_terms(query)
        if not terms or limit <= 0:
            return []
        with self._lock:
            self._require_open()
            summaries = {chat_id: entry.summary for chat_id, entry in self._entries.items()}
        hits: list[SearchHit] = []
        for summary in sorted(summaries.values(), key=lambda s: -s.updated_at):  # newest first
            if len(hits) >= limit:
                return hits
            if matches_all(summary.title, terms):
                snippet, ranges = make_snippet(summary.title, terms)
                hits.append(SearchHit(summary.id, summary.title, None, snippet, ranges))
        for match in self._search.search(terms, limit - len(hits)):
            chat = summaries.get(match.chat_id)
            if chat is None:  # deleted meanwhile
                continue
            snippet, ranges = make_snippet(match.text, terms)
            hits.append(SearchHit(chat.id, chat.title, match.message_id, snippet, ranges))
        return hits

    # ---- export / import -------------------------------------------------------------------
    def export_markdown(self, chat_id: str, lang: str = "en") -> str:
        return export.to_markdown(self.load_chat(chat_id), lang)

    def export_html(self, chat_id: str, lang: str = "en") -> str:
        return export.to_html(self.load_chat(chat_id), lang)

    def export_json(self, chat_id: str) -> str:
        return export.to_json(self.load_chat(chat_id))

    def import_json(self, text: str) -> ChatSummary:
        """Adds the exported chat as a NEW chat (a new id; never replaces an existing chat).
        The parsing and checking happen outside the store's lock: other calls are answered meanwhile."""
        self._require_writable()
        imported = export.parse_export(text)
        return self._write_new_chat(imported.title, imported.created_at, imported.settings,
                                    imported.messages, active_at=time.time())

    def import_file(self, path: Path | str) -> ChatSummary:
        """import_json of a file, refusing one over 200 MB before reading it. Every problem is a
        StoreError ("bad_import" for the file's content, "io" for reading it) in plain words."""
        self._require_writable()
        path = Path(path)
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > MAX_IMPORT_BYTES:
                    raise StoreError("bad_import", "This file cannot be imported: it is far too large "
                                                   f"({size // (1024 * 1024)} MB) to be a chat export.")
                data = f.read(MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise StoreError("io", f"Cannot read {path.name}: {recovery.why_unreadable(exc)}.") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise StoreError("bad_import", "This file cannot be imported: it is not UTF-8 text.") from None
        return self.import_json(text)

    # ---- backups ---------------------------------------------------------------------------
    def backup_now(self) -> Path:
        """Writes a zip of all chat files and drafts into backups/ and returns its path."""
        with self._lock:
            self._require_open()
            self._require_writable()
        try:
            return self._backup()
        except OSError as exc:
            raise StoreError("io", f"could not write the backup: {exc.strerror}") from None

    def _backup(self) -> Path:
        with self._backup_lock:
            files = [(p, f"{CHATS_DIR}/{p.name}") for p in sorted(self.chats_dir.glob("*" + CHAT_SUFFIX))]
            files.append((self.data_dir / DRAFTS_NAME, DRAFTS_NAME))
            return backup_mod.make_backup(self.data_dir, files, self.backups_dir, self.backup_keep)

    def _maybe_start_daily_backup(self) -> None:
        age = backup_mod.newest_backup_age(self.backups_dir)
        if age is not None and age < self.backup_interval:
            return

        def run() -> None:
            try:
                self._backup()
            except Exception:
                log.exception("the daily backup failed")

        self._backup_thread = threading.Thread(target=run, name="store-backup", daemon=True)
        self._backup_thread.start()

    # ---- internals: chats ------------------------------------------------------------------
    def _require_open(self) -> None:
        if not self._open:
            raise StoreError("not_open", "the chat store is not open")

    def _require_writable(self) -> None:
        if self.read_only_reason:
            raise StoreError("read_only", self.read_only_reason)

    def _chat_path(self, chat_id: str) -> Path:
        return self.chats_dir / (chat_id + CHAT_SUFFIX)

    @contextlib.contextmanager
    def _chat_lock(self, chat_id: str, *, exclusive: bool = True) -> Iterator[None]:
        try:
            lock = self._locks.chat(chat_id, exclusive=exclusive)
            lock.__enter__()
        except LockUnavailable as exc:
            raise StoreError("io", f"cannot lock this chat's file: {exc.strerror}") from None
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    def _entry(self, chat_id: str) -> IndexEntry:
        self._require_open()
        entry = self._entries.get(chat_id)
        if entry is None:
            if chat_id in self._unreadable:
                raise StoreError("io", self._unreadable[chat_id])
            raise StoreError("not_found", "this chat does not exist (it may have been deleted)")
        return entry

    def _log(self, chat_id: str) -> ChatLog:
        """The in-memory state of a chat, reading its file once per session."""
        self._entry(chat_id)
        chat = self._logs.get(chat_id)
        if chat is None:
            read = self._read_chat(chat_id)
            if read is None:
                raise StoreError("corrupt", MOVED_TO_QUARANTINE)
            chat = read.log
        return chat

    @staticmethod
    def _checked_settings(settings: ChatSettings) -> ChatSettings:
        if not isinstance(settings, ChatSettings):
            raise StoreError("invalid", "chat settings must be a ChatSettings")
        return ChatSettings.from_dict(settings.to_dict())

    def _append_event(self, chat_id: str, event: dict[str, Any],
                      check: Callable[[ChatLog], None] | None = None) -> None:
        """Writes one event durably, then updates memory, the index entry and the search index.
        `check` validates against the chat's current state (it may raise StoreError).

        The chat's lock is held exclusively from the check to the fsync; if the file is not what we
        last saw (another process wrote or compacted it), it is re-read under the lock first."""
        line = encode_line(event)
        if len(line) > MAX_LINE_BYTES:
            raise StoreError("too_large", "this message is too large to store")
        with self._lock:
            self._entry(chat_id)
            self._require_writable()
            with self._chat_lock(chat_id):
                chat = self._logs.get(chat_id)
                for attempt in range(2):
                    if chat is None:
                        read = self._settle(chat_id, read_chat(self._chat_path(chat_id), chat_id), tidy_it=True)
                        if read is None:
                            raise StoreError("corrupt", MOVED_TO_QUARANTINE)
                        chat = read.log
                    if chat.read_only:
                        raise StoreError("read_only", "This chat was saved by a newer version of the app; "
                                         "it can be read but not changed. Update the app to change it.")
                    if check is not None:
                        check(chat)
                    try:
                        st = append_durably(chat.path, line, chat.size, chat.file_id)
                    except FileChanged:
                        if attempt:
                            raise StoreError("io", "the chat file keeps changing under us; is another "
                                                   "program writing to it?") from None
                        self._logs.pop(chat_id, None)  # someone else wrote to it: read it again, then retry
                        chat = None
                        continue
                    chat.apply(event)
                    chat.size, chat.mtime_ns = st.st_size, st.st_mtime_ns
                    self._entries[chat_id] = IndexEntry(chat.summary(), st.st_size, st.st_mtime_ns)
                    self._index_dirty = True
                    break
            self._search.chat_changed(chat_id)
            if time.monotonic() - self._index_saved_at > INDEX_SAVE_INTERVAL:
                self._save_index()
            self._notify(chat_id, "changed")

    def _write_new_chat(self, title: str, created_at: float, settings: ChatSettings,
                        messages: list[Message], active_at: float | None = None) -> ChatSummary:
        """Writes a new chat file. Only remembering it takes the store's lock: a chat of 5,000
        imported messages is encoded, written and indexed while other calls are answered."""
        self._require_writable()
        chat_id = new_id()
        path = self._chat_path(chat_id)
        data = chat_file_bytes(chat_id, created_at, title, False, settings, messages,
                               event_time=time.time() if active_at is None else active_at)
        read = replay(data, path, chat_id)
        with self._lock:
            self._require_open()
        try:
            atomic_write(path, data)  # a new id: no other process knows this file yet
            st = os.stat(path, follow_symlinks=False)
        except OSError as exc:
            raise StoreError("io", f"could not save the chat: {exc.strerror}") from None
        with self._lock:
            self._remember(read.log, st)
            self._save_index()
            self._notify(chat_id, "created")
        self._search.chat_changed(chat_id)
        return read.log.summary()

    def _remember(self, chat: ChatLog, st: os.stat_result) -> None:
        chat.size, chat.mtime_ns, chat.file_id = st.st_size, st.st_mtime_ns, file_id(st)
        self._logs[chat.chat_id] = chat
        self._entries[chat.chat_id] = IndexEntry(chat.summary(), st.st_size, st.st_mtime_ns)
        self._index_dirty = True

    def _read_chat(self, chat_id: str) -> ChatRead | None:
        """Reads one chat file and leaves it healthy (see recovery.py). Returns None when the file
        was unusable and moved to quarantine (or is gone); StoreError when it cannot be read.

        Read under the chat's shared lock; when something must be fixed, the exclusive lock is
        taken and the file read again, so a write by another process in between is kept."""
        path = self._chat_path(chat_id)
        if self.read_only_reason:
            return self._settle(chat_id, read_chat(path, chat_id), tidy_it=False)
        with self._chat_lock(chat_id, exclusive=False):
            result = read_chat(path, chat_id)
            if not isinstance(result, ChatRead) or needs_tidy(result):
                result = None
            else:
                return self._settle(chat_id, result, tidy_it=False)
        with self._chat_lock(chat_id):
            return self._settle(chat_id, read_chat(path, chat_id), tidy_it=True)

    def _settle(self, chat_id: str, result: ChatRead | Unusable | None, *, tidy_it: bool) -> ChatRead | None:
        """Acts on what read_chat found; with `tidy_it` the caller holds the chat's exclusive lock."""
        path = self._chat_path(chat_id)
        if result is None:
            self._forget(chat_id)
            return None
        if isinstance(result, Unusable):
            if result.move and tidy_it:
                try:
                    self._quarantine(path, result.reason)
                except OSError as exc:
                    log.warning("could not quarantine %s: %s", path.name, exc)
                else:
                    self._forget(chat_id)
                    return None
            self._unreadable[chat_id] = result.reason
            raise StoreError(result.kind, result.reason[:1].upper() + result.reason[1:])
        read = result
        if tidy_it and needs_tidy(read):
            try:
                read = tidy(read, self.quarantine_dir, self.report)
            except (OSError, FileChanged, StoreError) as exc:
                # Could not fix it now (read-only folder, disk full): use what we read; retry next time.
                log.warning("could not tidy chat file %s: %s", path.name, exc)
        try:
            st = os.stat(path, follow_symlinks=False)
        except OSError as exc:
            raise StoreError("io", f"cannot read this chat's file: {recovery.why_unreadable(exc)}") from None
        self._unreadable.pop(chat_id, None)
        self._remember(read.log, st)
        if read.file_size != st.st_size:  # tidying failed half-way: make the next append re-read
            read.log.size = -1
        return read

    def _forget(self, chat_id: str) -> None:
        if self._entries.pop(chat_id, None) is not None:
            self._index_dirty = True
        self._logs.pop(chat_id, None)

    def _quarantine(self, path: Path, reason: str, *, keep_original: bool = False) -> Path:
        return quarantine(path, reason, self.quarantine_dir, self.report, keep_original=keep_original)

    # ---- internals: open -------------------------------------------------------------------
    def _load_entries(self) -> None:
        """Summaries from the index, re-reading only chat files whose size or mtime differ."""
        known = load_index(self.index_path)
        if known is None and os.path.lexists(self.index_path):
            self.report.notes.append("the chat index could not be used and was rebuilt")
            if self.index_path.is_dir() and not self.read_only_reason:
                self._quarantine(self.index_path, "a folder is where the index file should be")
        known = known or {}
        self._entries = {}
        self._logs = {}
        self._unreadable = {}
        try:
            with os.scandir(self.chats_dir) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except FileNotFoundError:  # a read-only folder without chats yet
            entries = []
        writable = not self.read_only_reason
        for item in entries:
            name = item.name
            if name.startswith("."):
                if name.endswith(TEMP_SUFFIX) and writable:  # left by a crash during an atomic write
                    with contextlib.suppress(OSError):
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
                if writable:
                    self._quarantine(Path(item.path), problem)
                else:
                    self.report.notes.append(f"{name} was skipped: {problem}")
                continue
            st = item.stat(follow_symlinks=False)
            entry = known.get(chat_id)
            if entry is not None and entry.size == st.st_size and entry.mtime_ns == st.st_mtime_ns:
                self._entries[chat_id] = entry
            else:
                try:
                    self._read_chat(chat_id)
                except StoreError as exc:  # e.g. no permission: skip this chat, open the others
                    self.report.notes.append(f"chat {chat_id} could not be read: {exc}")
        if self._entries != known:
            self._index_dirty = True
        self.report.read_only = sorted(i for i, e in self._entries.items() if e.summary.read_only)
        if self._index_dirty:
            self._save_index()

    def _save_index(self) -> None:
        if self.read_only_reason:
            return
        try:
            save_index(self.index_path, self._entries)
        except OSError as exc:
            log.warning("could not save the chat index: %s", exc)
            return
        self._index_dirty = False
        self._index_saved_at = time.monotonic()

    def _load_drafts(self) -> None:
        self._drafts = Drafts(self.data_dir / DRAFTS_NAME, self._locks.drafts)
        try:
            self._drafts.load()
        except DraftsFileError as exc:
            self.report.notes.append(f"the drafts could not be read and were reset ({exc})")
            if not self.read_only_reason:
                with contextlib.suppress(OSError):
                    self._quarantine(self._drafts.path, str(exc))
            self._drafts = Drafts(self._drafts.path, self._locks.drafts)
        except OSError as exc:
            self.report.notes.append(f"drafts could not be read: {exc.strerror}")

    def _purge_trash(self) -> None:
        purged = trash.purge_trash(self.trash_dir, self.trash_days)
        if purged:
            live = {p.name[: -len(CHAT_SUFFIX)] for p in self.chats_dir.glob("*" + CHAT_SUFFIX)}
            with contextlib.suppress(OSError, DraftsFileError):
                drafts = Drafts(self.data_dir / DRAFTS_NAME, self._locks.drafts)
                drafts.load()
                drafts.forget(purged - live)
            self._locks.forget(purged - live)
