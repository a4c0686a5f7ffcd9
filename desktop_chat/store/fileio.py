"""Low-level file writes that survive a crash: atomic replace and durable append."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from desktop_chat.store.errors import StoreError

# Windows opens fds in text mode unless told otherwise, which would turn "\n" into "\r\n".
_BINARY = getattr(os, "O_BINARY", 0)
# Never follow a symlink inside the data folder when writing (it could point anywhere).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
TEMP_SUFFIX = ".tmp"


def fsync_dir(path: Path) -> None:
    """Makes a rename or a new file in `path` durable. Windows cannot open a folder; NTFS
    journals renames itself, so there is nothing to do there."""
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_dir(path: Path) -> bool:
    """Creates `path` (and missing parents) so that it survives a power loss: each new folder
    and the folder holding it are fsynced. Returns True when something was created."""
    if path.is_dir():
        return False
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue
        fsync_dir(folder)
        fsync_dir(folder.parent)
    if not path.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(path))
    return bool(missing)


def is_link(path: Path) -> bool:
    try:
        return os.path.islink(path)
    except OSError:
        return False


def read_nofollow(path: Path) -> bytes:
    """A file's bytes; a symlink is refused (OSError ELOOP) instead of followed."""
    fd = os.open(path, os.O_RDONLY | NOFOLLOW | _BINARY)
    with os.fdopen(fd, "rb") as f:
        return f.read()


def file_id(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def replace(source: str | Path, target: Path) -> None:
    """os.replace, retried briefly: on Windows it fails while another handle (an antivirus, the
    backup thread, the search indexer) has the target open."""
    for attempt in range(5):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replaces `path` with `data`: a reader (or a crash) sees the old file or the new one, never half.

    Write a temp file in the same folder, fsync it, os.replace it over the target, fsync the folder.
    `durable=False` skips the fsyncs for derived files (the index) that are rebuilt when lost.
    """
    fd, temp_name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    if durable:
        fsync_dir(path.parent)


class FileChanged(Exception):
    """The file is not the size we last saw: something else wrote to it. Re-read before writing."""


def append_durably(path: Path, data: bytes, expected_size: int,
                   expected_id: tuple[int, int] | None = None) -> os.stat_result:
    """Appends `data` to `path` and fsyncs; returns the file's new stat.

    `expected_size` is what the caller believes the file's size is. If it differs, the file was
    changed behind our back (another program, another copy of the app) and appending would glue
    onto bytes we have not seen: raise FileChanged so the caller re-reads it instead. So does a
    different file (`expected_id`: another process compacted it). The caller holds the chat's lock.
    A symlink is never opened (O_NOFOLLOW): StoreError("io").
    On a failed write the file is cut back to its old size, so no torn line is left behind.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | NOFOLLOW | _BINARY)
    except FileNotFoundError:
        raise StoreError("not_found", f"the chat file {path.name} is missing") from None
    except OSError as exc:
        if is_link(path):
            raise StoreError("io", f"{path.name} is a symbolic link; the app does not write through links"
                             ) from None
        raise StoreError("io", f"could not open {path.name} for writing: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        size = st.st_size
        if size != expected_size or (expected_id is not None and file_id(st) != expected_id):
            raise FileChanged(path.name)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
                os.fsync(fd)
            raise StoreError("io", f"could not write to {path.name}: {exc.strerror}") from None
        return os.fstat(fd)
    finally:
        os.close(fd)


def copy_durably(source: Path, target: Path) -> None:
    """Copies a file (contents and times) and makes the copy durable before returning."""
    temp = target.with_name("." + target.name + TEMP_SUFFIX)
    shutil.copy2(source, temp, follow_symlinks=False)
    with open(temp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(temp, target)
    fsync_dir(target.parent)


def json_bytes(obj: object, *, indent: int | None = None) -> bytes:
    """JSON as readable UTF-8; text with a lone surrogate (not encodable) falls back to \\u escapes."""
    try:
        return json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, indent=indent, allow_nan=False).encode("ascii")
