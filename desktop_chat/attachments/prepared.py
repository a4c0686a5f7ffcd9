"""A file made ready to send: read once (off the GUI thread), checked, its text extracted or its picture
scaled, its token cost known. See the package docstring for the whole API."""

from __future__ import annotations

import hashlib
import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from desktop_chat import catalogue
from desktop_chat.attachments import images, text
from desktop_chat.attachments.errors import AttachmentError
from desktop_chat.attachments.kinds import Kind, by_name, sniff
from desktop_chat.store.model import Attachment

IMAGE_TOKENS = 256  # what a picture costs Gemma 3 (real sample 10); used where the catalogue has no figure
MAX_PDF_PAGE_PICTURES = 20


def _never() -> bool:
    return False


def _nothing(_fraction: float) -> None:
    return None


@dataclass(frozen=True)
class Probe:
    """What is known about a file at once, without reading it (for a chip while it is being read)."""

    name: str
    size: int
    kind: str  # "image" | "document" (a guess from the name)


@dataclass(frozen=True)
class Prepared:
    """A file ready to send: the chip's data and what goes to the store and the model."""

    name: str
    kind: str  # "image" | "document"
    mime: str  # of `data`
    data: bytes  # what is stored: the scaled picture, or the document's own bytes
    size: int  # bytes of the file as attached (the chip shows this)
    text: str = ""  # document: the text to send (after `cut_to_fit`, only its first part)
    total_chars: int = 0  # document: characters extracted
    pages: int = 0
    width: int = 0  # picture, as sent
    height: int = 0
    original_width: int = 0
    original_height: int = 0
    thumbnail: bytes = b""  # picture: a PNG of at most 160 px
    source: str = ""  # the path it was read from ("" for pasted bytes)
    sha256: str = field(default="", compare=False)
    # tokens(model) by model: estimating a megabyte of text takes ~60 ms, and the window asks often
    _costs: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def is_image(self) -> bool:
        return self.kind == "image"

    @property
    def cut(self) -> bool:
        return self.kind == "document" and len(self.text) < self.total_chars

    def tokens(self, model: str | None = None) -> int:
        """What this file costs in `model`'s context window (an offline estimate; remembered per model)."""
        key = model or ""
        if key not in self._costs:
            self._costs[key] = token_cost(self, model)
        return self._costs[key]

    def to_ref(self) -> Attachment:
        """The reference a stored message keeps (the bytes go to the store separately)."""
        return Attachment(sha256=self.sha256, name=self.name, kind=self.kind, mime=self.mime, size=len(self.data),
                          text=self.text, total_chars=self.total_chars, pages=self.pages, width=self.width,
                          height=self.height)


def probe(path: str | os.PathLike[str]) -> Probe:
    """Name, size and likely kind at once (one stat). Raises AttachmentError("missing"/"unreadable"),
    or "too_large" for a file over its limit (50 MB documents, 20 MB pictures): refused before reading."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise AttachmentError("missing", path.name) from None
    except OSError as exc:
        raise AttachmentError("unreadable", path.name, _why(exc)) from None
    if not path.is_file():
        raise AttachmentError("unknown_type", path.name)
    guess = by_name(path.name)
    _check_size(path.name, st.st_size, guess)
    return Probe(path.name, st.st_size, guess.kind)


def prepare(path: str | os.PathLike[str], *, progress: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Prepared:
    """Reads a file and makes it ready to send. Slow for big PDFs: run it on a worker thread.

    `progress(fraction)` is called from this thread (0.0 … 1.0); `cancelled()` is checked between pages
    (True: AttachmentError("cancelled")). Every problem is an AttachmentError naming the file.
    """
    path = Path(path)
    info = probe(path)
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            kind = sniff(head, path.name)
            size = os.fstat(f.fileno()).st_size
            _check_size(path.name, size, kind)
            # read(n) reserves n bytes first: ask for the file's size (+1, to notice one that grew)
            data = head + f.read(max(0, min(kind.limit, size) + 1 - len(head)))
    except FileNotFoundError:
        raise AttachmentError("missing", path.name) from None
    except OSError as exc:
        raise AttachmentError("unreadable", path.name, _why(exc)) from None
    _check_size(path.name, len(data), kind)
    del info
    return _prepare(data, path.name, kind, progress or _nothing, cancelled or _never, str(path))


def prepare_bytes(data: bytes, name: str, *, progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Prepared:
    """As `prepare`, for bytes that are not a file (a pasted screenshot: PNG bytes, name "screenshot.png")."""
    kind = sniff(data[:64], name)
    _check_size(name, len(data), kind)
    return _prepare(data, name, kind, progress or _nothing, cancelled or _never, "")


def _prepare(data: bytes, name: str, kind: Kind, progress: Callable[[float], None],
             cancelled: Callable[[], bool], source: str) -> Prepared:
    if not data:
        raise AttachmentError("empty", name)
    if kind.reader not in ("image", *text.READERS):
        raise AttachmentError(kind.reader, name)
    if cancelled():
        raise AttachmentError("cancelled", name)
    if kind.reader == "image":
        picture = images.prepare_picture(data, name)
        progress(1.0)
        return Prepared(name=name, kind="image", mime=picture.mime, data=picture.data, size=len(data),
                        width=picture.width, height=picture.height, original_width=picture.original_width,
                        original_height=picture.original_height, thumbnail=picture.thumbnail, source=source)
    body, pages = text.READERS[kind.reader](data, name, progress, cancelled)
    if not body.strip():
        raise AttachmentError("no_text" if kind.reader == "pdf" else "empty", name)
    return Prepared(name=name, kind="document", mime=kind.mime, data=data, size=len(data), text=body,
                    total_chars=len(body), pages=pages, source=source)


def _check_size(name: str, size: int, kind: Kind) -> None:
    if size > kind.limit:
        raise AttachmentError("too_large", name, size=size, limit=kind.limit, what=kind.kind)


def _why(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


# ---- what goes to the model ---------------------------------------------------------------------------

def file_block(name: str, body: str, *, cut: bool = False) -> str:
    """A document as the model reads it, inside the user's message:

        <file name="contract.pdf">
        …the text…
        </file>

    The name is escaped like an XML attribute; a `</file>` inside the text is written `<\\/file>` so the
    block cannot be closed early. A document sent only in part says so (`part="first"`)."""
    attribute = html.escape(name, quote=True)
    part = ' part="first"' if cut else ""
    safe = body.replace("</file>", "<\\/file>")
    return f'<file name="{attribute}"{part}>\n{safe}\n</file>'


def compose(question: str, documents: list[tuple[str, str, bool]]) -> str:
    """The user's message as sent: each document's block (name, text, cut), then the question."""
    blocks = [file_block(name, body, cut=cut) for name, body, cut in documents]
    return "\n\n".join([*blocks, question] if question.strip() else blocks)


def image_tokens(model: str | None) -> int:
    entry = catalogue.find(model) if model else None
    return entry.image_tokens if entry is not None and entry.image_tokens else IMAGE_TOKENS


def can_see(model: str | None) -> bool:
    """The model accepts pictures (the catalogue's `vision`)."""
    entry = catalogue.find(model) if model else None
    return entry is not None and entry.vision


def vision_models() -> list[str]:
    """Catalogue ids of the models that see pictures, the one to offer first (Gemma 3 27B)."""
    return [entry.id for entry in catalogue.entries() if entry.vision]


def token_cost(item: Prepared | Attachment, model: str | None = None) -> int:
    """Tokens a file adds to a request: a picture's fixed cost, or the document block's estimate."""
    if item.kind == "image":
        return image_tokens(model)
    return catalogue.estimate_tokens(file_block(item.name, item.text, cut=item.cut), model)


_Item = TypeVar("_Item", Prepared, Attachment)


@dataclass(frozen=True)
class Fit:
    """The first part of a text that fits a token budget."""

    text: str
    kept_chars: int
    total_chars: int
    tokens: int

    @property
    def kept_fraction(self) -> float:
        return self.kept_chars / self.total_chars if self.total_chars else 1.0

    @property
    def whole(self) -> bool:
        return self.kept_chars >= self.total_chars


def fit_text(body: str, budget: int, model: str | None = None) -> Fit:
    """The longest start of `body` (cut at a line or word end where one is near) whose estimate is at most
    `budget` tokens. Binary search over the estimate: a few dozen estimates, fast even for megabytes."""
    total = len(body)
    if catalogue.estimate_tokens(body, model) <= budget:
        return Fit(body, total, total, catalogue.estimate_tokens(body, model))
    # No model reads more than about 8 characters per token: nothing beyond that can fit (saves work on megabytes).
    low, high = 0, min(total, max(0, budget) * 8)
    while low < high:
        middle = (low + high + 1) // 2
        if catalogue.estimate_tokens(body[:middle], model) <= budget:
            low = middle
        else:
            high = middle - 1
    end = low
    for separator in ("\n", " "):
        at = body.rfind(separator, max(0, low - 2000), low)
        if at > low * 0.9:
            end = at
            break
    kept = body[:end].rstrip()
    return Fit(kept, len(kept), total, catalogue.estimate_tokens(kept, model))


def cut_to_fit(item: _Item, budget: int, model: str | None = None) -> _Item:
    """The document with only the first part of its text that fits `budget` tokens (its block included).
    Works on a Prepared file or a stored Attachment record (its `total_chars` stays the whole text's)."""
    overhead = catalogue.estimate_tokens(file_block(item.name, "", cut=True), model)
    fit = fit_text(item.text, max(0, budget - overhead), model)
    return replace(item, text=fit.text)


def pdf_page_images(path: str | os.PathLike[str], *, limit: int = MAX_PDF_PAGE_PICTURES,
                    progress: Callable[[float], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> list[Prepared]:
    """The pages of a scanned PDF as pictures: the biggest picture each page carries (a scan is one picture
    per page), pure Python, no rendering. At most `limit` pages. For "send its pages as pictures"."""
    import io

    from pypdf import PdfReader

    path = Path(path)
    progress, cancelled = progress or _nothing, cancelled or _never
    data = path.read_bytes()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentError("encrypted", path.name)
        pages = list(reader.pages)[:limit]
    except AttachmentError:
        raise
    except Exception as exc:
        raise AttachmentError("corrupt", path.name, str(exc)[:160]) from None
    result: list[Prepared] = []
    for number, page in enumerate(pages, 1):
        if cancelled():
            raise AttachmentError("cancelled", path.name)
        try:
            found = sorted(page.images, key=lambda image: len(image.data), reverse=True)
        except Exception:
            found = []
        for image in found[:1]:
            stem = path.name.rsplit(".", 1)[0]
            try:
                result.append(prepare_bytes(image.data, f"{stem} — {number}{Path(image.name).suffix or '.png'}"))
            except AttachmentError:
                continue
        progress(number / len(pages))
    if not result:
        raise AttachmentError("no_text", path.name)
    return result
