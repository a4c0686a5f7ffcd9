"""The search index's word list: every word the FTS index holds, so a query word (searched as a
prefix) is first expanded into the whole words that start with it, which are then searched exactly.

Why: FTS5 answers a prefix query ("привет"*) by first merging the doclists of every word with that
prefix, all of them, before "newest first, LIMIT n" can stop early: 90 ms for a common word in
1,000,000 messages. An OR of exact words is merged lazily, newest first, and stops after n
matches: about 1 ms. The list is derived like the rest of the index:
- a word is added with each indexed message (`words_of`, the same folding and word rule as FTS5's
  unicode61 tokenizer on our folded text; a word with other accents is also added without them);
- an index made before the list existed (no `words` key in `meta`) gets it from the FTS index itself
  (fts5vocab) once, in the background catch-up; until then queries use the plain prefix form;
- a prefix with more than MAX_EXPANSION words, or with none, also uses the plain prefix form.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

WORDS_SCHEMA = """
CREATE TABLE IF NOT EXISTS words(word TEXT PRIMARY KEY) WITHOUT ROWID;
"""
MAX_EXPANSION = 64
_WORD = re.compile(r"[^\W_]+")
_PLAIN = re.compile(r"[0-9a-zа-я]+")


def words_of(indexed_text: str) -> set[str]:
    """The words of a message's indexed (folded) text."""
    words = set(_WORD.findall(indexed_text))
    for word in [w for w in words if not _PLAIN.fullmatch(w)]:
        bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        words.update(_WORD.findall(bare))
    return words


def mark_new_index(db: sqlite3.Connection) -> None:
    """A new, empty index: its word list is complete from the start (every insert adds to it)."""
    if db.execute("SELECT 1 FROM meta WHERE key='words'").fetchone() is None and \
            db.execute("SELECT 1 FROM messages LIMIT 1").fetchone() is None:
        db.execute("INSERT OR REPLACE INTO meta VALUES('words', '1')")


def is_complete(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM meta WHERE key='words'").fetchone() is not None


def vocabulary(path: Path) -> list[str]:
    """Every word in the FTS index, read on a connection of its own (no lock of the index's is held:
    this takes a second or two for a million messages)."""
    conn = sqlite3.connect(path, timeout=10.0)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, message_fts, 'row')")
        return [row[0] for row in conn.execute("SELECT term FROM temp.vocab")]
    finally:
        conn.close()


def complete(path: Path, lock: threading.RLock, db: Callable[[], sqlite3.Connection]) -> None:
    """Gives an index made before the word list existed its words, from the FTS index itself. The
    vocabulary is read without `lock` (the index's own); messages indexed meanwhile add their words."""
    with lock:
        if is_complete(db()):
            return
    words = vocabulary(path)
    with lock:
        conn = db()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR IGNORE INTO words VALUES(?)", ((w,) for w in words))
            conn.execute("INSERT OR REPLACE INTO meta VALUES('words', '1')")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def fts_query(db: sqlite3.Connection | None, terms: list[str]) -> str:
    """The FTS5 query for `terms` (every term, each as a word prefix): exact words where the word
    list can expand the prefix, the prefix form otherwise."""
    parts = []
    for term in terms:
        words: list[str] = []
        if db is not None:
            words = [row[0] for row in db.execute("SELECT word FROM words WHERE word >= ? AND word < ? LIMIT ?",
                                                  (term, term + "\U0010ffff", MAX_EXPANSION + 1))]
        if 0 < len(words) <= MAX_EXPANSION:
            parts.append("(" + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")")
        else:
            parts.append(f'"{term}"*')
    return " AND ".join(parts)
