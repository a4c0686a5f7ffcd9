"""Damaged files: each kind has a decided behaviour (see docs/store-format.md, "Damaged files").

- unusable header (or not a file at all): the file is MOVED to quarantine/ with a .why.txt, reported
  in OpenReport.quarantined, and every other chat still opens;
- unusable lines after a good header: the good lines are KEPT (the chat stays), the original file is
  COPIED to quarantine/, the chat id is listed in OpenReport.repaired;
- a torn or zero-filled last line (a crash or power loss mid-write): silently cut off; the bytes
  were never acknowledged to the user.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import desktop_chat.store.chatfile as chatfile
from desktop_chat.store import ChatStore, Message
from tests.store.helpers import add_turns, chat_path, open_store

GOOD_ID = "a" * 32
BAD_ID = "b" * 32


def header(chat_id: str = BAD_ID, **extra: object) -> bytes:
    doc = {"format": "desktop-chat/chat", "version": 1, "id": chat_id, "created_at": 1.0, **extra}
    return json.dumps(doc).encode() + b"\n"


def message_line(text: str, message_id: str | None = None) -> bytes:
    m = Message.new("user", text, id=message_id or Message.new("user", "").id)
    return json.dumps({"type": "message", "at": 2.0, "message": m.to_dict()}, ensure_ascii=False).encode() + b"\n"


def make_store_with_good_chat(data_dir: Path) -> tuple[str, list[Message]]:
    store = open_store(data_dir)
    good = store.create_chat("good")
    msgs = add_turns(store, good.id, 3)
    store.close()
    return good.id, msgs


def write_bad(data_dir: Path, content: bytes | None, name: str = BAD_ID + ".jsonl") -> Path:
    path = data_dir / "chats" / name
    if content is None:
        path.mkdir()
        (path / "inside.txt").write_text("x")
    else:
        path.write_bytes(content)
    return path


WHOLE_FILE_KINDS = {
    "empty file": (b"", "empty"),
    "binary garbage": (bytes(range(256)) * 8, "header"),
    "truncated header": (header()[:30], "incomplete"),
    "header not JSON": (b"this is not json\n" + message_line("x"), "not valid JSON"),
    "header is a JSON list": (b"[1, 2, 3]\n", "not a JSON object"),
    "header of another program": (b'{"format": "something-else", "version": 1}\n', "does not say"),
    "header without id": (b'{"format": "desktop-chat/chat", "version": 1}\n' + message_line("x"), "no chat id"),
    "header id differs from file name": (header("c" * 32) + message_line("x"), "does not match"),
    "header version not a number": (header(version="one"), "version"),
    "header version 0": (header(version=0), "version"),
    "invalid UTF-8 in header": (b'{"format": "desktop-chat/chat", "id": "\xff\xfe"}\n', "UTF-8"),
    "zero-filled file after a power loss": (b"\0" * 4096, "zero bytes"),
}


@pytest.mark.parametrize("kind", WHOLE_FILE_KINDS)
def test_unusable_files_are_quarantined_and_the_rest_opens(data_dir: Path, kind: str) -> None:
    good_id, msgs = make_store_with_good_chat(data_dir)
    content, reason_part = WHOLE_FILE_KINDS[kind]
    bad = write_bad(data_dir, content)
    store = open_store(data_dir)
    assert [s.id for s in store.list_chats()] == [good_id]
    assert store.load_chat(good_id).messages == msgs
    assert len(store.report.quarantined) == 1
    moved, reason = store.report.quarantined[0]
    assert reason_part.lower() in reason.lower(), reason
    assert not bad.exists()
    assert moved.read_bytes() == content  # kept byte for byte for a person to look at
    assert (moved.parent / (moved.name + ".why.txt")).read_text("utf-8").strip() == reason
    store.close()
    again = open_store(data_dir)  # stable: nothing new to report
    assert again.report.quarantined == [] and [s.id for s in again.list_chats()] == [good_id]
    again.close()


def test_a_folder_where_a_chat_file_should_be(data_dir: Path) -> None:
    good_id, _ = make_store_with_good_chat(data_dir)
    write_bad(data_dir, None)
    store = open_store(data_dir)
    assert [s.id for s in store.list_chats()] == [good_id]
    moved, reason = store.report.quarantined[0]
    assert "folder" in reason and moved.is_dir()
    store.close()


def test_a_file_name_that_is_not_a_chat_id(data_dir: Path) -> None:
    good_id, _ = make_store_with_good_chat(data_dir)
    write_bad(data_dir, header(), name="not an id!.jsonl")
    store = open_store(data_dir)
    assert [s.id for s in store.list_chats()] == [good_id]
    assert "name" in store.report.quarantined[0][1]
    store.close()


def test_a_huge_header_line(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chatfile, "MAX_LINE_BYTES", 1000)
    good_id, _ = make_store_with_good_chat(data_dir)
    write_bad(data_dir, header(title="x" * 5000))
    store = open_store(data_dir)
    assert [s.id for s in store.list_chats()] == [good_id]
    assert "too long" in store.report.quarantined[0][1]
    store.close()


def _event(kind: str, **fields: object) -> bytes:
    return json.dumps({"type": kind, "at": 3.0, **fields}).encode() + b"\n"


# Lines that are bad in the middle of a file with a good header: kept lines are "first" and "last".
BAD_MIDDLE_LINES = {
    "bad JSON in a middle line": (b'{"type": "message", "at": 2.0, "mess\n', "not valid JSON"),
    "invalid UTF-8 in a middle line": (b'{"type": "rename", "at": 2.0, "title": "\xc3\x28"}\n', "UTF-8"),
    "unknown event type": (_event("explode", power=9000), "unknown event type"),
    "event that is not an object": (b'"just a string"\n', "not a JSON object"),
    "message with a wrong field type": (_event("message", message={"id": "m1", "role": "user", "text": 5,
                                                                   "created_at": 1.0}), "text is not a string"),
    "message with an unknown role": (_event("message", message={"id": "m1", "role": "robot", "text": "x",
                                                                "created_at": 1.0}), "role"),
    "event without a time": (b'{"type": "pin", "pinned": true}\n', "without a valid time"),
    "pin that is not true/false": (_event("pin", pinned="yes"), "true/false"),
    "cut at a message that is not there": (_event("truncate_from", message_id="nope"), "not there"),
    "zero-filled block in the middle (power loss, then more writes)": (b"\0" * 512 + b"\n", "JSON"),
}


@pytest.mark.parametrize("kind", BAD_MIDDLE_LINES)
def test_damaged_lines_are_dropped_and_the_good_ones_kept(data_dir: Path, kind: str) -> None:
    good_id, _ = make_store_with_good_chat(data_dir)
    bad_line, reason_part = BAD_MIDDLE_LINES[kind]
    original = header(title="t") + message_line("first") + bad_line + message_line("last")
    path = write_bad(data_dir, original)
    store = open_store(data_dir)
    assert {s.id for s in store.list_chats()} == {good_id, BAD_ID}
    assert [m.text for m in store.load_chat(BAD_ID).messages] == ["first", "last"]
    assert store.report.repaired == [BAD_ID]
    copy, reason = store.report.quarantined[0]
    assert reason_part.lower() in reason.lower(), reason
    assert "line 3" in reason
    assert copy.read_bytes() == original  # the original, untouched, for a person to recover from
    assert b"last" in path.read_bytes()
    store.append_message(BAD_ID, Message.new("user", "after repair"))
    store.close()
    again = open_store(data_dir)
    assert again.report.quarantined == []
    assert [m.text for m in again.load_chat(BAD_ID).messages] == ["first", "last", "after repair"]
    again.close()


def test_duplicate_message_ids_keep_the_first(data_dir: Path) -> None:
    make_store_with_good_chat(data_dir)
    write_bad(data_dir, header() + message_line("one", "m1") + message_line("two", "m1") + message_line("three"))
    store = open_store(data_dir)
    assert [m.text for m in store.load_chat(BAD_ID).messages] == ["one", "three"]
    assert "repeats the id" in store.report.quarantined[0][1]
    store.close()


def test_a_huge_middle_line_is_dropped(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chatfile, "MAX_LINE_BYTES", 1000)
    make_store_with_good_chat(data_dir)
    write_bad(data_dir, header() + message_line("one") + message_line("x" * 5000) + message_line("three"))
    store = open_store(data_dir)
    assert [m.text for m in store.load_chat(BAD_ID).messages] == ["one", "three"]
    assert "too long" in store.report.quarantined[0][1]
    store.close()


def test_refuses_to_write_a_line_over_the_limit(store: ChatStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_chat.store.store as store_module

    monkeypatch.setattr(store_module, "MAX_LINE_BYTES", 1000)
    chat = store.create_chat()
    from desktop_chat.store import StoreError

    with pytest.raises(StoreError) as err:
        store.append_message(chat.id, Message.new("user", "x" * 2000))
    assert err.value.kind == "too_large"
    assert store.load_chat(chat.id).messages == []


@pytest.mark.parametrize("tail", [b'{"type": "message", "at": 2.0, "mes', b"\0" * 300, b"\xd0"])
def test_a_torn_last_line_is_cut_off_and_the_next_append_starts_clean(data_dir: Path, tail: bytes) -> None:
    store = open_store(data_dir)
    chat = store.create_chat()
    msgs = add_turns(store, chat.id, 2)
    store.close()
    path = chat_path(data_dir, chat.id)
    good_size = path.stat().st_size
    with open(path, "ab") as f:
        f.write(tail)
    store = open_store(data_dir)
    assert store.report.quarantined == [] and store.report.repaired == []
    assert store.load_chat(chat.id).messages == msgs
    assert path.stat().st_size == good_size
    more = Message.new("user", "next")
    store.append_message(chat.id, more)
    store.close()
    assert open_store(data_dir).load_chat(chat.id).messages == [*msgs, more]


def test_a_complete_last_line_without_newline_is_kept(data_dir: Path) -> None:
    make_store_with_good_chat(data_dir)
    write_bad(data_dir, header() + message_line("one") + message_line("two").rstrip(b"\n"))
    store = open_store(data_dir)
    assert [m.text for m in store.load_chat(BAD_ID).messages] == ["one", "two"]
    store.append_message(BAD_ID, Message.new("user", "three"))
    store.close()
    again = open_store(data_dir)
    assert [m.text for m in again.load_chat(BAD_ID).messages] == ["one", "two", "three"]
    assert again.report.repaired == []
    again.close()


def test_damaged_drafts_file_is_quarantined(data_dir: Path) -> None:
    good_id, _ = make_store_with_good_chat(data_dir)
    (data_dir / "drafts.json").write_bytes(b"\0\0\0garbage")
    store = open_store(data_dir)
    assert "drafts.json" in store.report.quarantined[0][1]
    store.set_draft(good_id, "works again")
    assert store.get_draft(good_id) == "works again"
    store.close()


def test_damaged_search_index_is_rebuilt(data_dir: Path) -> None:
    _good_id, msgs = make_store_with_good_chat(data_dir)
    (data_dir / "search.v1.sqlite3").write_bytes(b"SQLite format 3\0" + b"\xff" * 5000)
    for extra in ("-wal", "-shm"):
        Path(str(data_dir / "search.v1.sqlite3") + extra).unlink(missing_ok=True)
    store = open_store(data_dir)
    assert {h.message_id for h in store.search("msg")} == {m.id for m in msgs}
    store.close()


def test_a_damaged_file_found_at_load_time(store: ChatStore, data_dir: Path) -> None:
    """Damage that appears while the app runs is handled at load_chat, and added to the report."""
    chat = store.create_chat()
    add_turns(store, chat.id, 2)
    path = chat_path(data_dir, chat.id)
    path.write_bytes(b"garbage\n")
    from desktop_chat.store import StoreError

    with pytest.raises(StoreError) as err:
        store.load_chat(chat.id)
    assert err.value.kind == "corrupt"
    assert store.report.quarantined and chat.id not in {s.id for s in store.list_chats()}
