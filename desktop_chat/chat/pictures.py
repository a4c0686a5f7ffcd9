"""Pictures drawn by YandexART, stored like attachments. No Qt here.

One function writes a picture: `save_picture(data_dir, chat_id, jpeg) -> reference`. The file is
content-addressed, `attachments/<sha256[:2]>/<sha256>.jpg` under the data folder (the attachments store's
layout), written temp + fsync + rename (+ fsync of the folders) BEFORE the message that names it, so an
acknowledged message never points at a missing file. The reference goes on the assistant message:

    {"sha256": "<64 hex>", "name": "yandex-art-<seed>.jpg", "kind": "image", "mime": "image/jpeg",
     "size": <bytes>, "width": <px>, "height": <px>}
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import Any

FOLDER = "attachments"
MIME = "image/jpeg"


def picture_path(data_dir: Path, sha256: str) -> Path:
    return Path(data_dir) / FOLDER / sha256[:2] / f"{sha256}.jpg"


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's frame header; (0, 0) when it cannot be found."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return 0, 0
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return 0, 0


def save_picture(data_dir: Path, chat_id: str, jpeg: bytes, *, name: str = "") -> dict[str, Any]:
    """Writes the picture durably (once per content) and returns its attachment record."""
    from desktop_chat.store.fileio import atomic_write, ensure_dir

    digest = hashlib.sha256(jpeg).hexdigest()
    path = picture_path(data_dir, digest)
    if not (path.is_file() and not path.is_symlink() and path.stat().st_size == len(jpeg)):
        ensure_dir(path.parent)  # new folders (and their parents) are fsynced
        atomic_write(path, jpeg)
    else:
        os.utime(path)  # recently used: a sweep of unreferenced files must not take it
    width, height = jpeg_size(jpeg)
    record: dict[str, Any] = {"sha256": digest, "name": name or f"picture-{digest[:8]}.jpg", "kind": "image",
                              "mime": MIME, "size": len(jpeg)}
    if width and height:
        record.update(width=width, height=height)
    return record
