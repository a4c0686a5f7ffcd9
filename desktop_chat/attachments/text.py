"""Text out of documents: plain text and code (UTF-8, UTF-16 with a BOM, or Windows-1251), PDF, DOCX, ODT.

Each reader takes the file's bytes, a progress callback (0.0 … 1.0) and a cancel check, and returns the
text and its page count (0 where a format has no pages). Readers raise AttachmentError.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

from desktop_chat.attachments.errors import AttachmentError

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


def _check(cancelled: Cancelled, name: str) -> None:
    if cancelled():
        raise AttachmentError("cancelled", name)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1251 (Russian text from older
    Windows programs). Bytes that are not text at all (NUL bytes, control characters) are refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace").lstrip("\ufeff")
    head = data[:65536]
    if b"\0" in head:
        raise AttachmentError("unknown_type", name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and len(data) > 65536:  # cut inside the last character
            text = data[: exc.start].decode("utf-8")
        else:
            text = data.decode("cp1251", "replace")
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\t\n\r\f\v\x1b")
    if controls > max(8, len(text[:65536]) // 100):
        raise AttachmentError("unknown_type", name)
    return text.replace("\r\n", "\n")


def read_text(data: bytes, name: str, progress: Progress, cancelled: Cancelled) -> tuple[str, int]:
    _check(cancelled, name)
    text = decode_text(data, name)
    progress(1.0)
    return text, 0


def read_pdf(data: bytes, name: str, progress: Progress, cancelled: Cancelled) -> tuple[str, int]:
    """Each page's text layer, pages separated by a blank line. A PDF whose pages have no
    text (a scan) raises AttachmentError("no_text", offer_pages=…)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about odd files are not ours to show
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:  # many PDFs are "encrypted" only against editing, with an empty password to read
                if not reader.decrypt(""):
                    raise AttachmentError("encrypted", name)
            except (FileNotDecryptedError, NotImplementedError, DependencyError) as exc:
                raise AttachmentError("encrypted", name) from exc
        pages = reader.pages
        count = len(pages)
    except AttachmentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError) as exc:
        raise AttachmentError("corrupt", name, _why(exc)) from None
    if count == 0:
        raise AttachmentError("empty", name)
    texts: list[str] = []
    images = 0
    for number in range(count):
        _check(cancelled, name)
        try:
            page = pages[number]
            texts.append((page.extract_text() or "").strip())
            if not texts[-1] and images < 1:
                images += _has_images(page)
        except FileNotDecryptedError:
            raise AttachmentError("encrypted", name) from None
        except Exception as exc:  # pypdf raises many kinds on damaged pages
            raise AttachmentError("corrupt", name, f"page {number + 1}: {_why(exc)}") from None
        progress((number + 1) / count)
    if not any(texts):
        raise AttachmentError("no_text", name, offer_pages=images > 0)
    return "\n\n".join(texts), count


def _has_images(page: object) -> int:
    try:
        resources = page["/Resources"]  # type: ignore[index]
        xobjects = resources.get("/XObject") if resources is not None else None
        if xobjects is None:
            return 0
        xobjects = xobjects.get_object()
        return int(any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values()))
    except Exception:
        return 0


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _zip(data: bytes, name: str, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise AttachmentError("not_zip" if kind == "docx" else "corrupt", name, "not a zip archive") from None


MAX_XML_BYTES = 200 * 1024 * 1024  # a document.xml bigger than this unpacked is a zip bomb, not a document


def _member(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise AttachmentError("corrupt", name, f"{member} is missing") from None
    if info.file_size > MAX_XML_BYTES:
        raise AttachmentError("corrupt", name, "it unpacks to far too much data")
    if info.flag_bits & 0x1:
        raise AttachmentError("encrypted", name)
    try:
        return archive.read(member)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
        raise AttachmentError("corrupt", name, _why(exc)) from None


def _xml_member(data: bytes, name: str, kind: str, member: str, cancelled: Cancelled) -> ElementTree.Element:
    """The parsed XML of one member of a zipped document (DOCX, ODT)."""
    xml = _member(_zip(data, name, kind), member, name)
    _check(cancelled, name)
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise AttachmentError("corrupt", name, _why(exc)) from None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, name: str, progress: Progress, cancelled: Cancelled) -> tuple[str, int]:
    """Paragraphs and tables of the body, in order; table cells separated by tabs, rows by lines."""
    root = _xml_member(data, name, "docx", "word/document.xml", cancelled)
    body = root.find(f"{_W}body")
    if body is None:
        raise AttachmentError("corrupt", name, "the document has no body")
    lines: list[str] = []
    children = list(body)
    for number, child in enumerate(children):
        if child.tag == f"{_W}p":
            lines.append(_docx_paragraph(child))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [" ".join(_docx_paragraph(p) for p in cell.iter(f"{_W}p")).strip()
                         for cell in row.iter(f"{_W}tc")]
                lines.append("\t".join(cells))
        if number % 200 == 0:
            _check(cancelled, name)
            progress(number / max(1, len(children)))
    progress(1.0)
    return "\n".join(lines).strip(), 0


def _docx_paragraph(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def read_odt(data: bytes, name: str, progress: Progress, cancelled: Cancelled) -> tuple[str, int]:
    """Headings and paragraphs of an OpenDocument text (content.xml), in order."""
    root = _xml_member(data, name, "odt", "content.xml", cancelled)
    lines = []
    for node in root.iter():
        if node.tag in (f"{_TEXT}p", f"{_TEXT}h"):
            lines.append(_odt_text(node))
    progress(1.0)
    return "\n".join(lines).strip(), 0


def _odt_text(node: ElementTree.Element) -> str:
    parts = [node.text or ""]
    for child in node:
        if child.tag == f"{_TEXT}s":
            parts.append(" " * int(child.get(f"{_TEXT}c", "1") or 1))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif child.tag not in (f"{_TEXT}p", f"{_TEXT}h"):
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


READERS: dict[str, Callable[[bytes, str, Progress, Cancelled], tuple[str, int]]] = {
    "text": read_text, "pdf": read_pdf, "docx": read_docx, "odt": read_odt,
}
