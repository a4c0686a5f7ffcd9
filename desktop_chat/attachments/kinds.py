"""What kind of file this is: from its first bytes, then its name. No file is trusted by its name alone."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_chat.attachments.errors import MB

MAX_DOCUMENT_BYTES = 50 * MB
MAX_IMAGE_BYTES = 20 * MB

TEXT_MIME = {".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv", ".tsv": "text/csv",
             ".json": "application/json", ".html": "text/html", ".htm": "text/html"}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIME = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Kind:
    kind: str  # "image" | "document"
    mime: str  # what the bytes are: image/png, application/pdf, text/plain, …
    reader: str  # "image" | "pdf" | "docx" | "odt" | "text" | refusal code (an AttachmentError kind)

    @property
    def limit(self) -> int:
        return MAX_IMAGE_BYTES if self.kind == "image" else MAX_DOCUMENT_BYTES


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def by_name(name: str) -> Kind:
    """A first guess from the name alone (for a chip before the file is read, and for the size limit)."""
    suffix = _suffix(name)
    if suffix in (".png", ".jpg", ".jpeg", ".jpe", ".webp", ".gif", ".heic", ".heif"):
        mime = {".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}.get(suffix, "image/jpeg")
        return Kind("image", mime, "heic" if suffix in (".heic", ".heif") else "image")
    if suffix == ".pdf":
        return Kind("document", "application/pdf", "pdf")
    if suffix == ".docx":
        return Kind("document", DOCX_MIME, "docx")
    if suffix == ".odt":
        return Kind("document", ODT_MIME, "odt")
    if suffix == ".doc":
        return Kind("document", "application/msword", "old_word")
    return Kind("document", TEXT_MIME.get(suffix, "text/plain"), "text")


def sniff(head: bytes, name: str) -> Kind:
    """The kind from the file's first bytes (at least 16), the name breaking ties (zip: docx or odt)."""
    guess = by_name(name)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind("image", "image/png", "image")
    if head.startswith(b"\xff\xd8\xff"):
        return Kind("image", "image/jpeg", "image")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Kind("image", "image/gif", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind("image", "image/webp", "image")
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc"):
        return Kind("image", "image/heic", "heic")
    if head.lstrip(b"\r\n\t ").startswith(b"%PDF-"):
        return Kind("document", "application/pdf", "pdf")
    if head.startswith(b"PK\x03\x04"):
        if guess.reader == "odt":
            return guess
        if guess.reader == "docx":
            return guess
        return Kind("document", "application/zip", "unknown_type")
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .doc, .xls, an encrypted .docx
        return Kind("document", "application/msword", "old_word" if guess.reader in ("old_word", "text")
                    else "encrypted" if guess.reader == "docx" else "unknown_type")
    if guess.reader == "docx":
        return Kind("document", DOCX_MIME, "not_zip")
    if guess.reader in ("pdf", "odt", "image", "heic"):
        return Kind(guess.kind, guess.mime, "corrupt")  # the name says one thing, the bytes another
    if guess.reader == "old_word":
        return guess
    return guess  # text; checked for being text when decoded
