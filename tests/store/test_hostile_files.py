"""Every file is input (issue 17, findings 2, 5, 7 and the import half of 9): crafted or corrupt
files never stop open(); bad chats are quarantined with their reason, derived files are rebuilt or
reset with a note, and values that come back out (times) are usable."""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore, Message, StoreError
from tests.store.helpers import add_turns, chat_path, open_store

BAD_ID = "b" * 32
DEEP = b"[" * 100_000 + b"]" * 100_000


def header(chat_id: str = BAD_ID, created: bytes = b"1.0") -> bytes:
    return (b'{"format":"desktop-chat/chat","version":1,"id":"' + chat_id.encode()
            + b'","created_at":' + created + b"}\n")


def message_line(at: bytes = b"2.0", created: bytes = b"2.0", message_id: str | None = None) -> bytes:
    mid = (message_id if message_id is not None else Message.new("user", "").id).encode()
    return (b'{"type":"message","at":' + at + b',"message":{"id":"' + mid
            + b'","role":"user","text":"hi","created_at":' + created + b"}}\n")


def good_store(data_dir: Path) -> str:
    store = open_store(data_dir)
    chat = store.create_chat("good")
    add_turns(store, chat.id, 2)
    store.close()
    return chat.id


HEADER_BOMBS = {
    "deep nesting in the header": header() [:-2] + b',"x":' + DEEP + b"}\n",
    "Infinity as created_at": header(created=b"Infinity"),
    "NaN as created_at": header(created=b"NaN"),
    "1e400 as created_at": header(created=b"1e400"),
    "10**400 as created_at": header(created=str(10**400).encode()),
    "a huge version": header().replace(b'"version":1', b'"version":' + str(10**400).encode()),
}


@pytest.mark.parametrize("kind", sorted(HEADER_BOMBS))
def test_a_poisoned_header_quarantines_the_chat_and_open_succeeds(data_dir: Path, kind: str) -> None:
    good = good_store(data_dir)
    (data_dir / "chats" / f"{BAD_ID}.jsonl").write_bytes(HEADER_BOMBS[kind] + message_line())
    store = open_store(data_dir)
    assert [c.id for c in store.list_chats()] == [good]
    (moved, reason), = store.report.quarantined
    assert moved.parent.name == "quarantine" and reason
    assert (moved.parent / (moved.name + ".why.txt")).read_text("utf-8").strip() == reason
    store.close()


LINE_BOMBS = {
    "deep nesting in a line": b'{"type":"message","at":1,"message":' + DEEP + b"}\n",
    "NaN as a time": message_line(at=b"NaN"),
    "Infinity as a message time": message_line(created=b"Infinity"),
    "-Infinity as a time": message_line(at=b"-Infinity"),
    "1e400 as a time": message_line(at=b"1e400"),
    "10**400 as a message time": message_line(created=str(10**400).encode()),
    "10**400 in usage": message_line()[:-3] + b',"usage":{"total":' + str(10**400).encode() + b"}}}\n",
    "a negative token count": message_line()[:-3] + b',"usage":{"total":-5}}}\n',
    "a time that is text": message_line(at=b'"yesterday"'),
    # Numbers are parsed by json's C code and checked after (safe_json): these reach every nesting level.
    "10**40 in usage": message_line()[:-3] + b',"usage":{"total":' + str(10**40).encode() + b"}}}\n",
    "1e400 inside a drawing": message_line()[:-3] + b',"drawing":{"aspect":"1:1","x":[1e400]}}}\n',
    "true as a token count": message_line()[:-3] + b',"usage":{"total":true}}}\n',
    # Ids name files: the quick test for our hex ids must not let these through.
    "an id of 65 letters": message_line(message_id="a" * 65),
    "an id with Cyrillic letters": message_line(message_id="идентификатор"),
    "an id with a space": message_line(message_id="ab cd"),
    "an empty id": message_line(message_id=""),
}


@pytest.mark.parametrize("kind", sorted(LINE_BOMBS))
def test_a_poisoned_line_is_dropped_and_the_chat_kept(data_dir: Path, kind: str) -> None:
    good_store(data_dir)
    keep = Message.new("user", "").id
    (data_dir / "chats" / f"{BAD_ID}.jsonl").write_bytes(
        header() + message_line(message_id=keep) + LINE_BOMBS[kind] + message_line())
    store = open_store(data_dir)
    assert BAD_ID in store.report.repaired
    chat = store.load_chat(BAD_ID)
    assert len(chat.messages) == 2 and chat.messages[0].id == keep
    store.append_message(BAD_ID, Message.new("user", "still writable"))
    store.close()


def test_out_of_range_times_are_clamped_so_dates_can_be_shown(data_dir: Path) -> None:
    (data_dir / "chats").mkdir(parents=True)
    (data_dir / "chats" / f"{BAD_ID}.jsonl").write_bytes(
        header(created=b"1e300") + message_line(at=b"1e300", created=b"-1e300"))
    store = open_store(data_dir)
    chat = store.load_chat(BAD_ID)
    for when in (chat.summary.created_at, chat.summary.updated_at, chat.messages[0].created_at):
        time.localtime(when)  # must not raise (OverflowError, OSError on Windows)
    assert "hi" in store.export_markdown(BAD_ID) and "hi" in store.export_html(BAD_ID)
    store.close()
    again = open_store(data_dir)  # the index holds the clamped values
    time.localtime(again.list_chats()[0].updated_at)
    again.close()


INDEX_BOMBS = {
    "deep nesting": b'{"format":"desktop-chat/index","version":1,"chats":' + DEEP + b"}",
    "NaN": b"NaN",
    "10**400 as a size": None,
    "Infinity as a time": None,
    "1e300 as a time": None,
    "a size that is text": None,
    "chats is a list": b'{"format":"desktop-chat/index","version":1,"chats":[]}',
}


@pytest.mark.parametrize("kind", sorted(INDEX_BOMBS))
def test_a_poisoned_index_is_rebuilt(data_dir: Path, kind: str) -> None:
    chat_id = good_store(data_dir)
    index = data_dir / "index.v1.json"
    content = INDEX_BOMBS[kind]
    if content is None:
        text = index.read_text("utf-8")
        entry = json.loads(text)["chats"][chat_id]
        field, value = {"10**400 as a size": ("size", str(10**400)),
                        "Infinity as a time": ("updated_at", "Infinity"),
                        "1e300 as a time": ("created_at", "1e300"),
                        "a size that is text": ("size", '"big"')}[kind]
        content = text.replace(f'"{field}": {json.dumps(entry[field])}', f'"{field}": {value}').encode()
        assert content != text.encode()
    index.write_bytes(content)
    store = open_store(data_dir)
    assert [c.message_count for c in store.list_chats()] == [2]
    assert "the chat index could not be used and was rebuilt" in store.report.notes
    assert json.loads(index.read_text("utf-8"))["chats"][chat_id]["message_count"] == 2
    store.close()


@pytest.mark.parametrize("content", [b'{"format":"desktop-chat/drafts","version":1,"drafts":' + DEEP + b"}",
                                     b'{"format":"desktop-chat/drafts","version":NaN,"drafts":{}}',
                                     b'{"format":"desktop-chat/drafts","version":' + str(10**400).encode()
                                     + b',"drafts":{}}'])
def test_poisoned_drafts_are_reset_with_a_note(data_dir: Path, content: bytes) -> None:
    chat_id = good_store(data_dir)
    (data_dir / "drafts.json").write_bytes(content)
    store = open_store(data_dir)
    assert any("drafts" in note and "reset" in note for note in store.report.notes)
    assert store.get_draft(chat_id) == ""
    store.set_draft(chat_id, "new")
    store.close()
    assert open_store(data_dir).get_draft(chat_id) == "new"


def test_a_poisoned_search_index_is_rebuilt_with_a_note(data_dir: Path) -> None:
    good_store(data_dir)
    for suffix in ("-wal", "-shm"):
        Path(str(data_dir / "search.v1.sqlite3") + suffix).unlink(missing_ok=True)
    (data_dir / "search.v1.sqlite3").write_bytes(b"SQLite format 3\0" + os.urandom(4096))
    store = open_store(data_dir)
    assert any("search index" in note for note in store.report.notes)
    assert store.search("msg")
    store.close()


@pytest.mark.parametrize("content", [b'{"messages":' + DEEP + b"}", b'{"created_at":NaN,"messages":[]}',
                                     b'{"messages":[{"role":"user","content":"x","timestamp":1e400}]}',
                                     b'{"messages":[{"role":"user","content":"x","timestamp":'
                                     + str(10**400).encode() + b"}]}"])
def test_a_poisoned_legacy_file_is_quarantined(data_dir: Path, content: bytes) -> None:
    good = good_store(data_dir)
    (data_dir / "chats" / f"{BAD_ID}.json").write_bytes(content)
    store = open_store(data_dir)
    assert [c.id for c in store.list_chats()] == [good]
    assert len(store.report.quarantined) == 1 and store.report.migrated == []
    store.close()


DEEP_TEXT = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("content", ['{"format":"desktop-chat/export","version":1,"chat":' + DEEP_TEXT + "}",
                                     '{"format":"desktop-chat/export","version":1,"chat":{"created_at":NaN,"messages":[]}}',
                                     '{"format":"desktop-chat/export","version":' + str(10**400) + "}",
                                     '{"format":"desktop-chat/export","version":1,"chat":{"messages":[{"id":"m","role":'
                                     '"user","text":"x","created_at":Infinity}]}}'])
def test_a_poisoned_import_is_the_stores_error(store: ChatStore, content: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        store.import_json(content)
    assert err.value.kind == "bad_import" and "cannot be imported" in str(err.value)
    path = tmp_path / "import.json"
    path.write_text(content, "utf-8")
    with pytest.raises(StoreError):
        store.import_file(path)
    assert store.list_chats() == []


def test_import_file_checks_the_size_before_reading(store: ChatStore, tmp_path: Path) -> None:
    import desktop_chat.store.store as store_module

    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(201 * 1024 * 1024)  # sparse: costs no disk
    tracemalloc.start()
    with pytest.raises(StoreError) as err:
        store.import_file(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert err.value.kind == "bad_import" and "too large" in str(err.value)
    assert peak < 5 * 1024 * 1024  # refused before reading it
    assert store_module.MAX_IMPORT_BYTES == 200 * 1024 * 1024
    with pytest.raises(StoreError) as err:
        store.import_file(tmp_path / "missing.json")
    assert err.value.kind == "io"
    (tmp_path / "latin1.json").write_bytes(b"\xff\xfe{")
    with pytest.raises(StoreError) as err:
        store.import_file(tmp_path / "latin1.json")
    assert err.value.kind == "bad_import"
    exported = tmp_path / "ok.json"
    source = store.create_chat("exported")
    add_turns(store, source.id, 2)
    exported.write_text(store.export_json(source.id), "utf-8")
    assert store.import_file(exported).message_count == 2


# ---- symlinks (finding 7) ------------------------------------------------------------------------

def test_a_symlinked_chat_file_is_quarantined_and_its_target_untouched(data_dir: Path, tmp_path: Path) -> None:
    good = good_store(data_dir)
    outside = tmp_path / "outside.jsonl"
    content = header() + message_line()
    outside.write_bytes(content)
    (data_dir / "chats" / f"{BAD_ID}.jsonl").symlink_to(outside)
    store = open_store(data_dir)
    assert [c.id for c in store.list_chats()] == [good]
    (moved, reason), = store.report.quarantined
    assert "symbolic link" in reason and moved.is_symlink()
    store.close()
    assert outside.read_bytes() == content


def test_a_chat_file_swapped_for_a_symlink_is_never_written_through(data_dir: Path, tmp_path: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat("mine")
    add_turns(store, chat.id, 2)
    outside = tmp_path / "victim.txt"
    outside.write_bytes(b"precious\n")
    path = chat_path(data_dir, chat.id)
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(StoreError):
        store.append_message(chat.id, Message.new("user", "must not land outside"))
    store._cat.logs.clear()  # a fresh read: refused too (and the link quarantined)
    with pytest.raises(StoreError):
        store.load_chat(chat.id)
    assert outside.read_bytes() == b"precious\n"
    store.close()
    assert outside.read_bytes() == b"precious\n"


def test_symlinked_drafts_are_not_followed(data_dir: Path, tmp_path: Path) -> None:
    chat_id = good_store(data_dir)
    outside = tmp_path / "victim.json"
    outside.write_text('{"format":"desktop-chat/drafts","version":1,"drafts":{}}', "utf-8")
    (data_dir / "drafts.json").symlink_to(outside)
    store = open_store(data_dir)
    store.set_draft(chat_id, "a draft")
    store.close()
    assert outside.read_text("utf-8") == '{"format":"desktop-chat/drafts","version":1,"drafts":{}}'
    assert not (data_dir / "drafts.json").is_symlink()


@pytest.mark.parametrize("when", [float("inf"), float("nan"), 1e300, -5.0])
def test_a_message_with_an_impossible_time_is_refused(store: ChatStore, when: float) -> None:
    chat = store.create_chat()
    with pytest.raises(StoreError) as err:
        store.append_message(chat.id, Message.new("user", "x", created_at=when))
    assert err.value.kind == "invalid"
