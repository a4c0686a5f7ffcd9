"""Attachment files: `attachments/<sha256[:2]>/<sha256><suffix>`, one copy per content.

A file is written like every whole-file write of the store (temp file in the same folder, fsync, rename,
fsync of the folder, and of the new sub-folder and its parent), BEFORE the message that references it is
appended, so an acknowledged message never points at a missing file. Writing content that is already
there costs a stat. Files nothing references (a deleted chat purged from the trash, or a crash between
writing the file and the message) are removed by `collect_garbage`, never younger than a day.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import NOFOLLOW, TEMP_SUFFIX, atomic_write, ensure_dir, fsync_dir
from desktop_chat.store.model import Attachment

ATTACHMENTS_DIR = "attachments"
GRACE_SECONDS = 24 * 3600  # an unreferenced file younger than this may belong to a message being sent
_SHA_IN_TEXT = re.compile(rb'"sha256":"([0-9a-f]{64})"')
SUFFIX_OF_MIME = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif",
                  "application/pdf": ".pdf",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
                  "application/vnd.oasis.opendocument.text": ".odt", "text/markdown": ".md", "text/csv": ".csv",
                  "application/json": ".json", "text/html": ".html", "text/plain": ".txt"}


def suffix_of(mime: str) -> str:
    return SUFFIX_OF_MIME.get(mime, ".bin")


class BlobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str, mime: str) -> Path:
        return self.folder / sha256[:2] / (sha256 + suffix_of(mime))

    def put(self, data: bytes, mime: str, sha256: str | None = None) -> str:
        """Stores `data` durably (once per content); returns its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        if sha256 is not None and sha256 != digest:
            raise StoreError("invalid", "an attachment's bytes do not match its sha256")
        target = self.path(digest, mime)
        try:
            st = os.stat(target, follow_symlinks=False)
            if st.st_size == len(data) and os.path.isfile(target) and not os.path.islink(target):
                os.utime(target, follow_symlinks=False)  # young again: garbage collection waits a day
                return digest
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StoreError("io", f"could not save the attachment: {exc.strerror}") from None
        try:
            ensure_dir(target.parent)
            atomic_write(target, data)
        except OSError as exc:
            raise StoreError("io", f"could not save the attachment: {exc.strerror}") from None
        return digest

    def read(self, ref: Attachment) -> bytes:
        """The file's bytes, checked against its sha256; StoreError("not_found"/"corrupt"/"io")."""
        path = self.path(ref.sha256, ref.mime)
        try:
            fd = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_BINARY", 0))
            with os.fdopen(fd, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise StoreError("not_found", f"the file “{ref.name}” is missing from the data folder") from None
        except OSError as exc:
            raise StoreError("io", f"could not read the file “{ref.name}”: {exc.strerror}") from None
        if hashlib.sha256(data).hexdigest() != ref.sha256:
            raise StoreError("corrupt", f"the stored file “{ref.name}” is damaged")
        return data

    def exists(self, ref: Attachment) -> bool:
        return os.path.isfile(self.path(ref.sha256, ref.mime))

    def all_files(self) -> list[Path]:
        try:
            return [p for sub in self.folder.iterdir() if sub.is_dir() and not sub.is_symlink()
                    for p in sub.iterdir()]
        except FileNotFoundError:
            return []

    def collect_garbage(self, referenced: set[str], now: float | None = None) -> int:
        """Removes files no chat (live or in the trash) references and older than a day; returns how many."""
        cutoff = (time.time() if now is None else now) - GRACE_SECONDS
        removed = 0
        for path in self.all_files():
            sha = path.name.split(".", 1)[0]
            stale_temp = path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)
            if sha in referenced and not stale_temp:
                continue
            with contextlib.suppress(OSError):
                if os.stat(path, follow_symlinks=False).st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        if removed:
            with contextlib.suppress(OSError):
                for sub in self.folder.iterdir():
                    with contextlib.suppress(OSError):
                        sub.rmdir()  # only if empty
                fsync_dir(self.folder)
        return removed


def referenced_hashes(files: Iterable[Path]) -> set[str]:
    """Every attachment sha256 named in these chat files (a byte scan: no JSON parsing needed)."""
    found: set[str] = set()
    for path in files:
        with contextlib.suppress(OSError):
            if not path.is_symlink():
                found.update(m.decode() for m in _SHA_IN_TEXT.findall(path.read_bytes()))
    return found
