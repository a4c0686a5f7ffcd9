"""Unsent text per chat, in one small JSON file rewritten atomically on each change.

The UI calls set_draft debounced (every second or so while typing), so a whole-file rewrite is
fine: the file holds only the chats that have a draft.
"""

from __future__ import annotations

import json
from pathlib import Path

from desktop_chat.store.fileio import atomic_write, json_bytes

DRAFTS_FORMAT = "desktop-chat/drafts"
DRAFTS_VERSION = 1
DRAFTS_NAME = "drafts.json"


class DraftsFileError(Exception):
    """drafts.json cannot be read; the reason is in plain words."""


class Drafts:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.drafts: dict[str, str] = {}
        # A drafts file from a newer version is never rewritten: drafts then live for this session only.
        self.read_only = False

    def load(self) -> None:
        """Reads the file (a missing file is no drafts). Raises DraftsFileError when it is damaged."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except IsADirectoryError:
            raise DraftsFileError("drafts.json is a folder, not a file") from None
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise DraftsFileError("drafts.json is not valid JSON") from None
        if not isinstance(doc, dict) or doc.get("format") != DRAFTS_FORMAT:
            raise DraftsFileError("drafts.json is not a Desktop Chat drafts file")
        version = doc.get("version")
        if not isinstance(version, int) or version < 1:
            raise DraftsFileError("drafts.json has no valid format version")
        if version > DRAFTS_VERSION:
            self.read_only = True
        drafts = doc.get("drafts")
        if not isinstance(drafts, dict):
            raise DraftsFileError("drafts.json has no drafts map")
        self.drafts = {k: v for k, v in drafts.items() if isinstance(k, str) and isinstance(v, str)}

    def text(self, chat_id: str) -> str:
        return self.drafts.get(chat_id, "")

    def put(self, chat_id: str, text: str) -> None:
        if self.drafts.get(chat_id, "") == text:
            return
        before = dict(self.drafts)
        if text:
            self.drafts[chat_id] = text
        else:
            self.drafts.pop(chat_id, None)
        try:
            self.save()
        except OSError:
            # Memory must say what the disk says, or a retry would think the draft is saved.
            self.drafts = before
            raise

    def forget(self, chat_ids: set[str]) -> None:
        """Drops drafts of chats that no longer exist (purged from the trash)."""
        if chat_ids & self.drafts.keys():
            for chat_id in chat_ids:
                self.drafts.pop(chat_id, None)
            self.save()

    def save(self) -> None:
        if self.read_only:
            return
        doc = {"format": DRAFTS_FORMAT, "version": DRAFTS_VERSION, "drafts": self.drafts}
        atomic_write(self.path, json_bytes(doc, indent=1))
