"""Export to Markdown, HTML and JSON; import of the JSON as a new chat."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.store import ChatSettings, ChatStore, Message, StoreError
from tests.store.helpers import open_store

# Arbitrary text, with extra weight on what chats are made of: Cyrillic, emoji, newlines, control chars.
TEXT = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("привет мир ёЁйЙ\n\r\t\x00\x1b\u2028\u2029\ufeff😀👍🏽<>&\"'`*_#|$")),
), max_size=200)
MESSAGE = st.builds(
    lambda role, text, created, status, model: Message.new(role, text, created_at=created, status=status,
                                                           model=model),
    st.sampled_from(["user", "assistant"]), TEXT,
    st.floats(min_value=0, max_value=4e9, allow_nan=False), st.sampled_from(["final", "stopped", "error"]), TEXT)


@pytest.fixture(scope="module")
def shared_store() -> ChatStore:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder))
        yield store  # type: ignore[misc]
        store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, prompt=TEXT, messages=st.lists(MESSAGE, max_size=5),
       temperature=st.one_of(st.none(), st.floats(0, 1)))
def test_json_round_trip(shared_store: ChatStore, title: str, prompt: str, messages: list[Message],
                         temperature: float | None) -> None:
    store = shared_store
    chat = store.create_chat(title, ChatSettings(system_prompt=prompt, temperature=temperature))
    for m in messages:
        store.append_message(chat.id, m)
    exported = store.export_json(chat.id)
    imported = store.import_json(exported)
    assert imported.id != chat.id
    original, copy = store.load_chat(chat.id), store.load_chat(imported.id)
    assert copy.messages == original.messages == messages
    assert copy.settings == original.settings
    assert copy.summary.title == title
    # and the other exports never fail and keep the text recognisable
    markdown = store.export_markdown(chat.id)
    assert all(m.text in markdown for m in messages)
    page = store.export_html(chat.id)
    for tag in ("<script", "<img", "<iframe", "<link", "<object", "<embed"):
        assert tag not in page.lower()
    assert page.count("<style>") == 1


def test_lone_surrogates_survive_storage_and_export(store: ChatStore) -> None:
    chat = store.create_chat("bad \ud800 title")
    m = Message.new("user", "text with a lone \udc00 surrogate")
    store.append_message(chat.id, m)
    assert store.load_chat(chat.id).messages == [m]
    copy = store.import_json(store.export_json(chat.id))
    assert store.load_chat(copy.id).messages == [m]
    assert store.search("surrogate")


def test_html_is_self_contained_and_escaped(store: ChatStore) -> None:
    chat = store.create_chat("<b>Title</b> & co")
    store.append_message(chat.id, Message.new("user", "<script>alert(1)</script> ![img](http://evil/x.png)"))
    reply = "```python\nprint('<hi>')\n```\n\n**bold** [link](javascript:alert(1))"
    store.append_message(chat.id, Message.new("assistant", reply))
    page = store.export_html(chat.id)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "&lt;script&gt;" in page and "<script" not in page
    assert "&lt;b&gt;Title&lt;/b&gt; &amp; co" in page
    assert "<img" not in page and "http://evil" not in page.split("<body>")[0]
    assert 'href="javascript' not in page  # refused as a link, left as text
    assert "<strong>bold</strong>" in page and "<pre><code" in page


def test_markdown_export(store: ChatStore) -> None:
    chat = store.create_chat("Мой чат", ChatSettings(system_prompt="Будь вежлив\nвсегда"))
    store.append_message(chat.id, Message.new("user", "Вопрос"))
    store.append_message(chat.id, Message.new("assistant", "Ответ", model="yandexgpt", status="stopped"))
    md = store.export_markdown(chat.id)
    assert md.startswith("# Мой чат\n")
    assert "> Будь вежлив\n> всегда" in md
    assert "### You" in md and "### Assistant (yandexgpt) · stopped" in md
    assert "Вопрос" in md and "Ответ" in md
    assert "### Вы" in store.export_markdown(chat.id, lang="ru")


def test_import_never_overwrites_and_gives_new_ids(store: ChatStore) -> None:
    chat = store.create_chat("x")
    text = store.export_json(chat.id)
    first, second = store.import_json(text), store.import_json(text)
    assert len({chat.id, first.id, second.id}) == 3
    assert len(store.list_chats()) == 3


def _export(**chat: object) -> str:
    base: dict[str, object] = {"title": "t", "created_at": 1.0, "settings": {}, "messages": []}
    base.update(chat)
    return json.dumps({"format": "desktop-chat/export", "version": 1, "chat": base})


@pytest.mark.parametrize(("text", "why"), [
    ("not json at all", "not valid JSON"),
    ("[1, 2]", "not a Desktop Chat export"),
    (json.dumps({"format": "other"}), "not a Desktop Chat export"),
    (json.dumps({"format": "desktop-chat/export"}), "no format version"),
    (json.dumps({"format": "desktop-chat/export", "version": 4, "chat": {}}), "newer version"),
    (json.dumps({"format": "desktop-chat/export", "version": 1}), "holds no chat"),
    (_export(messages="none"), "no list of messages"),
    (_export(title=5), "title is not text"),
    (_export(created_at="yesterday"), "creation time"),
    (_export(settings={"temperature": "hot"}), "temperature"),
    (_export(messages=[{"id": "m", "role": "god", "text": "x", "created_at": 1}]), "message 1"),
    (_export(messages=[{"id": "m", "role": "user", "text": "x", "created_at": 1}] * 2), "repeats the id"),
])
def test_bad_imports_say_what_is_wrong(store: ChatStore, text: str, why: str) -> None:
    with pytest.raises(StoreError) as err:
        store.import_json(text)
    assert err.value.kind == "bad_import"
    assert why in str(err.value)
    assert str(err.value).startswith("This file cannot be imported")
    assert store.list_chats() == []
