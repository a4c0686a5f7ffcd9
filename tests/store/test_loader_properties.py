"""Property tests of every loader (issue 17): any input gives a value or the layer's own error,
never another exception (RecursionError, OverflowError, ValueError, TypeError, KeyError...)."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.settings import Settings, SettingsStore
from desktop_chat.store import StoreError
from desktop_chat.store.chatfile import BadLine, CorruptChatFile, parse_header, parse_line, replay
from desktop_chat.store.drafts import DraftsFileError, parse_drafts
from desktop_chat.store.export import parse_export
from desktop_chat.store.index import load_index
from desktop_chat.store.migrations import convert_v0
from desktop_chat.store.model import MAX_TIME

CHAT_ID = "a" * 32
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
                    st.floats(allow_nan=True, allow_infinity=True), st.just(10**400))
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)

KEYS = ["format", "version", "id", "created_at", "updated_at", "type", "at", "message", "role", "text", "status",
        "usage", "settings", "title", "pinned", "message_id", "replaces", "chats", "size", "mtime_ns",
        "message_count", "read_only", "drafts", "chat", "messages", "content", "timestamp", "system_prompt",
        "model", "temperature", "max_tokens", "ui_state", "theme", "language"]
GOOD = {"format": "desktop-chat/chat", "version": 1, "id": CHAT_ID, "role": "user", "type": "message"}


def shaped(known: dict[str, object]) -> st.SearchStrategy[object]:
    """JSON objects with the loaders' own keys, holding good values or anything at all."""
    leaf = st.one_of(values, st.sampled_from(list(known.values()) or [None]))
    return st.recursive(
        st.dictionaries(st.sampled_from(KEYS), leaf, max_size=8),
        lambda inner: st.dictionaries(st.sampled_from(KEYS), st.one_of(leaf, inner, st.lists(inner, max_size=3)),
                                      max_size=8),
        max_leaves=30)


def dump(obj: object) -> bytes:
    return json.dumps(obj, allow_nan=True, default=str).encode()


def raw_documents(known: dict[str, object]) -> st.SearchStrategy[bytes]:
    """Bytes: garbage, JSON with poisoned numbers, deep nesting, or shaped documents."""
    return st.one_of(
        st.binary(max_size=300),
        shaped(known).map(dump),
        values.map(dump),
        st.integers(min_value=1, max_value=5000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(min_value=1, max_value=5000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    )


def check_times(*times: float) -> None:
    for t in times:
        assert 0 <= t <= MAX_TIME
        time.localtime(t)


@SETTINGS
@given(header=raw_documents(GOOD), lines=st.lists(raw_documents(GOOD), max_size=5))
def test_chat_files(header: bytes, lines: list[bytes]) -> None:
    data = header.replace(b"\n", b" ") + b"\n" + b"\n".join(line.replace(b"\n", b" ") for line in lines)
    try:
        read = replay(data, Path("x.jsonl"), CHAT_ID)
    except CorruptChatFile:
        return
    check_times(read.log.created_at, read.log.updated_at, *(m.created_at for m in read.messages))
    read.log.summary()


@SETTINGS
@given(raw=raw_documents(GOOD))
def test_chat_lines_and_headers(raw: bytes) -> None:
    with contextlib.suppress(BadLine):
        parse_line(raw)
    try:
        header, _ = parse_header(raw + b"\n", CHAT_ID)
        check_times(header["created_at"])
    except CorruptChatFile:
        pass


@SETTINGS
@given(raw=raw_documents({"format": "desktop-chat/index", "version": 1}),
       chats=st.dictionaries(st.sampled_from([CHAT_ID, "b" * 32, "../x", ""]), shaped({"title": "t"}), max_size=3))
def test_index(tmp_path_factory: object, raw: bytes, chats: dict[str, object]) -> None:
    path = Path(tmp_path_factory.mktemp("index")) / "index.v1.json"  # type: ignore[attr-defined]
    for content in (raw, dump({"format": "desktop-chat/index", "version": 1, "chats": chats})):
        path.write_bytes(content)
        entries = load_index(path)
        for entry in (entries or {}).values():
            check_times(entry.summary.created_at, entry.summary.updated_at)
            assert entry.size >= 0


@SETTINGS
@given(raw=raw_documents({"format": "desktop-chat/drafts", "version": 1}),
       drafts=values)
def test_drafts(raw: bytes, drafts: object) -> None:
    for content in (raw, dump({"format": "desktop-chat/drafts", "version": 1, "drafts": drafts})):
        try:
            parsed, _ = parse_drafts(content)
        except DraftsFileError:
            continue
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in parsed.items())


@SETTINGS
@given(raw=raw_documents({"version": 2, "theme": "dark", "temperature": 0.5}))
def test_settings(tmp_path_factory: object, raw: bytes) -> None:
    folder = Path(tmp_path_factory.mktemp("config"))  # type: ignore[attr-defined]
    (folder / "settings.json").write_bytes(raw)
    store = SettingsStore(folder)
    loaded = store.load()  # never raises
    assert isinstance(loaded, Settings)
    if not store.read_only:
        store.save(loaded)  # what was loaded can be saved again


@SETTINGS
@given(raw=raw_documents({"format": "desktop-chat/export", "version": 1}),
       chat=shaped({"role": "user", "id": "m1", "text": "x", "created_at": 1.0}))
def test_imports(raw: bytes, chat: object) -> None:
    shaped_doc = dump({"format": "desktop-chat/export", "version": 1, "chat": chat}).decode()
    texts = [raw.decode("utf-8", "replace"), shaped_doc]
    for text in texts:
        try:
            imported = parse_export(text)
        except StoreError as exc:
            assert exc.kind == "bad_import"
            continue
        check_times(imported.created_at, *(m.created_at for m in imported.messages))


@SETTINGS
@given(raw=raw_documents({"role": "user", "content": "x"}), doc=shaped({"role": "user", "content": "x"}))
def test_legacy_files(raw: bytes, doc: object) -> None:
    for content in (raw, dump(doc)):
        try:
            data = convert_v0(content, CHAT_ID)
        except StoreError as exc:
            assert exc.kind == "corrupt"
            continue
        read = replay(data, Path("x.jsonl"), CHAT_ID)
        assert not read.damage
