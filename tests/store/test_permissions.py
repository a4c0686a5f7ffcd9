"""Folders and files the user may not write or read (issue 17, findings 3 and 7).

Root ignores permissions, and CI runs as root: the store runs in a child process as `nobody`
(setpriv), on a temp folder made for it. Nothing here is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.helpers import add_turns, open_store

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, sys
from desktop_chat.store import ChatStore, Message, StoreError
out = {}
def attempt(name, call):
    try:
        out[name] = ["ok", call()]
    except StoreError as exc:
        out[name] = [exc.kind, str(exc)]
store = ChatStore(sys.argv[1], auto_backup=False, search_in_background=False)
attempt("open", lambda: None)
try:
    store.open()
except StoreError as exc:
    out["open"] = [exc.kind, str(exc)]
    print(json.dumps(out)); sys.exit(0)
out["reason"] = store.read_only_reason
out["notes"] = store.report.notes
chats = store.list_chats()
out["titles"] = sorted(c.title for c in chats)
ids = {c.title: c.id for c in chats}
for title, chat_id in sorted(ids.items()):
    attempt("load " + title, lambda: [m.text for m in store.load_chat(chat_id).messages])
    attempt("export " + title, lambda: len(store.export_markdown(chat_id)) > 0)
for chat_id in sys.argv[2:]:
    attempt("load " + chat_id, lambda: len(store.load_chat(chat_id).messages))
attempt("search", lambda: [h.chat_title for h in store.search("turn")])
attempt("draft", lambda: store.get_draft(ids.get("alpha", "x")))
attempt("create", lambda: store.create_chat("new").id)
if ids:
    first = sorted(ids.items())[0][1]
    attempt("append", lambda: store.append_message(first, Message.new("user", "x")) and None)
    attempt("rename", lambda: store.rename_chat(first, "renamed"))
    attempt("delete", lambda: store.delete_chat(first))
attempt("set draft", lambda: store.set_draft("x", "y"))
attempt("import", lambda: store.import_json("{}"))
attempt("backup", lambda: str(store.backup_now()))
store.close()
print(json.dumps(out))
"""


def as_nobody(data_dir: Path, *extra: str) -> dict[str, object]:
    """Runs CHILD on data_dir as an unprivileged user (as the current user when not root)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to run these tests as root"
        prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    result = subprocess.run([*prefix, sys.executable, "-c", CHILD, str(data_dir), *extra],
                            capture_output=True, text=True, timeout=60, cwd="/",
                            env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": "/nonexistent"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A temp folder the unprivileged user can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="dc-perm-"))
    base.chmod(0o755)
    yield base
    for folder, _, _files in os.walk(base):
        os.chmod(folder, 0o755)
    shutil.rmtree(base, ignore_errors=True)


def make_store(data_dir: Path) -> dict[str, str]:
    store = open_store(data_dir)
    ids = {}
    for title in ("alpha", "beta"):
        chat = store.create_chat(title)
        add_turns(store, chat.id, 2, prefix=f"turn of {title}")
        ids[title] = chat.id
    store.set_draft(ids["alpha"], "unsent")
    store.close()
    return ids


def chmod_tree(path: Path, dirs: int, files: int) -> None:
    for folder, _, names in os.walk(path):
        os.chmod(folder, dirs)
        for name in names:
            os.chmod(os.path.join(folder, name), files)


def test_a_read_only_folder_opens_read_only(shared_dir: Path) -> None:
    data = shared_dir / "data"
    make_store(data)
    chmod_tree(data, 0o755, 0o644)  # owned by root: nobody may read, not write
    out = as_nobody(data)
    assert out["open"] == ["ok", None]
    reason = str(out["reason"])
    assert "cannot be written" in reason and "permission denied" in reason and str(data) in reason
    assert out["titles"] == ["alpha", "beta"]
    assert out["load alpha"] == ["ok", ["turn of alpha 0", "turn of alpha 1"]]
    assert out["export beta"] == ["ok", True]
    assert sorted(out["search"][1]) == ["alpha", "alpha", "beta", "beta"]  # type: ignore[index]
    assert out["draft"] == ["ok", "unsent"]
    for write in ("create", "append", "rename", "delete", "set draft", "import", "backup"):
        assert out[write] == ["read_only", reason], write
    assert not (data / "search.v1.sqlite3-journal").exists()


def test_a_read_only_folder_without_chats_yet(shared_dir: Path) -> None:
    data = shared_dir / "data"
    data.mkdir()
    out = as_nobody(data)
    assert out["open"] == ["ok", None] and out["titles"] == [] and out["reason"]
    assert out["create"][0] == "read_only"  # type: ignore[index]


def test_an_unreadable_folder_says_it_cannot_be_read(shared_dir: Path) -> None:
    data = shared_dir / "data"
    make_store(data)
    data.chmod(0o000)
    out = as_nobody(data)
    kind, message = out["open"]  # type: ignore[misc]
    assert kind == "io"
    assert "cannot be read" in message and "permission denied" in message and str(data) in message
    assert "create" not in message.lower()


def test_a_chat_file_the_user_cannot_read_says_so(shared_dir: Path) -> None:
    data = shared_dir / "data"
    ids = make_store(data)
    chmod_tree(data, 0o777, 0o666)  # nobody may write the folder...
    (data / "chats" / f"{ids['beta']}.jsonl").chmod(0o600)  # ...but not read this root-owned chat
    out = as_nobody(data, ids["beta"])
    assert out["reason"] == ""
    assert out["load alpha"][0] == "ok"  # type: ignore[index]
    assert out["load beta"] == ["io", "Cannot read this chat's file: permission denied"]
    # without an index entry the chat cannot be listed, but asking for it still says why
    (data / "index.v1.json").unlink()
    out = as_nobody(data, ids["beta"])
    assert "beta" not in out["titles"]  # type: ignore[operator]
    assert out[f"load {ids['beta']}"] == ["io", "Cannot read this chat's file: permission denied"]
    assert any("permission denied" in note for note in out["notes"])  # type: ignore[union-attr]
