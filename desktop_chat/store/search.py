"""Full-text search over all chats: a derived SQLite FTS5 index next to the chat files.

The JSON chat files stay the source of truth; this index can be deleted at any time and is rebuilt.
For each chat it records how far into the chat file it has indexed (bytes, plus the file's identity
so a rewritten file is re-indexed whole). After a crash the index simply catches up from there.

Matching: the FTS5 `unicode61` tokenizer folds case for Cyrillic and Latin and drops Latin accents.
It does not fold "ё" to "е"; Russian writers use them interchangeably, so both the indexed text and
the query have "ё" replaced by "е". Every query word is a prefix ("приве" finds "привет"); all words
must occur (AND). Word forms: first each query word loses one common inflectional ending
(`stem`: "свёкла" → "свекл", "книга" → "книг", "cats" → "cat"), so the dictionary form finds the
other forms. The index holds the words as written; only the query changes.
Results come newest first: a message's rowid is made from its time, so
"ORDER BY rowid DESC LIMIT n" stops after n matches (ranking every match by relevance took 150+ ms
for a common word in 100,000 messages).

Threads: one sqlite3 connection opened with check_same_thread=False, used only under `self._lock`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.store import search_words
from desktop_chat.store.chatfile import (
    CHAT_SUFFIX,
    BadLine,
    CorruptChatFile,
    iter_lines,
    parse_header,
    parse_line,
)
from desktop_chat.store.fileio import NOFOLLOW
from desktop_chat.store.model import Message
from desktop_chat.store.search_stem import stem
from desktop_chat.store.search_words import WORDS_SCHEMA

log = logging.getLogger(__name__)

SEARCH_NAME = "search.v1.sqlite3"
SCHEMA_VERSION = 1
# A catch-up pass re-checks what changed while it ran; chats written to non-stop could keep it
# going forever, so after this many passes the live updates take over anyway.
MAX_CATCH_UP_PASSES = 20
# Catching up on less than this is done before open() returns; more goes to a background thread.
SYNC_CATCH_UP_BYTES = 2 * 1024 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chats(
    chat_id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL,      -- device:inode of the chat file that was indexed
    indexed_to INTEGER NOT NULL, -- bytes of that file already indexed (always a line end)
    seen_size INTEGER NOT NULL,  -- the file's size then (more than indexed_to if it ends in a torn line)
    next_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages(
    rowid INTEGER PRIMARY KEY,   -- message time in ms * 1000 + a tie-breaker: newest = largest
    chat_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    seq INTEGER NOT NULL,        -- order within the chat, for truncate_from
    text TEXT NOT NULL);         -- the original text, for snippets
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages(chat_id, seq);
-- contentless: the text lives once, in `messages`; FTS keeps only the word index
CREATE VIRTUAL TABLE IF NOT EXISTS message_fts USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 2');
"""

TOKEN_RE = re.compile(r"[^\W_]+")


def _latin_base(code: int) -> str:
    decomposed = unicodedata.normalize("NFD", chr(code))
    return decomposed[0] if decomposed[0].isascii() else chr(code)


# One character in, one character out, so offsets in folded text are offsets in the original.
_FOLD_TABLE = {code: _latin_base(code) for code in range(0xC0, 0x250)}
_FOLD_TABLE[ord("ё")] = "е"
_FOLD_TABLE[ord("Ё")] = "е"
_FOLD_TABLE[0] = " "


def fold(text: str) -> str:
    """Lower case, "ё" → "е", Latin accents dropped; same length as `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters (e.g. "İ") lower to two: do it one by one
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_FOLD_TABLE)


def _storable(text: str) -> str:
    """Text SQLite accepts: a lone surrogate (cannot be UTF-8) becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _index_text(text: str) -> str:
    """What goes into FTS for a message text."""
    return fold(_storable(text))


def query_terms(query: str) -> list[str]:
    """The search terms of a user's query: its words, folded and stemmed, without repeats. Each is
    searched as a word prefix (the FTS query, `matches_all`, and the highlights of `make_snippet`)."""
    return list(dict.fromkeys(stem(word) for word in TOKEN_RE.findall(fold(query))))


@functools.lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*")


def terms_pattern(terms: list[str]) -> re.Pattern[str]:
    """Matches whole words that start with one of the terms, in folded text."""
    return _pattern(tuple(terms))


@functools.lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:  # chat titles are searched again and again
    return fold(text)


def matches_all(text: str, terms: list[str]) -> bool:
    """True when every term starts some word of `text` (the same rule as the FTS query)."""
    folded = _fold_cached(text)
    return all(_pattern((t,)).search(folded) for t in terms)


def make_snippet(text: str, terms: list[str], width: int = 120) -> tuple[str, list[tuple[int, int]]]:
    """A one-line excerpt around the first match, and the [start, end) ranges of matched words in it."""
    folded = fold(text)
    pattern = terms_pattern(terms)
    first = pattern.search(folded)
    anchor = first.start() if first else 0
    start = max(0, anchor - width // 4)
    if start > 0:  # begin at a word
        space = text.find(" ", start, anchor)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", anchor, end)
        end = space if space > anchor else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    body = text[start:end].translate({ord("\n"): " ", ord("\r"): " ", ord("\t"): " "})
    ranges = [(m.start() - start + len(prefix), min(m.end(), end) - start + len(prefix))
              for m in pattern.finditer(folded, start, end)]
    return prefix + body + suffix, ranges


@dataclass(frozen=True)
class MessageMatch:
    chat_id: str
    message_id: str
    text: str


def _file_id(st: os.stat_result) -> str:
    return f"{st.st_dev}:{st.st_ino}"


class SearchIndex:
    def __init__(self, path: Path, chats_dir: Path) -> None:
        self.path = path
        self.chats_dir = chats_dir
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        # True once every chat file is indexed to its end; until then results may be partial.
        self.complete = False
        self.in_memory = False
        self.progress = (0, 0)  # (chats indexed, of how many) in the current catch-up pass
        self._known_words: set[str] = set()  # words this session has put in the word list

    # ---- opening -------------------------------------------------------------------------
    def open(self, *, in_memory: bool = False) -> str:
        """Opens (or rebuilds) the index; returns a note when it had to be rebuilt. `in_memory`
        (a read-only data folder) builds it in memory for this session and writes nothing."""
        self.in_memory = in_memory
        with self._lock:
            try:
                self._conn = self._connect()
            except sqlite3.DatabaseError as exc:
                log.warning("search index unusable (%s); rebuilding it", exc)
                self._delete_files()
                self._conn = self._connect()
                return "the search index could not be used and is being rebuilt"
        return ""

    def _connect(self) -> sqlite3.Connection:
        target = ":memory:" if self.in_memory else self.path
        # Several processes may share the file: wait up to 10 s for another one's write.
        conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None, timeout=10.0)
        try:
            # WAL + NORMAL: a commit costs no fsync. A power loss may lose the last commits, which
            # is fine: the index catches up from the chat files.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = None
            with contextlib.suppress(sqlite3.OperationalError):
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                version = row[0] if row else None
            if version not in (None, str(SCHEMA_VERSION)):
                raise sqlite3.DatabaseError(f"schema version {version}")
            conn.executescript(_SCHEMA + WORDS_SCHEMA)
            conn.execute("INSERT OR REPLACE INTO meta VALUES('schema', ?)", (str(SCHEMA_VERSION),))
            search_words.mark_new_index(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _delete_files(self) -> None:
        if self.in_memory:
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            candidate = Path(str(self.path) + suffix)
            with contextlib.suppress(FileNotFoundError):
                if candidate.is_dir():
                    shutil.rmtree(candidate)
                else:
                    candidate.unlink()

    def catch_up(self, *, background: bool | None = None) -> None:
        """Indexes whatever the chat files hold beyond what is indexed. `background=None` decides
        by the amount of work: small catch-ups finish before this returns."""
        with self._lock:
            self.complete = False
            pending = self._pending_bytes()
        if background is None:
            background = pending > SYNC_CATCH_UP_BYTES
        self._stop.clear()
        if not background:
            self._run_catch_up()
            return
        self._thread = threading.Thread(target=self._run_catch_up, name="search-index", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits for a background catch-up; returns `complete`."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.complete

    def rebuild(self) -> None:
        """Drops everything and indexes all chats again (before returning)."""
        self.stop()
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._known_words = set()
            self._delete_files()
            self._conn = self._connect()
        self.catch_up(background=False)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self.stop()
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA optimize")
                self._conn.close()
                self._conn = None

    # ---- keeping up ----------------------------------------------------------------------
    def chat_changed(self, chat_id: str) -> None:
        """Called after every write to a chat file. While a catch-up runs it does nothing: the
        catch-up's last pass (under the lock) sees the write."""
        if not self.complete:
            return
        with self._lock:
            if self.complete:
                self._guarded(lambda: self._sync_chat(chat_id))

    def chat_removed(self, chat_id: str) -> None:
        with self._lock:
            self._guarded(lambda: self._remove_chat(chat_id))

    def _guarded(self, work: Callable[[], None]) -> None:
        """Runs index work after a chat changed. The chat is already safe on disk, so a failure
        here must not fail the caller: log it, and rebuild the index at the next start."""
        try:
            work()
        except Exception as exc:
            log.warning("search index failed (%s); it will be rebuilt at the next start", exc)
            self.complete = False
            with contextlib.suppress(sqlite3.Error):
                self._db().execute("DELETE FROM meta WHERE key='schema'")
                self._db().execute("INSERT INTO meta VALUES('schema', 'broken')")

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise sqlite3.ProgrammingError("the search index is closed")
        return self._conn

    def _chat_files(self) -> dict[str, os.stat_result]:
        """Each chat file's stat, from one folder scan (no Path objects: 10,000 chats are 10,000 stats)."""
        files: dict[str, os.stat_result] = {}
        try:
            with os.scandir(self.chats_dir) as entries:
                for entry in entries:
                    if (entry.name.endswith(CHAT_SUFFIX) and not entry.name.startswith(".")
                            and not entry.is_symlink()):
                        with contextlib.suppress(OSError):
                            files[entry.name[: -len(CHAT_SUFFIX)]] = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # a read-only folder without chats yet
            pass
        return files

    def _stale(self) -> tuple[list[str], int]:
        """Chats whose file differs from what is indexed, and the bytes to read; drops vanished chats."""
        query = "SELECT chat_id, file_id, seen_size FROM chats"
        rows = {r[0]: (r[1], r[2]) for r in self._db().execute(query)}
        files = self._chat_files()
        for gone in rows.keys() - files.keys():
            self._remove_chat(gone)
        stale: list[str] = []
        pending = 0
        for chat_id, st in files.items():
            known = rows.get(chat_id)
            if known is None or known[0] != _file_id(st) or known[1] > st.st_size:
                stale.append(chat_id)
                pending += st.st_size
            elif known[1] < st.st_size:
                stale.append(chat_id)
                pending += st.st_size - known[1]
        return stale, pending

    def _pending_bytes(self) -> int:
        try:
            return self._stale()[1]
        except sqlite3.DatabaseError:
            return SYNC_CATCH_UP_BYTES + 1

    def _run_catch_up(self) -> None:
        try:
            if not self.in_memory:
                search_words.complete(self.path, self._lock, self._db)
            for passes in range(MAX_CATCH_UP_PASSES + 1):
                if self._stop.is_set():
                    return
                with self._lock:
                    stale, _ = self._stale()
                    if not stale or passes == MAX_CATCH_UP_PASSES:
                        self.complete = True  # decided under the lock: chat_changed takes over
                        return
                for done, chat_id in enumerate(stale):
                    if self._stop.is_set():
                        return
                    self.progress = (done, len(stale))
                    with self._lock:  # one chat at a time, so searches and appends get a turn
                        self._sync_chat(chat_id)
        except Exception:  # a background thread must not die silently
            log.exception("search index catch-up failed")

    def _remove_chat(self, chat_id: str) -> None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # the write lock now: busy_timeout applies (other processes)
        try:
            self._delete_messages(chat_id, 0)
            db.execute("DELETE FROM chats WHERE chat_id=?", (chat_id,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _delete_messages(self, chat_id: str, from_seq: int) -> None:
        db = self._db()
        rows = db.execute("SELECT rowid, text FROM messages WHERE chat_id=? AND seq>=?",
                          (chat_id, from_seq)).fetchall()
        # A contentless FTS5 table forgets a row only when told its exact indexed text.
        db.executemany("INSERT INTO message_fts(message_fts, rowid, body) VALUES('delete', ?, ?)",
                       [(rowid, _index_text(text)) for rowid, text in rows])
        db.execute("DELETE FROM messages WHERE chat_id=? AND seq>=?", (chat_id, from_seq))

    def _sync_chat(self, chat_id: str) -> None:
        """Indexes chat_id's file from where the index stopped (or whole, if the file was rewritten)."""
        db = self._db()
        path = self.chats_dir / (chat_id + CHAT_SUFFIX)
        row = db.execute("SELECT file_id, indexed_to, next_seq, seen_size FROM chats WHERE chat_id=?",
                         (chat_id,)).fetchone()
        try:
            # never through a symlink (the store quarantines it)
            f = os.fdopen(os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_BINARY", 0)), "rb")
        except FileNotFoundError:
            self._remove_chat(chat_id)
            return
        except OSError:  # a folder where the file should be, permissions: the store reports it
            return
        with f:
            st = os.fstat(f.fileno())
            file_id = _file_id(st)
            db.execute("BEGIN IMMEDIATE")  # the write lock now: busy_timeout applies (other processes)
            try:
                if row is not None and row[0] == file_id and row[1] <= st.st_size:
                    if row[3] == st.st_size:
                        db.execute("COMMIT")
                        return
                    start, next_seq = row[1], row[2]
                    f.seek(start)
                    data = f.read(st.st_size - start)
                    pos = 0
                else:
                    self._delete_messages(chat_id, 0)
                    start, next_seq = 0, 0
                    data = f.read(st.st_size)
                    try:
                        _, pos = parse_header(data, chat_id)
                    except CorruptChatFile:  # the store quarantines it; nothing to index
                        db.execute("COMMIT")
                        return
                done, next_seq = self._index_lines(chat_id, data, pos, next_seq)
                db.execute("INSERT OR REPLACE INTO chats VALUES(?, ?, ?, ?, ?)",
                           (chat_id, file_id, start + done, st.st_size, next_seq))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _index_lines(self, chat_id: str, data: bytes, pos: int, next_seq: int) -> tuple[int, int]:
        """Indexes the complete lines of `data` from `pos`; returns the offset after the last one
        and the next message's sequence number."""
        done = pos
        seq = next_seq
        for _, _, end, raw in iter_lines(data, pos):
            if data[end - 1:end] != b"\n":
                break  # a line still being written (or torn by a crash): wait for its newline
            done = end
            try:
                event = parse_line(raw)
            except BadLine:
                continue
            kind = event.get("type")
            if kind == "message":
                try:
                    message = Message.from_dict(event.get("message"))
                except Exception:
                    continue
                if "replaces" in event:  # regenerate, edit: what it replaces is hidden now (a version)
                    self._cut_from(chat_id, event.get("replaces"))
                self._add_message(chat_id, message, seq)
                seq += 1
            elif kind == "truncate_from":
                self._cut_from(chat_id, event.get("message_id"))
        return done, seq

    def _cut_from(self, chat_id: str, message_id: object) -> None:
        """Forgets a message and those after it."""
        found = self._db().execute("SELECT MIN(seq) FROM messages WHERE chat_id=? AND message_id=?",
                                   (chat_id, message_id)).fetchone()
        if found and found[0] is not None:
            self._delete_messages(chat_id, found[0])

    def _add_message(self, chat_id: str, message: Message, seq: int) -> None:
        db = self._db()
        rowid = self._insert_message(chat_id, message, seq)
        indexed = _index_text(message.searchable_text())
        db.execute("INSERT INTO message_fts(rowid, body) VALUES(?, ?)", (rowid, indexed))
        new = search_words.words_of(indexed) - self._known_words
        if new:
            db.executemany("INSERT OR IGNORE INTO words VALUES(?)", ((w,) for w in new))
            self._known_words |= new

    def chat_rewritten(self, chat_id: str, messages: list[Message], file_id: tuple[int, int] | None,
                       size: int) -> None:
        """After the store rewrote a chat file to hold `messages` (a version switched, messages deleted or
        put back): only what changed is indexed again, not the whole chat (1.3 s for 5,000 messages).
        When the file on disk is no longer that one (another process wrote since), it is read instead."""
        if not self.complete:
            return
        with self._lock:
            if self.complete:
                self._guarded(lambda: self._sync_rewritten(chat_id, messages, file_id, size))

    def _sync_rewritten(self, chat_id: str, messages: list[Message], file_id: tuple[int, int] | None,
                        size: int) -> None:
        try:
            st = os.stat(self.chats_dir / (chat_id + CHAT_SUFFIX), follow_symlinks=False)
        except OSError:
            st = None
        if st is None or file_id is None or (st.st_dev, st.st_ino) != file_id or st.st_size != size:
            self._sync_chat(chat_id)
            return
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            known = {m: (rowid, text) for rowid, m, text in
                     db.execute("SELECT rowid, message_id, text FROM messages WHERE chat_id=?", (chat_id,))}
            texts = {m.id: _storable(m.searchable_text()) for m in messages}
            stale = [(rowid, text) for m, (rowid, text) in known.items() if texts.get(m) != text]
            db.executemany("INSERT INTO message_fts(message_fts, rowid, body) VALUES('delete', ?, ?)",
                           [(rowid, _index_text(text)) for rowid, text in stale])
            db.executemany("DELETE FROM messages WHERE rowid=?", [(rowid,) for rowid, _ in stale])
            kept = []
            for seq, message in enumerate(messages):  # the order of the chat as it is now
                row = known.get(message.id)
                if row is not None and row[1] == texts[message.id]:
                    kept.append((seq, row[0]))
                else:
                    self._add_message(chat_id, message, seq)
            db.executemany("UPDATE messages SET seq=? WHERE rowid=?", kept)
            db.execute("INSERT OR REPLACE INTO chats VALUES(?, ?, ?, ?, ?)",
                       (chat_id, _file_id(st), size, size, len(messages)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _insert_message(self, chat_id: str, message: Message, seq: int) -> int:
        db = self._db()
        base = int(min(max(message.created_at, 0.0), 4e12) * 1000) * 1000
        # Messages of the same millisecond (an import, a copied chat) take the next free tie-breaker:
        # one indexed lookup each, so 5,000 messages of one timestamp stay linear.
        top = db.execute("SELECT MAX(rowid) FROM messages WHERE rowid BETWEEN ? AND ?",
                         (base, base + 999)).fetchone()[0]
        tie = 0 if top is None else top - base + 1
        if tie < 1000:
            db.execute("INSERT INTO messages(rowid, chat_id, message_id, seq, text) VALUES(?, ?, ?, ?, ?)",
                       (base + tie, chat_id, message.id, seq, _storable(message.searchable_text())))
            return base + tie
        cursor = db.execute("INSERT INTO messages(chat_id, message_id, seq, text) VALUES(?, ?, ?, ?)",
                            (chat_id, message.id, seq, _storable(message.searchable_text())))
        return int(cursor.lastrowid or 0)

    # ---- querying ------------------------------------------------------------------------
    def search(self, terms: list[str], limit: int) -> list[MessageMatch]:
        if not terms or limit <= 0:
            return []
        with self._lock:
            try:
                db = self._db()
                fts_query = search_words.fts_query(db if self.in_memory or search_words.is_complete(db) else None,
                                                   terms)
                rows = db.execute(
                    "SELECT m.chat_id, m.message_id, m.text FROM message_fts "
                    "JOIN messages m ON m.rowid = message_fts.rowid "
                    "WHERE message_fts MATCH ? ORDER BY message_fts.rowid DESC LIMIT ?",
                    (fts_query, limit)).fetchall()
            except sqlite3.DatabaseError as exc:
                log.warning("search failed: %s", exc)
                return []
        return [MessageMatch(*row) for row in rows]
