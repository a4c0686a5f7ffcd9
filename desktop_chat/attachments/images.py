"""Pictures for vision models: checked, turned upright, first frame of a GIF, scaled down, re-encoded.

A picture is sent at most MAX_SIDE pixels on its longer side (vision models scale larger ones down
themselves, so the extra bytes only cost upload time). PNG and JPEG files that need no change are sent
byte for byte (so the same file is stored once, whoever attaches it); anything else becomes PNG (screenshots,
pictures with transparency) or JPEG (photos).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from desktop_chat.attachments.errors import AttachmentError

MAX_SIDE = 1568  # px on the longer side
MAX_MEGAPIXELS = 64  # refused before decoding: a bigger picture is a decompression bomb or a poster scan
THUMBNAIL_SIDE = 160
JPEG_QUALITY = 85
MAX_PNG_BYTES = 3 * 1024 * 1024  # a PNG bigger than this (a photo saved as PNG) goes as JPEG


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime: str
    width: int
    height: int
    original_width: int
    original_height: int
    thumbnail: bytes  # PNG, at most THUMBNAIL_SIDE px


def _pil() -> Any:
    from PIL import Image, ImageFile

    Image.MAX_IMAGE_PIXELS = MAX_MEGAPIXELS * 1_000_000
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return Image


def prepare_picture(data: bytes, name: str) -> Picture:
    Image = _pil()
    from PIL import ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_MEGAPIXELS * 1_000_000:
            raise AttachmentError("picture_too_large", name, f"{width}×{height}", limit=MAX_MEGAPIXELS,
                                  what="image")
        source_format = image.format or ""
        image.seek(0)  # a GIF's (or an animated WebP's) first frame
        image.load()
        orientation = image.getexif().get(0x0112, 1) if source_format == "JPEG" else 1
        upright = ImageOps.exif_transpose(image) if orientation != 1 else image
    except AttachmentError:
        raise
    except Image.DecompressionBombError:
        raise AttachmentError("picture_too_large", name, "?", limit=MAX_MEGAPIXELS, what="image") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise AttachmentError("corrupt", name, str(exc)[:160] or type(exc).__name__) from None
    assert upright is not None
    scaled = max(upright.size) > MAX_SIDE
    if scaled:
        upright = upright.copy()
        upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if source_format in ("PNG", "JPEG") and not scaled and orientation == 1:
        out, mime = data, f"image/{source_format.lower()}"
    else:
        out, mime = _encode(upright, source_format)
    return Picture(out, mime, upright.size[0], upright.size[1], width, height, thumbnail(upright))


def _has_alpha(image: Any) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _encode(image: Any, source_format: str) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if _has_alpha(image) or source_format in ("PNG", "GIF"):
        converted = image.convert("RGBA" if _has_alpha(image) else "RGB")
        converted.save(buffer, "PNG")
        if buffer.tell() <= MAX_PNG_BYTES or _has_alpha(image):
            return buffer.getvalue(), "image/png"
        buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue(), "image/jpeg"


def thumbnail(image: Any, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small PNG of a PIL image (for a chip, or a chat's picture before the full one is needed)."""
    Image = _pil()
    small = image.copy()
    small.thumbnail((side, side), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    small.convert("RGBA" if _has_alpha(small) else "RGB").save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def thumbnail_of(data: bytes, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small PNG of a stored picture's bytes (b"" when they cannot be read). Safe on a worker thread."""
    Image = _pil()
    try:
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", (side, side))  # JPEG: decode at 1/2 … 1/8 of the size, several times faster
        image.load()  # the first frame of a GIF
        return thumbnail(image, side)
    except Exception:
        return b""
