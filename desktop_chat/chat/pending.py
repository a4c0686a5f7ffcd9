"""Replies asked for in economy mode (the asynchronous API), remembered until they are stored. No Qt.

An asynchronous reply can take minutes; the app may be closed meanwhile. Its operation id is written
here (write-temp, fsync, rename) before the app waits for it, and removed once the reply is in the chat,
so a restart picks the wait up again and the reply still arrives.

    pending.json: {"format": "desktop-chat-pending", "version": 1, "operations": [
        {"chat_id": "…", "operation_id": "…", "model": "yandexgpt-lite", "replaces": null, "started_at": 1.7e9,
         "kind": "text"},
        {"chat_id": "…", "operation_id": "…", "model": "yandex-art", "replaces": null, "started_at": 1.7e9,
         "kind": "picture", "drawing": {"prompt": "…", "aspect": "16:9", "seed": 42, "avoid": ""}}]}

`kind` is "text" (an economy-mode reply; the default when absent) or "picture" (a YandexART drawing, with
what was asked in `drawing`).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from desktop_chat import safe_json

log = logging.getLogger(__name__)

FILE_NAME = "pending.json"
FORMAT, VERSION = "desktop-chat-pending", 1
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class PendingReply:
    chat_id: str
    operation_id: str
    model: str
    replaces: str | None  # the message id this reply replaces (regenerate), if any
    started_at: float
    kind: str = "text"  # "text" (economy mode) | "picture" (YandexART)
    drawing: dict[str, Any] | None = None  # a picture's request: {"prompt", "aspect", "seed", "avoid"}


class PendingReplies:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self._lock = threading.Lock()

    def all(self) -> list[PendingReply]:
        with self._lock:
            return self._read()

    def add(self, reply: PendingReply) -> None:
        with self._lock:
            self._write([*(r for r in self._read() if r.operation_id != reply.operation_id), reply])

    def remove(self, operation_id: str) -> None:
        with self._lock:
            replies = self._read()
            kept = [r for r in replies if r.operation_id != operation_id]
            if len(kept) != len(replies):
                self._write(kept)

    def _read(self) -> list[PendingReply]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.warning("pending replies unreadable: %s", exc.strerror)
            return []
        if len(data) > MAX_BYTES:
            return []
        try:
            payload = safe_json.loads(data)
        except ValueError:
            log.warning("pending replies file is damaged; ignored")
            return []
        if not isinstance(payload, dict) or payload.get("format") != FORMAT or payload.get("version") != VERSION:
            return []
        replies = []
        for item in payload.get("operations") or []:
            if not isinstance(item, dict):
                continue
            try:
                drawing = item.get("drawing")
                reply = PendingReply(str(item["chat_id"]), str(item["operation_id"]), str(item["model"]),
                                     item.get("replaces") if isinstance(item.get("replaces"), str) else None,
                                     float(item.get("started_at", 0.0)),
                                     "picture" if item.get("kind") == "picture" else "text",
                                     dict(drawing) if isinstance(drawing, dict) else None)
            except (KeyError, TypeError, ValueError):
                continue
            replies.append(reply)
        return replies

    def _write(self, replies: list[PendingReply]) -> None:
        from desktop_chat.store.fileio import atomic_write

        body = {"format": FORMAT, "version": VERSION, "operations": [asdict(r) for r in replies]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"))
