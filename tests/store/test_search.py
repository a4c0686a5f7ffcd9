"""Full-text search: Russian and English, any case, ё = е, word prefixes, word forms (a query word
loses one common ending), highlights; the index follows every change and catches up after a crash."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore, Message
from desktop_chat.store.search import fold, make_snippet, query_terms, stem
from tests.store.helpers import add_turns, chat_path, open_store


@pytest.fixture
def filled(store: ChatStore) -> dict[str, Message]:
    chat = store.create_chat("Рецепт борща")
    other = store.create_chat("Python help")
    msgs = {
        "hello": Message.new("user", "привет, как дела?"),
        "tree": Message.new("assistant", "Наряжаем ёлку к Новому году. ЁЛКА стоит в углу."),
        "en": Message.new("user", "The Quick brown fox jumps over the lazy dog"),
        "cafe": Message.new("assistant", "Meet me at the café, naïve friend"),
    }
    store.append_message(chat.id, msgs["hello"])
    store.append_message(chat.id, msgs["tree"])
    store.append_message(other.id, msgs["en"])
    store.append_message(other.id, msgs["cafe"])
    return msgs


def ids(hits: list) -> set[str | None]:
    return {h.message_id for h in hits}


@pytest.mark.parametrize("query", ["ПРИВЕТ", "привет", "Привет", "приве", "ПРИВ", "  привет!  "])
def test_russian_any_case_and_prefix(store: ChatStore, filled: dict[str, Message], query: str) -> None:
    assert ids(store.search(query)) == {filled["hello"].id}


@pytest.mark.parametrize("query", ["ёлка", "елка", "ЕЛКА", "Ёлку", "елк"])
def test_yo_and_ye_are_the_same_letter(store: ChatStore, filled: dict[str, Message], query: str) -> None:
    assert ids(store.search(query)) == {filled["tree"].id}


def test_english_words_all_must_match(store: ChatStore, filled: dict[str, Message]) -> None:
    assert ids(store.search("QUICK fox")) == {filled["en"].id}
    assert ids(store.search("quick cat")) == set()
    assert ids(store.search("cafe naive")) == {filled["cafe"].id}  # accents do not matter
    assert store.search("") == [] and store.search("  ?! ") == []
    assert ids(store.search('"fox*" -(^')) == {filled["en"].id}  # FTS syntax is just text


def test_title_hits_come_first_with_message_id_none(store: ChatStore, filled: dict[str, Message]) -> None:
    hits = store.search("борщ")
    assert hits[0].message_id is None and hits[0].chat_title == "Рецепт борща"
    assert hits[0].snippet[hits[0].highlights[0][0]:hits[0].highlights[0][1]] == "борща"


def test_snippet_highlights_the_matched_words(store: ChatStore, filled: dict[str, Message]) -> None:
    (hit,) = store.search("ЕЛК")
    words = [hit.snippet[a:b] for a, b in hit.highlights]
    assert words == ["ёлку", "ЁЛКА"]  # the original letters, not the folded ones
    long_text = "начало " + "слово " * 100 + "искомое " + "конец " * 100
    snippet, ranges = make_snippet(long_text, ["искомое"])
    assert snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 160
    assert [snippet[a:b] for a, b in ranges] == ["искомое"]
    assert "\n" not in make_snippet("строка\nвторая", ["вторая"])[0]


@pytest.fixture
def forms(store: ChatStore) -> dict[str, Message]:
    chat = store.create_chat("Книги на лето")
    msgs = {
        "beet": Message.new("assistant", "Винегрет со свёклой и морковью"),
        "books": Message.new("user", "Купил книгу, а ещё две КНИГИ в подарок"),
        "worked": Message.new("user", "Вчера телефон работал, сегодня нет"),
        "cutlet": Message.new("assistant", "На обед котлета с пюре"),
        "cat": Message.new("user", "My cat sleeps all day; the boxes are hers"),
        "testing": Message.new("user", "Testing the parser, it worked"),
        "habit": Message.new("user", "Полезная привычка: собирать модели поездов"),
        "hello": Message.new("user", "Привет! Отчёт в новой форме, модем работает"),
    }
    for m in msgs.values():
        store.append_message(chat.id, m)
    return msgs


def expected_ids(forms: dict[str, Message], keys: set[str]) -> set[str | None]:
    """Message ids of `keys`; "title" is the hit on the chat title (message_id None)."""
    return {None if key == "title" else forms[key].id for key in keys}


@pytest.mark.parametrize(("query", "found"), [
    ("свёкла", {"beet"}), ("свекла", {"beet"}), ("СВЁКЛА", {"beet"}), ("Свеклой", {"beet"}),
    ("книга", {"title", "books"}), ("КНИГИ", {"title", "books"}), ("книгами", {"title", "books"}),
    ("работает", {"worked", "hello"}), ("работать", {"worked", "hello"}), ("работал", {"worked"}),
    ("котлета", {"cutlet"}), ("котлеты", {"cutlet"}),
    ("кот", {"cutlet"}),  # 3 letters: as typed, and a prefix of котлета as before
    ("коту", set()),  # 4 letters: as typed
    ("cats", {"cat"}), ("CAT", {"cat"}), ("box", {"cat"}), ("sleeping", {"cat"}),
    ("test", {"testing"}), ("tested", {"testing"}), ("works", {"testing"}),
    ("отчет", {"hello"}), ("форма", {"hello"}), ("модель", {"habit"}), ("собирает", {"habit"}),
    ("книга свёкла", set()), ("свёкла морковь", {"beet"}),  # still: every word must occur
])
def test_word_forms(store: ChatStore, forms: dict[str, Message], query: str, found: set[str]) -> None:
    assert ids(store.search(query)) == expected_ids(forms, found)


@pytest.mark.parametrize(("query", "found"), [
    ("привет", {"hello"}),  # not прив, which would find привычка: -ет only after a vowel
    ("формат", set()),  # not форм, which would find форме: -ат only after ж/ш/ч/щ
    ("модели", {"habit"}),  # модел, not моде, which would find модем: -ли only after а/я
])
def test_word_forms_do_not_overreach(store: ChatStore, forms: dict[str, Message], query: str,
                                     found: set[str]) -> None:
    assert ids(store.search(query)) == expected_ids(forms, found)


def test_word_forms_highlight_the_whole_matched_word(store: ChatStore, forms: dict[str, Message]) -> None:
    def highlighted(query: str) -> list[list[str]]:
        return [[h.snippet[a:b] for a, b in h.highlights] for h in store.search(query)]

    assert highlighted("свёкла") == [["свёклой"]]
    assert highlighted("книга") == [["Книги"], ["книгу", "КНИГИ"]]  # the title first; original letters
    assert highlighted("работает") == [["работает"], ["работал"]]  # newest first
    assert highlighted("cats") == [["cat"]]
    assert highlighted("boxes sleep") == [["sleeps", "boxes"]]
    snippet, ranges = make_snippet("Свёклу, СВЕКЛА и свекольник", query_terms("свёкла"))
    assert [snippet[a:b] for a, b in ranges] == ["Свёклу", "СВЕКЛА"]


@pytest.mark.parametrize(("word", "expected"), [
    # Russian: the longest listed ending that leaves 4 letters
    ("свекла", "свекл"), ("книга", "книг"), ("работает", "работа"), ("работают", "работа"),
    ("работаешь", "работа"), ("работать", "работа"), ("сказала", "сказа"), ("книгами", "книг"),
    ("красного", "красн"), ("синему", "синем"),
    ("новая", "нова"), ("зеленый", "зелен"), ("говорит", "говор"), ("говорят", "говор"),
    ("говорить", "говори"), ("кричат", "крич"), ("музей", "музе"), ("столов", "стол"),
    ("часть", "част"),  # -ть would leave 3 letters: -ь instead
    ("руками", "рукам"),  # -ами would leave 3 letters: -и instead
    # ... short words and guarded endings stay
    ("кот", "кот"), ("коту", "коту"), ("книг", "книг"), ("привет", "привет"), ("отчет", "отчет"),
    ("формат", "формат"), ("правило", "правил"), ("модели", "модел"), ("свекла", "свекл"),
    # English: -s, -es, -ing, -ed with a 3-letter floor and a vowel in what is left
    ("cats", "cat"), ("boxes", "box"), ("classes", "class"), ("watches", "watch"), ("uses", "use"),
    ("files", "file"), ("testing", "test"), ("worked", "work"), ("created", "creat"),
    ("class", "class"), ("status", "status"), ("this", "this"), ("string", "string"), ("thing", "thing"),
    ("used", "used"), ("need", "need"), ("its", "its"), ("cat", "cat"),
    # anything else as typed
    ("python3", "python3"), ("covid19", "covid19"), ("xкниги", "xкниги"), ("2024", "2024"),
])
def test_stem_rules(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_query_terms_fold_then_stem() -> None:
    assert query_terms("СВЁКЛА, Книги; CATS книга") == ["свекл", "книг", "cat"]
    assert query_terms("Café") == ["cafe"]


def test_fold_keeps_length() -> None:
    for text in ["ЁЛКА", "İstanbul", "Straße", "café", "x\0y", "😀 emoji"]:
        assert len(fold(text)) == len(text)


def test_search_follows_truncate_delete_and_rename(store: ChatStore) -> None:
    chat = store.create_chat("старое название")
    u, a = add_turns(store, chat.id, 2, prefix="зебра")
    assert ids(store.search("зебра")) == {u.id, a.id}
    store.truncate_from(chat.id, a.id)
    assert ids(store.search("зебра")) == {u.id}
    store.rename_chat(chat.id, "новое название")
    assert [h.chat_title for h in store.search("новое")] == ["новое название"]
    assert store.search("старое") == []
    store.delete_chat(chat.id)
    assert store.search("зебра") == []


def test_results_are_newest_first_and_limited(store: ChatStore) -> None:
    chat = store.create_chat()
    msgs = [Message.new("user", f"повтор {i}", created_at=1000.0 + i) for i in range(30)]
    for m in msgs:
        store.append_message(chat.id, m)
    hits = store.search("повтор", limit=10)
    assert [h.message_id for h in hits] == [m.id for m in reversed(msgs)][:10]


def test_search_catches_up_after_a_crash(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    first = add_turns(store, chat.id, 2, prefix="первый")
    store.close()
    # a crash after the chat file got new lines but before the index saw them
    late = [Message.new("user", f"поздний {i}") for i in range(3)]
    with open(chat_path(data_dir, chat.id), "ab") as f:
        for m in late:
            f.write(json.dumps({"type": "message", "at": 5.0, "message": m.to_dict()}).encode() + b"\n")
        f.write(json.dumps({"type": "truncate_from", "at": 6.0, "message_id": first[1].id}).encode() + b"\n")
    # ...and the index also lost its last commits
    with sqlite3.connect(data_dir / "search.v1.sqlite3") as conn:
        conn.execute("UPDATE chats SET indexed_to = 0, seen_size = 0")
    store = open_store(data_dir)
    assert store.search_complete
    assert ids(store.search("поздний")) == set()  # the cut removed message 1 and everything after
    assert ids(store.search("первый")) == {first[0].id}
    store.close()


def test_catch_up_in_the_background_reports_partial_results(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    add_turns(store, chat.id, 50, prefix="фон")
    store.close()
    (data_dir / "search.v1.sqlite3").unlink()
    store = ChatStore(data_dir, auto_backup=False, search_in_background=True)
    store.open()
    assert store.wait_for_search_index(timeout=30)
    assert store.search_complete
    assert len(store.search("фон", limit=100)) == 50
    # appends after the catch-up are indexed at once
    late = Message.new("user", "фон поздний")
    store.append_message(chat.id, late)
    assert ids(store.search("поздний")) == {late.id}
    store.close()


def test_rebuild_gives_the_same_results(store: ChatStore, filled: dict[str, Message]) -> None:
    before = [(h.chat_id, h.message_id, h.snippet) for h in store.search("the")]
    store.rebuild_search_index()
    assert [(h.chat_id, h.message_id, h.snippet) for h in store.search("the")] == before
    assert before


def test_compaction_reindexes_the_chat(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_chat.store.chatfile as chatfile

    monkeypatch.setattr(chatfile, "COMPACT_MIN_BYTES", 100)
    store = open_store(data_dir)
    chat = store.create_chat()
    kept = add_turns(store, chat.id, 2, prefix="живой")
    for i in range(10):  # regenerate ten times: the old replies are dead weight
        m = Message.new("assistant", f"мёртвый {i}")
        store.append_message(chat.id, m)
        store.truncate_from(chat.id, m.id)
    size_before = chat_path(data_dir, chat.id).stat().st_size
    store.close()
    store = open_store(data_dir)
    store.load_chat(chat.id)  # compaction happens on load
    assert chat_path(data_dir, chat.id).stat().st_size < size_before / 2
    assert ids(store.search("живой")) == {m.id for m in kept}
    assert store.search("мёртвый") == []
    store.close()
