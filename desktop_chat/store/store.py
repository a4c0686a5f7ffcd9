"""ChatStore: the one object the rest of the app talks to about saved chats.

Layout of `data_dir` (details and examples in docs/store-format.md):

    chats/<chat id>.jsonl     one chat: header line + one event per line (the source of truth)
    index.v1.json             chat summaries for a fast start (derived; rebuilt when stale)
    index-head.v1.json        the first screen of the chat list (derived; see index.py)
    search.v1.sqlite3         full-text index (derived; rebuilt when missing)
    drafts.json               unsent text per chat
    locks/                    one lock file per chat, and drafts.lock (see locks.py)
    trash/<id>.<time>.jsonl   deleted chats, purged after `trash_days`
    quarantine/               files that could not be read, each with a .why.txt
    migrations/               old-format files, kept as they were before an upgrade
    backups/chats-<time>.zip  rolling backups
    attachments/<ab>/<sha256><suffix>   attached files, one copy per content (blobs.py)

Every public method takes one re-entrant lock, so any thread may call any method; OS file locks
(locks.py) keep several processes on one folder from losing each other's writes. Slow work that
needs no lock (parsing an import, search catch-up, the daily backup) runs outside it.
A folder that cannot be written opens read-only: `read_only_reason` says why, writes raise
StoreError("read_only").
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_chat.store import backup as backup_mod
from desktop_chat.store import blobs, export, recovery, trash
from desktop_chat.store.catalog import ChatCatalog
from desktop_chat.store.chatfile import (
    CHAT_SUFFIX,
    MAX_LINE_BYTES,
    ChatLog,
    chat_file_bytes,
    encode_line,
    message_event,
    pin_event,
    rename_event,
    replay,
    settings_event,
    truncate_event,
)
from desktop_chat.store.drafts import DRAFTS_NAME, Drafts, open_drafts
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import atomic_write
from desktop_chat.store.index import INDEX_NAME, IndexEntry, list_order
from desktop_chat.store.listing import BackgroundListing
from desktop_chat.store.locks import LOCKS_DIR, StoreLocks
from desktop_chat.store.message_edits import MessageEdits
from desktop_chat.store.model import (
    Attachment,
    Chat,
    ChatSettings,
    ChatSummary,
    Message,
    OpenReport,
    SearchHit,
    StoreChange,
    new_id,
)
from desktop_chat.store.recovery import MOVED_TO_QUARANTINE, quarantine
from desktop_chat.store.search import SEARCH_NAME, SearchIndex, query_terms
from desktop_chat.store.search_hits import collect_hits

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


class ChatStore(MessageEdits):
    def __init__(self, data_dir: Path | str, *, trash_days: float = 30, backup_keep: int = 7,
                 backup_interval: float = DAY, auto_backup: bool = True,
                 search_in_background: bool | None = None, list_in_background: bool | None = None) -> None:
        """`search_in_background`: None lets a big search catch-up run on a thread (the app);
        False finishes it inside open() (tests, tools).
        `list_in_background`: None lists only the index's head in open() when there are more chats
        than it holds, and the rest on a thread (first paint does not wait for 10,000 summaries);
        True does so whenever there is a head (tests); False lists everything inside open()."""
        self.data_dir = Path(data_dir)
        self.chats_dir = self.data_dir / CHATS_DIR
        self.trash_dir = self.data_dir / TRASH_DIR
        self.quarantine_dir = self.data_dir / QUARANTINE_DIR
        self.migrations_dir = self.data_dir / MIGRATIONS_DIR
        self.backups_dir = self.data_dir / BACKUPS_DIR
        self.attachments = blobs.BlobStore(self.data_dir / blobs.ATTACHMENTS_DIR)
        self.index_path = self.data_dir / INDEX_NAME
        self.trash_days = trash_days
        self.backup_keep = backup_keep
        self.backup_interval = backup_interval
        self.auto_backup = auto_backup
        self.search_in_background = search_in_background
        self.list_in_background = list_in_background
        # "" when the data folder can be written; else why not, in plain words (for a banner).
        self.read_only_reason = ""

        self._lock = threading.RLock()
        self._backup_lock = threading.Lock()
        self._open = False
        self.report = OpenReport()
        self._locks = StoreLocks(self.data_dir)
        # every chat's summary, the chats read this session, reading and appending (catalog.py)
        self._cat = ChatCatalog(self.chats_dir, self.quarantine_dir, self.index_path, self._locks)
        self._drafts = Drafts(self.data_dir / DRAFTS_NAME, self._locks.drafts)
        self._search = SearchIndex(self.data_dir / SEARCH_NAME, self.chats_dir)
        self._backup_thread: threading.Thread | None = None
        self._listing = BackgroundListing(self._cat, self._lock, lambda: self._open,
                                          lambda: self._search.catch_up(background=self.search_in_background),
                                          before=self._migrate_legacy)
        self._cat.on_missing = self._listing.complete_now
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
            self._load_drafts()
            if writable:
                purged = trash.purge_trash(self.trash_dir, self.trash_days, self.chats_dir)
                with contextlib.suppress(OSError):
                    self._drafts.forget(purged)
                    self._locks.forget(purged)
                if purged:  # what only the purged chats used can go now
                    self._collect_attachments()
            else:
                self.report.notes.append(self.read_only_reason)
            self._cat.read_only_reason, self._cat.report = self.read_only_reason, self.report
            partial = self.list_in_background is not False and self._cat.open_head(
                always=bool(self.list_in_background))
            if not partial:  # else on the listing thread: a scan for old files took 7 ms of 10,000 chats' start
                self._migrate_legacy()
                self._cat.scan()
            note = self._search.open(in_memory=not writable)
            if note:
                self.report.notes.append(note)
            self._open = True
            if partial:  # the rest of the list, then the search catch-up: on a thread, when first needed
                self._listing.reset()
            else:
                self._search.catch_up(background=self.search_in_background)
            if self.auto_backup and writable:
                self._backup_thread = backup_mod.start_daily(self._backup, self.backups_dir,
                                                             self.backup_interval)
            return self.report

    def _migrate_legacy(self) -> None:
        if not self.read_only_reason:  # upgrades old-format files (before the chat folder is listed)
            recovery.migrate_legacy_files(self.chats_dir, self.migrations_dir, self.quarantine_dir, self.report,
                                          self._locks)

    def close(self) -> None:
        if self._open and not self._cat.complete and self._cat.index_dirty:
            self.wait_for_listing()  # so the index saved below holds every chat
        self._listing.join()  # it needs the lock to finish: wait outside it
        with self._lock:
            if not self._open:
                return
            self._search.close()
            if self._cat.index_dirty:
                self._cat.save_index()
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

    @property
    def search_progress(self) -> float | None:
        """How far the search index's catch-up is (0..1), or None when it is complete."""
        if self._search.complete:
            return None
        done, total = self._search.progress
        return done / total if total else 0.0

    def wait_for_search_index(self, timeout: float | None = None) -> bool:
        self._listing.start()  # after a head-only open, the catch-up starts once the list is whole
        self._listing.join()
        return self._search.wait(timeout)

    def rebuild_search_index(self) -> None:
        with self._lock:
            self._require_open()
        self._search.rebuild()

    # ---- listing in the background ---------------------------------------------------------
    @property
    def listing_complete(self) -> bool:
        """False while only the index's head is listed (the rest is being read on a thread)."""
        return self._cat.complete

    def list_the_rest(self) -> None:
        """Starts listing the chats beyond the head on a thread (at most once), then the search
        catch-up. The window asks for the whole list once it has painted: on 2 cores, a thread
        parsing the index during the first paint slows that paint down. Anything that needs every
        chat starts it too (listing.py)."""
        self._listing.start()

    def wait_for_listing(self, timeout: float | None = None) -> bool:
        """Waits (without holding the store's lock) until every chat is listed; returns whether it is."""
        return self._listing.wait(timeout)

    # ---- reading ---------------------------------------------------------------------------
    def list_chats(self, limit: int | None = None) -> list[ChatSummary]:
        """Pinned first, then the most recently active; from memory (the index), no file reads.

        With `limit`: the first `limit` chats at once, from what is listed so far (while the rest is
        read in the background, that is the index's head). Without: every chat (waits for them)."""
        if limit is None:
            self.wait_for_listing()
        with self._lock:
            self._require_open()
            summaries = [entry.summary for entry in self._cat.entries.values()]
        if limit is not None:
            return heapq.nsmallest(limit, summaries, key=list_order)
        summaries.sort(key=list_order)
        return summaries

    def get_chat_summary(self, chat_id: str) -> ChatSummary:
        with self._lock:
            return self._entry(chat_id).summary

    def load_chat(self, chat_id: str) -> Chat:
        with self._lock:
            self._entry(chat_id)
            read = self._cat.read(chat_id)
            if read is None:
                raise StoreError("corrupt", MOVED_TO_QUARANTINE)
            return Chat(summary=read.log.summary(), settings=read.log.settings, messages=read.messages)

    def get_chat_settings(self, chat_id: str) -> ChatSettings:
        with self._lock:
            return ChatSettings(**self._cat.chat_log(chat_id).settings.to_dict())

    # ---- changing a chat -------------------------------------------------------------------
    def create_chat(self, title: str = "", settings: ChatSettings | None = None) -> ChatSummary:
        if not isinstance(title, str):
            raise StoreError("invalid", "a chat title must be text")
        settings = self._checked_settings(settings or ChatSettings())
        return self._write_new_chat(title, time.time(), settings, [])

    def append_message(self, chat_id: str, message: Message, *, replaces: str | None = None,
                       continues: bool = False) -> Message:
        """Adds a message at the end. Durable (on disk, fsynced) when it returns. Returns it as stored.

        With `replaces` (regenerate, edit-and-resend), it takes the place of that message and every later
        one, in the same write (if the write fails, the chat is as it was), and they are kept as an earlier
        version of that turn in the returned message's `versions` (store/versions.py); `continues`: the
        message is the replaced reply continued, and takes over its versions instead.
        """
        replaced: list[str] | None = None
        with self._lock:
            if replaces is not None:
                message, replaced = self._as_new_version(chat_id, message, replaces, continues)
            message.check()
            for ref in message.attachments:  # written (durably) before the message that references it
                if not self.attachments.exists(ref):
                    raise StoreError("not_found", f"the attachment “{ref.name}” has not been stored")

            def check(chat: ChatLog) -> None:
                if replaces is not None and chat.message_ids[-len(replaced or [1]):] != replaced:
                    raise StoreError("not_found", "that message is not in this chat (any more)")
                if chat.has_message(message.id):
                    raise StoreError("duplicate", f"this chat already has a message with id {message.id}")
            self._append_event(chat_id, message_event(message, replaces=replaces), check)
            return message

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
            if self._cat.chat_log(chat_id).title != title:
                self._append_event(chat_id, rename_event(title))
                self._cat.save_index()

    def set_pinned(self, chat_id: str, pinned: bool) -> None:
        with self._lock:
            if self._cat.chat_log(chat_id).pinned != bool(pinned):
                self._append_event(chat_id, pin_event(bool(pinned)))
                self._cat.save_index()

    def set_chat_settings(self, chat_id: str, settings: ChatSettings) -> None:
        settings = self._checked_settings(settings)
        with self._lock:
            if self._cat.chat_log(chat_id).settings != settings:
                self._append_event(chat_id, settings_event(settings))

    def delete_chat(self, chat_id: str) -> None:
        """Moves the chat to the trash folder; restore_chat brings it back (until it is purged)."""
        with self._lock:
            self._entry(chat_id)
            self._require_writable()
            try:
                with self._cat.lock(chat_id):
                    trash.move_to_trash(self._chat_path(chat_id), self.trash_dir, chat_id)
            except OSError as exc:
                raise StoreError("io", f"could not move the chat to the trash: {exc.strerror}") from None
            self._cat.forget(chat_id)
            self._search.chat_removed(chat_id)
            self._cat.save_index()
            self._notify(chat_id, "deleted")

    def restore_chat(self, chat_id: str) -> ChatSummary:
        """Undoes delete_chat (the newest deletion of that chat)."""
        with self._lock:
            self._require_open()
            self._require_writable()
            if chat_id in self._cat.entries:
                raise StoreError("duplicate", "this chat is not deleted")
            try:
                with self._cat.lock(chat_id):
                    if os.path.lexists(self._chat_path(chat_id)):
                        raise StoreError("duplicate", "this chat is not deleted")
                    found = trash.restore_from_trash(self.trash_dir, chat_id, self._chat_path(chat_id))
            except OSError as exc:
                raise StoreError("io", f"could not restore the chat: {exc.strerror}") from None
            if not found:
                raise StoreError("not_found", "this chat is not in the trash (it may have been purged)")
            read = self._cat.read(chat_id)
            if read is None:
                raise StoreError("corrupt", "the deleted chat's file is damaged and was moved to quarantine")
            self._cat.touch(chat_id)
            self._search.chat_changed(chat_id)
            self._cat.save_index()
            self._notify(chat_id, "created")
            return read.log.summary()

    def duplicate_chat(self, chat_id: str, title: str | None = None) -> ChatSummary:
        """A new chat with the same title (or `title`), settings and messages."""
        chat = self.load_chat(chat_id)
        return self._write_new_chat(chat.summary.title if title is None else title, time.time(),
                                    chat.settings, chat.messages)

    # ---- attachments ----------------------------------------------------------------------------
    def put_attachment(self, data: bytes, mime: str, sha256: str | None = None) -> str:
        """Stores a file's bytes (once per content) durably; returns its sha256. Call before
        append_message with a message that references it. Safe from any thread, no store lock."""
        self._require_writable()
        return self.attachments.put(data, mime, sha256)

    def attachment_path(self, ref: Attachment) -> Path:
        """Where the file is (to open it in the system's viewer); it may be missing."""
        return self.attachments.path(ref.sha256, ref.mime)

    def read_attachment(self, ref: Attachment) -> bytes:
        """The file's bytes, checked; StoreError("not_found" | "corrupt" | "io")."""
        return self.attachments.read(ref)

    def _read_or_none(self, ref: Attachment) -> bytes | None:
        try:
            return self.attachments.read(ref)
        except StoreError:
            return None

    def collect_attachments(self) -> int:
        """Removes attachment files no chat (nor a chat in the trash) uses, older than a day."""
        with self._lock:
            self._require_open()
            self._require_writable()
            return self._collect_attachments()

    def _collect_attachments(self) -> int:
        files = [*self.chats_dir.glob("*" + CHAT_SUFFIX), *self.trash_dir.glob("*" + CHAT_SUFFIX)]
        return self.attachments.collect_garbage(blobs.referenced_hashes(files))

    # ---- drafts ----------------------------------------------------------------------------
    def get_draft(self, chat_id: str) -> str:
        with self._lock:
            self._require_open()
            self._drafts.refresh()
            return self._drafts.text(chat_id)

    def chats_with_drafts(self) -> set[str]:
        """The ids of chats with unsent text (a non-blank draft)."""
        with self._lock:
            self._require_open()
            self._drafts.refresh()
            return {chat_id for chat_id, text in self._drafts.drafts.items() if text.strip()}

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
        self.wait_for_listing()
        with self._lock:
            self._require_open()
            summaries = {chat_id: entry.summary for chat_id, entry in self._cat.entries.items()}
        return collect_hits(summaries, self._search, terms, limit)

    # ---- export / import -------------------------------------------------------------------
    def export_markdown(self, chat_id: str, lang: str = "en", files_dir: str | None = None) -> str:
        """Markdown; with `files_dir`, attachments link to copies in that folder (see export_markdown_file)."""
        return export.to_markdown(self.load_chat(chat_id), lang, files_dir)

    def export_markdown_file(self, chat_id: str, path: Path | str, lang: str = "en") -> Path:
        """Writes `path` (.md) and copies the chat's attachments into `<name>_files/` next to it, linked
        from the text. Returns the folder of copies (not created when there are none)."""
        return export.write_markdown_file(self.load_chat(chat_id), Path(path), lang, self._read_or_none)

    def export_html(self, chat_id: str, lang: str = "en") -> str:
        """One self-contained page; pictures embedded as data: URLs."""
        return export.to_html(self.load_chat(chat_id), lang, self._read_or_none)

    def export_json(self, chat_id: str) -> str:
        """JSON that import_json reads back, attachments included (base64)."""
        return export.to_json(self.load_chat(chat_id), self._read_or_none)

    def import_json(self, text: str) -> ChatSummary:
        """Adds the exported chat as a NEW chat (a new id; never replaces an existing chat).
        The parsing and checking happen outside the store's lock: other calls are answered meanwhile."""
        self._require_writable()
        imported = export.parse_export(text)
        for sha, (mime, data) in imported.files.items():  # the files first: then the chat that uses them
            self.attachments.put(data, mime, sha)
        return self._write_new_chat(imported.title, imported.created_at, imported.settings,
                                    imported.messages, active_at=time.time())

    def import_file(self, path: Path | str) -> ChatSummary:
        """import_json of a file, refusing one over 200 MB before reading it. Every problem is a
        StoreError ("bad_import" for the file's content, "io" for reading it) in plain words."""
        self._require_writable()
        return self.import_json(export.read_import_file(Path(path), MAX_IMPORT_BYTES))

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
            files = backup_mod.files_to_back_up(self.chats_dir, CHAT_SUFFIX, self.data_dir / DRAFTS_NAME)
            files += [(p, f"{blobs.ATTACHMENTS_DIR}/{p.parent.name}/{p.name}") for p in self.attachments.all_files()
                      if not p.name.startswith(".") and not p.is_symlink()]
            return backup_mod.make_backup(self.data_dir, files, self.backups_dir, self.backup_keep)

    # ---- internals: chats ------------------------------------------------------------------
    def _require_open(self) -> None:
        if not self._open:
            raise StoreError("not_open", "the chat store is not open")

    def _require_writable(self) -> None:
        if self.read_only_reason:
            raise StoreError("read_only", self.read_only_reason)

    def _chat_path(self, chat_id: str) -> Path:
        return self._cat.path(chat_id)

    def _entry(self, chat_id: str) -> IndexEntry:
        self._require_open()
        return self._cat.entry(chat_id)

    @staticmethod
    def _checked_settings(settings: ChatSettings) -> ChatSettings:
        if not isinstance(settings, ChatSettings):
            raise StoreError("invalid", "chat settings must be a ChatSettings")
        return ChatSettings.from_dict(settings.to_dict())

    def _append_event(self, chat_id: str, event: dict[str, Any],
                      check: Callable[[ChatLog], None] | None = None) -> None:
        """Writes one event durably (ChatCatalog.append), then updates the search index and the
        listeners. `check` validates against the chat's current state (it may raise StoreError)."""
        if len(encode_line(event)) > MAX_LINE_BYTES:
            raise StoreError("too_large", "this message is too large to store")
        with self._lock:
            self._entry(chat_id)
            self._require_writable()
            self._cat.append(chat_id, event, check)
            self._search.chat_changed(chat_id)
            if time.monotonic() - self._cat.index_saved_at > INDEX_SAVE_INTERVAL:
                self._cat.save_index()
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
            self._cat.remember(read.log, st)
            self._cat.touch(chat_id)
            self._cat.save_index()
            self._notify(chat_id, "created")
        self._search.chat_changed(chat_id)
        return read.log.summary()

    def _load_drafts(self) -> None:
        self._drafts, problem = open_drafts(self.data_dir / DRAFTS_NAME, self._locks.drafts)
        if problem:
            self.report.notes.append(f"the drafts could not be read and were reset ({problem})")
            if not self.read_only_reason and os.path.lexists(self._drafts.path):
                with contextlib.suppress(OSError):
                    quarantine(self._drafts.path, problem, self.quarantine_dir, self.report)
