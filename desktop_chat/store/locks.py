"""OS file locks, so several processes (the window, terminal commands) can share one data folder.

Each chat has a lock file `locks/<chat id>.lock`; drafts have `locks/drafts.lock`. The lock files
are separate from the files they guard because a compaction replaces the chat file (a new inode):
a lock on the chat file itself would be left behind on the old one.

- An append holds the chat's lock exclusively for one write + fsync, and checks the file's size
  and identity after taking it (another process may have written meanwhile).
- Reading a chat holds it shared, so it never sees another process's half-written line.
- Compaction, repair, migration, delete and restore hold it exclusively and re-read after taking it.

POSIX: `fcntl.flock` (whole-file, shared or exclusive, released when the fd is closed, also when
the process dies). Windows: `msvcrt.locking` on the first byte (exclusive only, so shared = exclusive).
flock locks belong to an open file, so one process must not take the same lock twice: the store
takes each chat's lock at one level only (its own threading lock serialises its threads).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from desktop_chat.store.fileio import ensure_dir

LOCKS_DIR = "locks"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int, exclusive: bool) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.01)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int, exclusive: bool) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockUnavailable(OSError):
    """The lock file could not be created or opened (a read-only folder, a symlink in its place)."""


@contextlib.contextmanager
def file_lock(path: Path, *, exclusive: bool = True) -> Iterator[None]:
    """Holds an OS lock on `path` (created if missing, never followed if it is a symlink)."""
    # Read-only is enough to lock (flock, LockFile), and works on a lock file another user made.
    flags = os.O_RDONLY | os.O_CREAT | _NOFOLLOW | _BINARY
    try:
        try:
            fd = os.open(path, flags, 0o644)
        except FileNotFoundError:  # the locks folder was removed: make it again
            ensure_dir(path.parent)
            fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise LockUnavailable(exc.errno, exc.strerror, str(path)) from None
    try:
        _lock(fd, exclusive)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


class StoreLocks:
    """The lock files of one data folder. `enabled=False` (a read-only folder, where nothing is
    written) makes every lock a no-op."""

    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / LOCKS_DIR
        self.enabled = True

    def chat(self, chat_id: str, *, exclusive: bool = True) -> contextlib.AbstractContextManager[None]:
        if not self.enabled:
            return contextlib.nullcontext()
        return file_lock(self.dir / f"{chat_id}.lock", exclusive=exclusive)

    def drafts(self) -> contextlib.AbstractContextManager[None]:
        if not self.enabled:
            return contextlib.nullcontext()
        return file_lock(self.dir / "drafts.lock", exclusive=True)

    def forget(self, chat_ids: set[str]) -> None:
        """Removes the lock files of purged chats (nobody can use a purged chat any more)."""
        for chat_id in chat_ids:
            with contextlib.suppress(OSError):
                (self.dir / f"{chat_id}.lock").unlink()
