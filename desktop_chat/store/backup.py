"""Rolling zip backups of the chat files and drafts, in `<data_dir>/backups/`."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from desktop_chat.store.fileio import TEMP_SUFFIX, ensure_dir, fsync_dir

log = logging.getLogger(__name__)

BACKUP_PREFIX = "chats-"
BACKUP_SUFFIX = ".zip"


def list_backups(backups_dir: Path) -> list[Path]:
    """Oldest first (the names carry the time, so name order is time order)."""
    if not backups_dir.is_dir():
        return []
    return sorted(p for p in backups_dir.iterdir()
                  if p.name.startswith(BACKUP_PREFIX) and p.name.endswith(BACKUP_SUFFIX) and p.is_file())


def newest_backup_age(backups_dir: Path, now: float | None = None) -> float | None:
    backups = list_backups(backups_dir)
    if not backups:
        return None
    return (time.time() if now is None else now) - backups[-1].stat().st_mtime


def files_to_back_up(chats_dir: Path, suffix: str, drafts: Path) -> list[tuple[Path, str]]:
    """(path, name in the zip) of every chat file (not symlinks: never followed) and the drafts."""
    files = [(p, f"{chats_dir.name}/{p.name}") for p in sorted(chats_dir.glob("*" + suffix))
             if not p.is_symlink()]
    return [*files, (drafts, drafts.name)]


def make_backup(data_dir: Path, files: list[tuple[Path, str]], backups_dir: Path, keep: int) -> Path:
    """Zips `files` ((path, name in the zip)) into a new backup and drops all but the newest `keep`.

    Chat files may be appended to meanwhile; a copy then ends in a torn line, which the reader
    skips like after a crash. The zip is written to a temp name and renamed, so a backup is whole.
    """
    ensure_dir(backups_dir)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    # chats-20250131-142501-01.zip: a fixed-width counter, above any backup of the same second,
    # keeps name order = time order
    same_second = [p.name for p in list_backups(backups_dir) if p.name.startswith(f"{BACKUP_PREFIX}{stamp}-")]
    counter = 1 + max((int(n[: -len(BACKUP_SUFFIX)].rsplit("-", 1)[1]) for n in same_second), default=0)
    target = backups_dir / f"{BACKUP_PREFIX}{stamp}-{counter:02d}{BACKUP_SUFFIX}"
    temp = backups_dir / ("." + target.name + TEMP_SUFFIX)
    try:
        # Level 1: chats are text and compress well even at the fastest level.
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for path, name in files:
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    # Attachments (pictures, PDFs) are mostly compressed already: stored as they are.
                    stored = name.startswith("attachments/")
                    archive.writestr(name, path.read_bytes(),
                                     compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(backups_dir)
    for old in list_backups(backups_dir)[:-keep] if keep > 0 else []:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def start_daily(make: Callable[[], Path], backups_dir: Path, interval: float) -> threading.Thread | None:
    """Runs `make` on a background thread when the newest backup is older than `interval`."""
    age = newest_backup_age(backups_dir)
    if age is not None and age < interval:
        return None

    def run() -> None:
        try:
            make()
        except Exception:
            log.exception("the daily backup failed")

    thread = threading.Thread(target=run, name="store-backup", daemon=True)
    thread.start()
    return thread
