"""The search index's word list: a query word's prefix is expanded into the whole words that start
with it (searched exactly, fast), with the plain prefix form when the list cannot answer; an index
made before the list existed gets it from the FTS index itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_chat.store import ChatStore, Message
from desktop_chat.store.search import SEARCH_NAME
from desktop_chat.store.search_words import MAX_EXPANSION, fts_query, words_of
from tests.store.helpers import open_store


def ids(hits: list) -> set[str | None]:
    return {h.message_id for h in hits}


def test_words_of_folded_text_and_accents_stripped() -> None:
    assert words_of("привет, мир! x_y 42") == {"привет", "мир", "x", "y", "42"}
    assert {"ạb", "ab"} <= words_of("ạb")  # also without the accent, as FTS5 indexes it


def test_a_prefix_becomes_whole_words(store: ChatStore) -> None:
    chat = store.create_chat("Words")
    hello = Message.new("user", "привет всем")
    greeting = Message.new("user", "приветствую вас")
    other = Message.new("user", "пока")
    for m in (hello, greeting, other):
        store.append_message(chat.id, m)
    db = sqlite3.connect(store.data_dir / SEARCH_NAME)
    assert fts_query(db, ["приве"]) == '("привет" OR "приветствую")'
    assert fts_query(db, ["нет"]) == '"нет"*'  # no such word: the prefix form (it finds nothing either)
    db.close()
    assert ids(store.search("приве")) == {hello.id, greeting.id}
    assert ids(store.search("приветствую")) == {greeting.id}
    assert ids(store.search("приве всем")) == {hello.id}


def test_too_many_words_use_the_prefix_form(store: ChatStore) -> None:
    chat = store.create_chat("Many")
    texts = [f"слово{i}" for i in range(MAX_EXPANSION + 5)]
    store.append_message(chat.id, Message.new("user", " ".join(texts)))
    db = sqlite3.connect(store.data_dir / SEARCH_NAME)
    assert fts_query(db, ["слово"]) == '"слово"*'
    db.close()
    assert len(store.search("слово")) == 1


def test_an_index_from_before_the_word_list_gets_it(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat("Old")
    message = Message.new("user", "приветствую старый индекс")
    store.append_message(chat.id, message)
    store.close()
    db = sqlite3.connect(data_dir / SEARCH_NAME)  # as an older version left it: no word list
    db.execute("DROP TABLE words")
    db.execute("DELETE FROM meta WHERE key='words'")
    db.commit()
    db.close()
    store = open_store(data_dir)
    try:
        assert ids(store.search("приве")) == {message.id}
        db = sqlite3.connect(data_dir / SEARCH_NAME)
        words = {row[0] for row in db.execute("SELECT word FROM words")}
        assert {"приветствую", "старыи", "индекс"} <= words or {"приветствую", "старый", "индекс"} <= words
        assert db.execute("SELECT value FROM meta WHERE key='words'").fetchone() == ("1",)
        db.close()
    finally:
        store.close()
