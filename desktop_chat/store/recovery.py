"""Reading a chat file and leaving it healthy; quarantine; the data folder's start-up checks.

A torn last line (crash) is cut off, a damaged file keeps its good lines (the original goes to
quarantine), a mostly superseded file is compacted. Every change to a chat file here happens with
the chat's lock held exclusively and on what was read under that lock (see locks.py), so an append
by another process is never thrown away.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.store.chatfile import (
    CHAT_SUFFIX,
    ChatRead,
    CorruptChatFile,
    chat_file_bytes,
    read_chat_file,
    replay,
)
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import (
    TEMP_SUFFIX,
    append_durably,
    atomic_write,
    copy_durably,
    ensure_dir,
    fsync_dir,
    is_link,
    read_nofollow,
)
from desktop_chat.store.locks import StoreLocks
from desktop_chat.store.migrations import LEGACY_SUFFIX, convert_v0, legacy_chat_files
from desktop_chat.store.model import OpenReport, is_valid_id

log = logging.getLogger(__name__)

MOVED_TO_QUARANTINE = "This chat's file is damaged and was moved to the quarantine folder."
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)


@dataclass
class Unusable:
    """A chat file that cannot be used; `move`: quarantine it (else it is left alone, e.g. no permission)."""

    reason: str
    move: bool
    kind: str = "corrupt"


def why_unreadable(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def read_chat(path: Path, chat_id: str) -> ChatRead | Unusable | None:
    """Reads one chat file; None when it does not exist."""
    try:
        return read_chat_file(path, chat_id)
    except FileNotFoundError:
        return None
    except CorruptChatFile as exc:
        return Unusable(str(exc), move=True)
    except OSError as exc:
        if is_link(path):
            return Unusable("the chat file is a symbolic link; the app does not follow links", move=True)
        if isinstance(exc, IsADirectoryError):
            return Unusable("a folder is where a chat file should be", move=True)
        return Unusable(f"cannot read this chat's file: {why_unreadable(exc)}", move=False, kind="io")


def needs_tidy(read: ChatRead) -> bool:
    if read.log.read_only:  # written by a newer version: never touched
        return False
    return bool(read.damage) or read.torn_tail or read.unterminated or read.log.should_compact()


def tidy(read: ChatRead, quarantine_dir: Path, report: OpenReport) -> ChatRead:
    """Repairs / compacts a chat file. The caller holds the chat's lock exclusively and `read`
    was read under it. Raises OSError when the folder cannot be written (then: retry next time)."""
    chat = read.log
    path = chat.path
    if read.damage:
        reason = "damaged lines were dropped, the rest kept: " + "; ".join(read.damage[:5])
        if len(read.damage) > 5:
            reason += f"; and {len(read.damage) - 5} more"
        quarantine(path, reason, quarantine_dir, report, keep_original=True)
        report.repaired.append(chat.chat_id)
        read = rewrite(read)
    elif read.torn_tail:
        # The last write was cut off by a crash; it was never acknowledged. Cut it away so the
        # next append starts on a clean line.
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        try:
            os.ftruncate(fd, read.good_end)
            os.fsync(fd)
        finally:
            os.close(fd)
        read.file_size, read.torn_tail = read.good_end, False
        report.notes.append(f"chat {chat.chat_id}: an unfinished last line was removed")
    elif read.unterminated:
        append_durably(path, b"\n", read.file_size, chat.file_id)
        read.file_size, read.unterminated = read.file_size + 1, False
    if read.log.should_compact():
        read = rewrite(read)
    return read


def rewrite(read: ChatRead) -> ChatRead:
    """Atomically replaces a chat file with only its live content (compaction / repair)."""
    chat = read.log
    data = chat_file_bytes(chat.chat_id, chat.created_at, chat.title, chat.pinned, chat.settings,
                           read.messages)
    atomic_write(chat.path, data)
    return replay(data, chat.path, chat.chat_id)


def quarantine(path: Path, reason: str, quarantine_dir: Path, report: OpenReport, *,
               keep_original: bool = False) -> Path:
    """Moves (or copies, with keep_original) a file that cannot be used into quarantine/, next
    to a .why.txt saying why, and reports it. A symlink is moved itself, never followed."""
    ensure_dir(quarantine_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = quarantine_dir / f"{stamp}-{path.name}"
    counter = 1
    while os.path.lexists(target):
        counter += 1
        target = quarantine_dir / f"{stamp}-{counter}-{path.name}"
    if keep_original:
        copy_durably(path, target)
    else:
        os.replace(path, target)
        fsync_dir(path.parent)
    with contextlib.suppress(OSError):
        (target.parent / (target.name + ".why.txt")).write_text(reason + "\n", encoding="utf-8")
    fsync_dir(quarantine_dir)
    log.warning("quarantined %s: %s", path, reason)
    report.quarantined.append((target, reason))
    return target


def _cannot_read(folder: Path, exc: OSError, what: str) -> StoreError:
    return StoreError("io", f"The {what} {folder} cannot be read: {why_unreadable(exc)}. "
                            "Check that this account may open it, or choose another data folder.")


def prepare_folders(data_dir: Path, chats_dir: Path, others: tuple[Path, ...]) -> str:
    """Creates the data folder's layout (fsyncing every new folder and its parent) and checks that
    it can be written. Returns "" when it can, else why not in plain words (the store then opens
    read-only). Raises StoreError("io") when the folder cannot be read or created at all."""
    for folder, what in ((data_dir, "data folder"), (chats_dir, "chats folder")):
        try:
            with os.scandir(folder):  # opening it is the test; listing 10,000 names would only cost time
                pass
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            raise StoreError("io", f"The {what} {folder} is a file, not a folder.") from None
        except OSError as exc:
            raise _cannot_read(folder, exc, what) from None
    try:
        ensure_dir(data_dir)
    except OSError as exc:
        raise StoreError("io", f"Cannot create the data folder {data_dir}: {why_unreadable(exc)}.") from None
    try:
        for folder in (chats_dir, *others):
            ensure_dir(folder)
        for folder in (data_dir, chats_dir):  # can we really write there? (root, ACLs, read-only mounts)
            fd, probe = tempfile.mkstemp(prefix=".probe-", suffix=TEMP_SUFFIX, dir=folder)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        if exc.errno not in _DENIED and not isinstance(exc, FileNotFoundError):
            raise StoreError("io", f"Cannot prepare the data folder {data_dir}: {why_unreadable(exc)}."
                             ) from None
        why = "the disk is mounted read-only" if exc.errno == errno.EROFS else why_unreadable(exc)
        return (f"The data folder {data_dir} cannot be written ({why}). Chats can be read, searched "
                "and exported, but not changed.")
    return ""


def migrate_legacy_files(chats_dir: Path, migrations_dir: Path, quarantine_dir: Path, report: OpenReport,
                         locks: StoreLocks) -> None:
    """Upgrades v0 chat files (one JSON document each): back up, write the new file, remove the old;
    under the chat's lock, re-checking after taking it (another process may have upgraded it)."""
    for old in legacy_chat_files(chats_dir):
        chat_id = old.name[: -len(LEGACY_SUFFIX)]
        try:
            if not is_valid_id(chat_id):
                quarantine(old, "an old-format file whose name is not a chat id", quarantine_dir, report)
                continue
            if is_link(old):
                quarantine(old, "an old-format chat file that is a symbolic link (links are not followed)",
                           quarantine_dir, report)
                continue
            target = chats_dir / (chat_id + CHAT_SUFFIX)
            with locks.chat(chat_id, exclusive=True):
                if not os.path.lexists(old):  # upgraded by another process meanwhile
                    continue
                if os.path.lexists(target):  # a crash after writing the new file: the backup was made first
                    old.unlink()
                    fsync_dir(chats_dir)
                    continue
                try:
                    data = convert_v0(read_nofollow(old), chat_id)
                except StoreError as exc:
                    quarantine(old, str(exc), quarantine_dir, report)
                    continue
                ensure_dir(migrations_dir)
                copy_durably(old, migrations_dir / f"{old.name}.v0.{int(time.time())}.bak")
                atomic_write(target, data)
                old.unlink()
                fsync_dir(chats_dir)
                report.migrated.append(chat_id)
        except OSError as exc:
            report.notes.append(f"could not upgrade {old.name}: {exc.strerror}")
