"""The document of one message, kept in step with its text piece by piece: the same class draws a
reply while it streams in and a stored message, so a finished reply looks exactly as it will when the
chat is opened again.

The text is cut into pieces (render.split_pieces: Markdown blocks, and parts of long code blocks,
tables and lists). Each piece is rendered on its own and occupies a known range of the QTextDocument.
Every streamed update carries the whole text so far (replace, never append): `update` finds the first
piece that changed (usually the last one; an earlier one if the model rewrote earlier text), removes
that piece and everything after it from the document, and inserts the new pieces. So an update costs
what changed, not the reply's length, whatever the reply contains.

Pieces are inserted so that the document is the same as `setHtml` of all the pieces' HTML (Qt's plain
fragment insertion drops the first block's format: the list, the centring, the horizontal rule).

Formulas come from formula_pool: a formula not rendered yet shows its source; when it is ready the
delegate calls `formulas_finished` and the pieces that show it are rendered again in place.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
)

from desktop_chat.ui import render
from desktop_chat.ui.render import FormulaBudget, Piece, RenderedPiece, Span
from desktop_chat.ui.theme import Theme


@dataclass
class _Placed:
    """A rendered piece and where it sits: in which page, at [start, end) of it."""

    piece: Piece
    code_base: int
    rendered: RenderedPiece
    start: int
    end: int
    index: int = 0  # in MessageDocument._placed (pieces are only ever removed from the end)
    page: int = 0


# A long message is shown as several QTextDocuments ("pages") one under the other, a new one after every
# PAGE_CHARS characters of source: Qt pays for each change of a document in proportion to the whole
# document (a table or code block added or removed makes it scan every text fragment: 8 ms at 1 MB of
# code), so a growing reply's edits stay the price of its last page. Pages fall between pieces, at the
# same places for a streamed and a stored message.
PAGE_CHARS = 24_000


class MessageDocument:
    """The documents that show a message's Markdown, updated in place as the text changes: `document`
    (the first page; most messages have only one) and `documents` (all pages, top to bottom)."""

    def __init__(self, theme: Theme, footer_html: str = "", *, copy_label: str | None = None,
                 font_px: float | None = None, dpr: float | None = None) -> None:
        self._theme = theme
        self._copy_label, self._font_px, self._dpr = render.message_metrics(copy_label, font_px, dpr)
        self._pages: list[QTextDocument] = []
        self._page_chars: list[int] = []  # characters of source placed on each page
        self._page_images: list[set[str]] = []  # the formula images each page holds as resources
        self._new_page()
        self._text = ""
        self._spans: list[Span] = []
        self._placed: list[_Placed] = []
        self._footer = ""
        self._footer_start = 0  # in the last page
        self._footer_set = False
        self._width = -1.0
        self._images: set[str] = set()
        self._image_pixels = 0
        self._initial_footer = footer_html
        # The chat view's copy links look the code up here, as for any rendered message; read when asked
        # for (joining a long reply's code blocks on every streamed update cost 1-3 ms at 1 MB).
        self.document.setProperty("code_blocks", _CodeBlocks(weakref.ref(self)))
        self.document.setProperty("pages", _Pages(weakref.ref(self)))
        self._waiting: list[_Placed] = []  # the placed pieces that show a formula's source for now
        self._prepared: tuple[str, list[Span], int] | None = None  # prepare(): text, its spans, first changed
        self.pending: set[object] = set()  # formula keys shown as source until they are ready

    @property
    def text(self) -> str:
        return self._text

    @property
    def document(self) -> QTextDocument:
        return self._pages[0]

    @property
    def documents(self) -> list[QTextDocument]:
        return list(self._pages)

    @property
    def text_end(self) -> tuple[int, int]:
        """Where the message's text ends, as (page, position in that page): in the last page, where the
        notes and links under the text begin. (0, n) for a message of one page."""
        return len(self._pages) - 1, self._footer_start

    def page_text_end(self, page: int) -> int:
        """Where the message's text ends in page `page` (of `documents`): the start of the notes and links
        on the last page, the end of the page on any earlier one."""
        if page >= len(self._pages) - 1:
            return self._footer_start
        return self._pages[page].characterCount() - 1

    def set_width(self, width: float) -> None:
        # Setting the same width again would still lay the whole document out anew.
        if width != self._width:
            self._width = width
            for page in self._pages:
                page.setTextWidth(width)

    def update(self, text: str, footer_html: str | None = None) -> bool:
        """Shows `text` (the whole text so far) and the footer; returns whether anything changed."""
        footer = self._initial_footer if footer_html is None else footer_html
        if text == self._text and footer == self._footer and self._footer_set:
            return False
        spans, first = self._changed_from(text)
        self._prepared = None
        last_page = len(self._pages) - 1
        page = self._placed[first].page if first < len(self._placed) else last_page
        start = self._placed[first].start if first < len(self._placed) else self._footer_start
        cursor = QTextCursor(self._pages[page])
        cursor.beginEditBlock()
        if (footer == self._footer and self._footer_set and start > 0 and page == last_page
                and not self._needs_page(first, spans)):
            # The footer stays: only the pieces from the first changed one are replaced, before it.
            self._remove(cursor, start, self._footer_start)
            self._forget_from(first)
            cursor.setPosition(start)
            for span in spans[first:]:
                self._append(cursor, span.piece, at_end=False)
            self._footer_start = cursor.position()
        else:
            self._remove_from(cursor, first, page, start)
            for span in spans[first:]:
                if self._page_chars[-1] >= PAGE_CHARS:
                    cursor.endEditBlock()
                    cursor = QTextCursor(self._new_page())
                    cursor.beginEditBlock()
                self._append(cursor, span.piece)
            self._footer_start = cursor.position()
            self._insert(cursor, footer)
        cursor.endEditBlock()
        self._text, self._spans, self._footer, self._footer_set = text, spans, footer, True
        self._refresh_pending()
        return True

    def prepare(self, text: str) -> None:
        """Does the Python half of `update(text)` now (splitting, Markdown, highlighting: the pieces that
        changed are rendered into render's cache) and leaves the documents as they are. A streaming row
        calls this, then updates a moment later: one event of the GUI thread does not pay for both."""
        if text == self._text:
            return
        spans, first = self._changed_from(text)
        code_base = self._code_base(first)
        for span in spans[first:]:
            rendered = self._render(span.piece, code_base, register=False)
            code_base += rendered.code_count
        self._prepared = (text, spans, first)

    def _changed_from(self, text: str) -> tuple[list[Span], int]:
        """The pieces of `text` and the index of the first one that differs from what is shown."""
        prepared = self._prepared
        if prepared is not None and prepared[0] == text and len(self._placed) >= prepared[2]:
            return prepared[1], prepared[2]
        if text != self._text or (not self._spans and text):
            spans, resumed = render.resplit(self._text, self._spans, text)
        else:
            spans, resumed = self._spans, len(self._spans)
        first = min(resumed, len(self._placed))
        # Pieces split again may still be the same as before: keep those.
        while first < len(spans) and first < len(self._placed):
            placed = self._placed[first]
            if placed.piece != spans[first].piece or placed.code_base != self._code_base(first):
                break
            first += 1
        return spans, first

    def formulas_finished(self, keys: set[object], seconds: float = 1e9) -> bool:
        """Renders again, in place, the pieces that showed one of these formulas as source; stops
        after about `seconds` (those left stay pending: call again). Returns whether anything changed."""
        if not keys & self.pending:
            return False
        stop = time.perf_counter() + seconds
        waiting = [placed for placed in self._waiting if placed.rendered.pending & keys]  # in document order
        for page in sorted({placed.page for placed in waiting}):
            if not self._finish_formulas([p for p in waiting if p.page == page], page, stop):
                break
        self._refresh_pending()
        return True

    def _finish_formulas(self, waiting: list[_Placed], page: int, stop: float) -> bool:
        """formulas_finished on one page; returns False once out of time."""
        cursor = QTextCursor(self._pages[page])
        cursor.beginEditBlock()
        shifts: list[tuple[int, int]] = []  # (index of a re-rendered piece, how much later text moved)
        total = 0
        in_time = True
        for placed in waiting:
            if time.perf_counter() > stop:
                in_time = False
                break
            placed.start += total
            placed.end += total
            rendered = self._render(placed.piece, placed.code_base, replacing=placed.rendered, page=page)
            self._remove(cursor, placed.start, placed.end)
            if placed.start == 0:
                self._reset_first_block(cursor)  # what stays of it takes the new first block's format
            cursor.setPosition(placed.start)
            self._insert(cursor, rendered.html, first_piece=placed.start == 0)
            total += cursor.position() - placed.end
            placed.rendered, placed.end = rendered, cursor.position()
            shifts.append((placed.index, total))
        # One pass moves every later piece of the page by what the pieces before it grew or shrank.
        for (index, shift), following in zip(shifts, [*shifts[1:], (len(self._placed), 0)], strict=True):
            for later in self._placed[index + 1: following[0]]:
                if later.page != page:
                    break
                later.start += shift
                later.end += shift
        if page == len(self._pages) - 1:
            self._footer_start += total
        cursor.endEditBlock()
        return in_time

    def code_blocks(self) -> list[str]:
        return render.code_blocks_of([(placed.piece, placed.rendered) for placed in self._placed])

    # ---- inside ----
    def _code_base(self, index: int) -> int:
        if index == 0:
            return 0
        before = self._placed[index - 1]
        return before.code_base + before.rendered.code_count

    def _new_page(self) -> QTextDocument:
        page = QTextDocument()
        page.setUndoRedoEnabled(False)  # nobody undoes a message: its undo stack kept every edit (8 MB per 400 KB)
        page.setDocumentMargin(0)
        page.setDefaultStyleSheet(f"a {{ color: {self._theme.link}; }}")
        if self._pages and self._pages[0].textWidth() > 0:
            page.setTextWidth(self._pages[0].textWidth())
        self._pages.append(page)
        self._page_chars.append(0)
        self._page_images.append(set())
        return page

    def _needs_page(self, index: int, spans: list[Span]) -> bool:
        """Whether the pieces from `index` on would not all fit on the page of the piece before."""
        chars = self._page_chars[-1] - sum(len(placed.piece.source) for placed in self._placed[index:])
        for span in spans[index:]:
            if chars >= PAGE_CHARS:
                return True
            chars += len(span.piece.source)
        return False

    def _forget_from(self, index: int) -> None:
        for placed in self._placed[index:]:
            self._page_chars[placed.page] -= len(placed.piece.source)
        del self._placed[index:]
        self._waiting = [placed for placed in self._waiting if placed.index < index]

    def _remove_from(self, cursor: QTextCursor, index: int, page: int, start: int) -> None:
        """Removes the pieces from `index` on and the footer: from `start` of their page, and later pages."""
        self._forget_from(index)
        del self._pages[page + 1:], self._page_chars[page + 1:], self._page_images[page + 1:]
        document = self._pages[page]
        if start == 0:
            document.clear()  # clears the formula images too
            self._page_images[page] = set()
            if page == 0:
                self._images.clear()
                self._image_pixels = 0
            document.setDocumentMargin(0)
            return
        self._remove(cursor, start, document.characterCount() - 1)

    def _append(self, cursor: QTextCursor, piece: Piece, at_end: bool = True) -> None:
        """Renders a piece and inserts it after the last placed one (at the cursor, or at the end), on
        the last page."""
        code_base = self._code_base(len(self._placed))
        page = len(self._pages) - 1
        rendered = self._render(piece, code_base, page=page)
        if at_end:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        start = cursor.position()
        self._insert(cursor, rendered.html, first_piece=start == 0)
        placed = _Placed(piece, code_base, rendered, start, cursor.position(), len(self._placed), page)
        self._placed.append(placed)
        self._page_chars[page] += len(piece.source)
        if rendered.pending:
            self._waiting.append(placed)

    def _render(self, piece: Piece, code_base: int, replacing: RenderedPiece | None = None,
                register: bool = True, page: int = 0) -> RenderedPiece:
        from desktop_chat.ui import math_render

        budget = FormulaBudget(math_render.MESSAGE_FORMULAS - len(self._images),
                               math_render.MESSAGE_PIXELS - self._image_pixels)
        if replacing is not None:  # its own images stay counted once
            budget.pixels += replacing.pixels
            budget.formulas += len(replacing.images)
        rendered = render.render_piece(piece, self._theme, copy_label=self._copy_label, font_px=self._font_px,
                                       dpr=self._dpr, code_base=code_base, budget=budget)
        for url, image in rendered.images.items() if register else ():
            if url not in self._images:
                self._images.add(url)
                self._image_pixels += image.width() * image.height()
            if url not in self._page_images[page]:
                self._page_images[page].add(url)
                self._pages[page].addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
        return rendered

    def _refresh_pending(self) -> None:
        # Only the pieces that wait for a formula are looked at (a long reply has thousands of pieces).
        self._waiting = [placed for placed in self._waiting if placed.rendered.pending]
        self.pending = set().union(*(placed.rendered.pending for placed in self._waiting))

    def _insert(self, cursor: QTextCursor, fragment_html: str, first_piece: bool = False) -> None:
        """Inserts HTML at the cursor (the end of a block) as setHtml would have laid it out after
        what is before it."""
        if not fragment_html:
            return
        source = QTextDocument()
        source.setDefaultStyleSheet(self._pages[0].defaultStyleSheet())
        source.setHtml(fragment_html)
        at_start = cursor.position() == 0
        frames = source.rootFrame().childFrames()
        starts_with_frame = bool(frames) and frames[0].firstPosition() <= 1 and not source.begin().text()
        if not at_start and not starts_with_frame:
            # Qt merges the fragment's first block into the block at the cursor and drops its format;
            # an empty unformatted first block makes that harmless, and every real block keeps its own.
            head = QTextCursor(source)
            head.insertBlock()
            head.movePosition(QTextCursor.MoveOperation.Start)
            head.setBlockFormat(QTextBlockFormat())
            head.setBlockCharFormat(QTextCharFormat())
            block = source.begin()
            text_list = block.textList()
            if text_list is not None:
                text_list.remove(block)
        cursor.insertFragment(QTextDocumentFragment(source))

    def _remove(self, cursor: QTextCursor, start: int, end: int) -> None:
        """Removes [start, end): `start` is the end of the block before, which keeps its format (Qt
        gives an empty block the format of the block merged into it: a rule would become a blank line)."""
        cursor.setPosition(start)
        block_format, char_format = cursor.blockFormat(), cursor.blockCharFormat()
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if start > 0:
            if cursor.blockFormat() != block_format:
                cursor.setBlockFormat(block_format)
            if cursor.blockCharFormat() != char_format:
                cursor.setBlockCharFormat(char_format)

    def _reset_first_block(self, cursor: QTextCursor) -> None:
        cursor.setPosition(0)
        block = cursor.block()
        text_list = block.textList()
        if text_list is not None:
            text_list.remove(block)
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setBlockCharFormat(QTextCharFormat())


class _CodeBlocks(Sequence[str]):
    """The message's code blocks as they are now (a document property: `len`, `[n]`)."""

    def __init__(self, message: Callable[[], MessageDocument | None]) -> None:
        self._message = message

    def _blocks(self) -> list[str]:
        message = self._message()
        return message.code_blocks() if message is not None else []

    def __len__(self) -> int:
        return len(self._blocks())

    def __getitem__(self, index):
        return self._blocks()[index]


class _Pages:
    """A message's pages, from its first page (a document property: see chat_delegate.pages_of)."""

    def __init__(self, message: Callable[[], MessageDocument | None]) -> None:
        self._message = message

    def __call__(self) -> list[QTextDocument]:
        message = self._message()
        return message.documents if message is not None else []


class FormulaUpdates(QObject):
    """Puts formulas finished in the background into the documents that show their source, a few ms
    at a time (a burst of formulas must not add up to one long stall); `applied` when some changed."""

    SLICE_S = 0.005
    applied = Signal()

    def __init__(self, documents: Callable[[], list[MessageDocument]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents = documents
        self._finished: set[object] = set()
        self._connected = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)  # a burst of finished formulas is one relayout
        self._timer.timeout.connect(self.apply)

    def watch(self) -> None:
        """Listens to the formula pool (once a document waits for a formula: QtSvg is not loaded before)."""
        if not self._connected:
            from desktop_chat.ui.formula_pool import pool

            pool().finished.connect(self._on_finished)
            self._connected = True

    def _on_finished(self, key: object) -> None:
        self._finished.add(key)
        if not self._timer.isActive():
            self._timer.start()

    def apply(self) -> None:
        keys, self._finished = self._finished, set()
        changed = False
        stop = time.perf_counter() + self.SLICE_S
        docs = self._documents()
        for doc in docs:
            left = stop - time.perf_counter()
            if left <= 0:
                break
            if doc.formulas_finished(keys, left):
                changed = True
        if any(doc.pending & keys for doc in docs):
            self._finished |= keys  # the rest in the next slice
            self._timer.start()
        if changed:
            self.applied.emit()

    def pending(self) -> bool:
        return bool(self._finished)

    def add(self, keys: set[object]) -> None:
        """Tests: treat these formulas as just finished."""
        self._finished |= keys


# The name the chat view used while only a streaming reply had one.
StreamingDocument = MessageDocument
