"""The live model list kept on disk, so start-up and offline browsing need no network. No Qt.

The file is derived data: a damaged or unreadable one is ignored (the app falls back to the built-in table
and fetches again), never fatal. It is JSON a person can read:

    {"format": "desktop-chat-models", "version": 1, "fetched_at": "2026-11-30T10:00:00+00:00",
     "ids": ["gpt://b1g…/yandexgpt/rc", …]}

The raw `/v1/models` ids are kept (not entries), so a newer table applies to a cached list too. A file
written by a newer version is read for its `ids` (newer versions may only add fields) and never rewritten.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from desktop_chat import safe_json

log = logging.getLogger(__name__)

FORMAT = "desktop-chat-models"
VERSION = 1
FILE_NAME = "models.json"  # the usual name, in the app's cache or data folder
MAX_BYTES = 1_000_000  # a folder lists a few dozen models; anything this big is not our file
MAX_IDS = 1000
MAX_ID_LENGTH = 300


@dataclass(frozen=True)
class CachedList:
    """A `/v1/models` list as it was fetched."""

    live_ids: list[str]
    fetched_at: datetime  # timezone-aware
    newer: bool = False  # written by a newer version of the app: read it, do not overwrite it

    def age_seconds(self, now: datetime | None = None) -> float:
        return ((now or datetime.now(UTC)) - self.fetched_at).total_seconds()

    def is_for_folder(self, folder_id: str) -> bool:
        """The list was fetched for this folder (its ids name it): after a folder change, fetch again."""
        prefix = f"gpt://{folder_id.strip()}/"
        return any(i.startswith(prefix) for i in self.live_ids)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class CatalogueCache:
    """`load()` the cached list (None when there is none or it is damaged); `save()` a fresh one atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> CachedList | None:
        data = self._read()
        cached = _parse(data) if data is not None else None
        if data is not None and cached is None:
            log.warning("The model list cache %s is damaged; it is ignored", self.path)
        return cached

    def save(self, live_ids: list[str], fetched_at: datetime) -> bool:
        """Writes the list (temp file, fsync, rename: a crash leaves the old file or the new one).
        Returns False, keeping the file as it is, when it was written by a newer version or cannot be written."""
        if self._is_newer():
            return False
        ids = [i for i in live_ids if isinstance(i, str) and 0 < len(i) <= MAX_ID_LENGTH][:MAX_IDS]
        body = {"format": FORMAT, "version": VERSION, "fetched_at": _aware(fetched_at).isoformat(), "ids": ids}
        data = (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        from desktop_chat.store.fileio import atomic_write  # the store package is not needed to start up

        try:
            os.makedirs(self.path.parent, exist_ok=True)
            atomic_write(self.path, data, durable=True)
        except OSError as exc:
            log.warning("The model list cache %s could not be written: %s", self.path, exc.strerror)
            return False
        return True

    def _is_newer(self) -> bool:
        """Our format with a newer version, whether or not this version can read the rest of it."""
        data = self._read()
        try:
            body = safe_json.loads(data) if data else None
        except ValueError:
            return False
        version = body.get("version") if isinstance(body, dict) and body.get("format") == FORMAT else None
        return isinstance(version, int) and not isinstance(version, bool) and version > VERSION

    def _read(self) -> bytes | None:
        """The file's bytes; None when it is missing or unreadable; b"" (damaged) when it is too big."""
        try:
            with self.path.open("rb") as f:
                data = f.read(MAX_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("The model list cache %s could not be read: %s", self.path, exc.strerror)
            return None
        return data if len(data) <= MAX_BYTES else b""


def _parse(data: bytes) -> CachedList | None:
    try:
        body = safe_json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return None
    version, ids, stamp = body.get("version"), body.get("ids"), body.get("fetched_at")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return None
    if not isinstance(ids, list) or len(ids) > MAX_IDS or not isinstance(stamp, str):
        return None
    if not all(isinstance(i, str) and 0 < len(i) <= MAX_ID_LENGTH for i in ids):
        return None
    try:
        fetched_at = _aware(datetime.fromisoformat(stamp))
    except ValueError:
        return None
    return CachedList(live_ids=list(ids), fetched_at=fetched_at, newer=version > VERSION)
