"""Deleted chats: `trash/<chat id>.<deleted at>.jsonl`, restorable until purged after `trash_days`."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from desktop_chat.store.chatfile import CHAT_SUFFIX
from desktop_chat.store.fileio import ensure_dir, fsync_dir

DAY = 24 * 3600


def trash_files(trash_dir: Path, chat_id: str | None = None) -> list[tuple[float, Path]]:
    """(deleted at, path) of chats in the trash, oldest first; only chat_id's when given."""
    found: list[tuple[float, Path]] = []
    try:
        paths = list(trash_dir.iterdir())
    except FileNotFoundError:
        return []
    for path in paths:
        parts = path.name.split(".")
        if len(parts) != 3 or "." + parts[2] != CHAT_SUFFIX or not parts[1].isdigit() or len(parts[1]) > 15:
            continue
        if chat_id is None or parts[0] == chat_id:
            found.append((float(parts[1]), path))
    found.sort()
    return found


def move_to_trash(source: Path, trash_dir: Path, chat_id: str) -> Path:
    """Moves a chat file into the trash; durable (both folders fsynced) when it returns."""
    ensure_dir(trash_dir)
    target = trash_dir / f"{chat_id}.{int(time.time())}{CHAT_SUFFIX}"
    os.replace(source, target)
    fsync_dir(trash_dir)
    fsync_dir(source.parent)
    return target


def restore_from_trash(trash_dir: Path, chat_id: str, target: Path) -> bool:
    """Moves the newest deletion of `chat_id` back to `target`; False when none is in the trash."""
    candidates = trash_files(trash_dir, chat_id)
    if not candidates:
        return False
    os.replace(candidates[-1][1], target)
    fsync_dir(target.parent)
    fsync_dir(trash_dir)
    return True


def purge_trash(trash_dir: Path, trash_days: float, chats_dir: Path) -> set[str]:
    """Deletes chats that have been in the trash longer than `trash_days`; returns the ids of those
    that are now gone for good (not also live in `chats_dir`), whose drafts and lock files can go."""
    cutoff = time.time() - trash_days * DAY
    purged: set[str] = set()
    for deleted_at, path in trash_files(trash_dir):
        if deleted_at < cutoff:
            with contextlib.suppress(OSError):
                path.unlink()
                purged.add(path.name.split(".")[0])
    if purged:
        with contextlib.suppress(OSError):
            fsync_dir(trash_dir)
    return {chat_id for chat_id in purged if not os.path.lexists(chats_dir / (chat_id + CHAT_SUFFIX))}
