"""Unsent text per chat, in one small JSON file rewritten atomically on each change.

The UI calls set_draft debounced (every second or so while typing), so a whole-file rewrite is
fine: the file holds only the chats that have a draft.

Several processes may share the file: a change re-reads it under the drafts lock and changes only
its own chat's key, so one window's draft never overwrites another's (merge per key, not
last-writer-wins).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_chat import safe_json
from desktop_chat.store.fileio import atomic_write, json_bytes, read_nofollow

DRAFTS_FORMAT = "desktop-chat/drafts"
DRAFTS_VERSION = 1
DRAFTS_NAME = "drafts.json"
MAX_DRAFTS_BYTES = 64 * 1024 * 1024


class DraftsFileError(Exception):
    """drafts.json cannot be read; the reason is in plain words."""


def parse_drafts(data: bytes) -> tuple[dict[str, str], bool]:
    """(drafts, read_only) from the file's bytes; raises DraftsFileError."""
    if len(data) > MAX_DRAFTS_BYTES:
        raise DraftsFileError("drafts.json is far too large")
    try:
        doc: Any = safe_json.loads(data)
    except ValueError:
        raise DraftsFileError("drafts.json is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != DRAFTS_FORMAT:
        raise DraftsFileError("drafts.json is not a Desktop Chat drafts file")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DraftsFileError("drafts.json has no valid format version")
    drafts = doc.get("drafts")
    if not isinstance(drafts, dict):
        raise DraftsFileError("drafts.json has no drafts map")
    return {k: v for k, v in drafts.items() if isinstance(k, str) and isinstance(v, str)}, version > DRAFTS_VERSION


class Drafts:
    def __init__(self, path: Path, lock: Callable[[], contextlib.AbstractContextManager[None]] | None = None
                 ) -> None:
        self.path = path
        self.drafts: dict[str, str] = {}
        # A drafts file from a newer version is never rewritten: drafts then live for this session only.
        self.read_only = False
        self._lock = lock or contextlib.nullcontext
        self._seen: tuple[int, int, int] | None = None  # (size, mtime_ns, inode) of the file last read

    def load(self) -> None:
        """Reads the file (a missing file is no drafts). Raises DraftsFileError when it is damaged."""
        self.drafts, self.read_only = self._read()

    def _read(self) -> tuple[dict[str, str], bool]:
        try:
            st = os.stat(self.path, follow_symlinks=False)
            data = read_nofollow(self.path)
        except FileNotFoundError:
            self._seen = None
            return {}, False
        except IsADirectoryError:
            raise DraftsFileError("drafts.json is a folder, not a file") from None
        except OSError:
            if os.path.islink(self.path):
                raise DraftsFileError("drafts.json is a symbolic link; links are not followed") from None
            raise
        self._seen = (st.st_size, st.st_mtime_ns, st.st_ino)
        return parse_drafts(data)

    def refresh(self) -> None:
        """Re-reads the file if another process changed it (a cheap stat otherwise)."""
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return
        if self._seen != (st.st_size, st.st_mtime_ns, st.st_ino):
            with contextlib.suppress(OSError, DraftsFileError):
                self.drafts, self.read_only = self._read()

    def text(self, chat_id: str) -> str:
        return self.drafts.get(chat_id, "")

    def put(self, chat_id: str, text: str) -> None:
        self._change({chat_id: text})

    def forget(self, chat_ids: set[str]) -> None:
        """Drops drafts of chats that no longer exist (purged from the trash)."""
        if chat_ids & self.drafts.keys():
            self._change(dict.fromkeys(chat_ids, ""))

    def _change(self, changes: dict[str, str]) -> None:
        """Applies `changes` ("" = remove) to what the file holds now, under the drafts lock."""
        with self._lock():
            try:
                current, read_only = self._read()
            except DraftsFileError:
                current, read_only = dict(self.drafts), self.read_only  # damaged meanwhile: ours wins
            merged = dict(current)
            for chat_id, text in changes.items():
                if text:
                    merged[chat_id] = text
                else:
                    merged.pop(chat_id, None)
            if merged != current and not (read_only or self.read_only):
                # Memory must say what the disk says, or a retry would think the draft is saved:
                # on failure this raises before memory changes.
                self._save(merged)
            self.drafts = merged
            self.read_only = self.read_only or read_only

    def save(self) -> None:
        with self._lock():
            self._save(self.drafts)

    def _save(self, drafts: dict[str, str]) -> None:
        if self.read_only:
            return
        doc = {"format": DRAFTS_FORMAT, "version": DRAFTS_VERSION, "drafts": drafts}
        atomic_write(self.path, json_bytes(doc, indent=1))
        with contextlib.suppress(OSError):
            st = os.stat(self.path, follow_symlinks=False)
            self._seen = (st.st_size, st.st_mtime_ns, st.st_ino)


def open_drafts(path: Path, lock: Callable[[], contextlib.AbstractContextManager[None]]) -> tuple[Drafts, str]:
    """The drafts in `path`, and "" or why they could not be read (then they start empty)."""
    drafts = Drafts(path, lock)
    try:
        drafts.load()
    except DraftsFileError as exc:
        return Drafts(path, lock), str(exc)
    except OSError as exc:
        return Drafts(path, lock), f"drafts.json cannot be read: {exc.strerror}"
    return drafts, ""
