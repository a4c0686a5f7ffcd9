"""Pictures drawn by YandexART, stored as attachments. No Qt here.

`save_picture(store, jpeg, name) -> Attachment` puts the bytes in the attachments store
(`attachments/<sha256[:2]>/<sha256>.jpg`, written durably and once per content, BEFORE the message that
names it) and returns the record for the reply's `attachments`:

    {"sha256": "<64 hex>", "name": "yandex-art-<seed>.jpg", "kind": "image", "mime": "image/jpeg",
     "size": <bytes>, "width": <px>, "height": <px>}
"""

from __future__ import annotations

import struct

from desktop_chat.store import ChatStore
from desktop_chat.store.model import Attachment

MIME = "image/jpeg"


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


def save_picture(store: ChatStore, jpeg: bytes, name: str) -> Attachment:
    """Stores the picture durably (once per content) and returns its attachment record."""
    sha256 = store.put_attachment(jpeg, MIME)
    width, height = jpeg_size(jpeg)
    return Attachment(sha256=sha256, name=name, kind="image", mime=MIME, size=len(jpeg), width=width,
                      height=height)
