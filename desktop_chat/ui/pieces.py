"""How a message is cut into pieces that are rendered on their own: Markdown blocks, and parts of long
code blocks, tables and lists. A streaming reply re-renders only its last piece or two, and a stored
message is cut the same way, so both look the same (streaming_document.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A long code block, table or list is cut into pieces of this many lines, rows or items, each rendered
# on its own (a finished reply is drawn the same way): while a reply streams only the last piece is
# rendered again, so a growing block costs what changed, not its length.
CODE_CHUNK_LINES = 12
TABLE_CHUNK_ROWS = 12
LIST_CHUNK_ITEMS = 12


@dataclass(frozen=True)
class Piece:
    """A part of a message rendered on its own. kind: "md" (Markdown), "code" (lines of a fenced code
    block), "table" (a table, or rows of a long one, with its header), "list" (items of a long list)."""

    kind: str
    source: str
    lang: str = ""
    first: bool = True  # the first part of its block (a code block's header, a table's head)
    last: bool = True  # the last part of its block (the bottom margin)
    widths: tuple[int, ...] = ()  # a long table's column widths in %, the same in every part


@dataclass(frozen=True)
class SplitState:
    """What the splitter knows at the start of a piece; resuming from it gives the same pieces."""

    mode: str = ""  # "" at a block's start; "fence", "table", "list": a long block continues
    fence: str = ""
    indent: int = 0
    lang: str = ""
    head: str = ""  # a table's header and delimiter rows
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Span:
    start: int  # offset of the piece's first line in the text
    state: SplitState
    piece: Piece


_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


class _Splitter:
    """Cuts Markdown into pieces at blank lines (unless the next line is indented: a list item goes on),
    around fenced code blocks, and inside long code blocks, tables and lists. Deterministic: resuming
    at a span's start with its state gives the same spans as splitting the whole text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[Span] = []

    def run(self, start: int, state: SplitState) -> list[Span]:
        self._begin(start, state)
        text, pos, n = self.text, start, len(self.text)
        while pos < n:
            newline = text.find("\n", pos)
            end = n if newline < 0 else newline + 1
            self._line(pos, text[pos:end].rstrip("\n"))
            pos = end
        if self.kind == "code" or self.lines:
            self._emit(last=True)
        return self.spans

    def _begin(self, start: int, state: SplitState) -> None:
        """A new piece at `start` (a line's start), in `state`."""
        self.start, self.state = start, state
        self.kind = {"": "", "fence": "code", "table": "table", "list": "list"}[state.mode]
        self.first = state.mode == ""
        self.fence, self.indent, self.lang = state.fence, state.indent, state.lang
        self.head, self.widths = state.head, state.widths
        self.lines: list[str] = state.head.split("\n") if state.mode == "table" else []
        self.count = 0
        self.blank = False
        self.in_math = False

    def _emit(self, last: bool) -> None:
        source = "\n".join(self.lines)
        if self.kind == "code":
            piece = Piece("code", source, self.lang, self.first, last)
        elif self.kind in ("table", "list"):
            piece = Piece(self.kind, source, first=self.first, last=last, widths=self.widths)
        else:
            piece = Piece("md", source)
        self.spans.append(Span(self.start, self.state, piece))

    def _line(self, pos: int, line: str) -> None:
        if self.kind == "code":
            self._code_line(pos, line)
            return
        stripped = line.strip()
        if self.in_math:
            self.lines.append(line)
            if stripped.endswith("$$"):
                self.in_math = False
            return
        if not stripped:
            if self.lines:
                self.blank = True
            return
        opening = _FENCE_OPEN.match(line)
        if opening and not (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            if self.lines:
                self._emit(last=True)
            self._begin(pos, SplitState())
            info = opening.group(3).strip()
            self.kind, self.fence, self.indent = "code", opening.group(2), len(opening.group(1))
            self.lang = info.split()[0] if info else ""
            return
        if self.blank:
            self.blank = False
            if line[0] in " \t":
                self.lines.append("")  # an indented line goes on with the block (a list item's paragraph)
            else:
                self._emit(last=True)
                self._begin(pos, SplitState())
        if not self.lines and self.state.mode == "":
            self._begin(pos, SplitState())
            self.kind = "list" if _LIST_ITEM.match(line) else "md"
            self.count = 1 if self.kind == "list" else 0
            self.lines.append(line)
            self._check_math(stripped)
            return
        if (self.kind == "md" and len(self.lines) == 1 and "|" in self.lines[0]
                and _DELIMITER_ROW.match(line) and "-" in line):
            self.kind = "table"
            self.head = self.lines[0] + "\n" + line
        elif self.kind == "table" and line.lstrip().startswith("|"):
            if self.count >= TABLE_CHUNK_ROWS:
                if not self.widths:
                    self.widths = _column_widths(self.lines)  # the first part gets them too
                self._emit(last=False)
                self._begin(pos, SplitState("table", head=self.head, widths=self.widths))
            self.count += 1
        elif self.kind == "list" and _LIST_ITEM.match(line):
            if self.count >= LIST_CHUNK_ITEMS:
                self._emit(last=False)
                self._begin(pos, SplitState("list"))
            self.count += 1
        self.lines.append(line)
        self._check_math(stripped)

    def _code_line(self, pos: int, line: str) -> None:
        close = _FENCE_CLOSE.match(line)
        if close and close.group(1)[0] == self.fence[0] and len(close.group(1)) >= len(self.fence):
            self._emit(last=True)
            self._begin(pos, SplitState())  # empty; the next line starts the next piece
            return
        if self.count >= CODE_CHUNK_LINES:
            self._emit(last=False)
            self._begin(pos, SplitState("fence", self.fence, self.indent, self.lang))
        self.lines.append(_strip_indent(line, self.indent))
        self.count += 1

    def _check_math(self, stripped: str) -> None:
        if stripped.startswith("$$") and not (len(stripped) >= 4 and stripped.endswith("$$")):
            self.in_math = True


def _strip_indent(line: str, indent: int) -> str:
    """A fenced code line without the fence's own indentation (CommonMark)."""
    removed = 0
    while removed < indent and removed < len(line) and line[removed] == " ":
        removed += 1
    return line[removed:]


def _column_widths(lines: list[str]) -> tuple[int, ...]:
    """Column widths in % for a long table, from its header and first rows (the same in every part)."""
    rows = [lines[0], *lines[2:]]
    columns = len(lines[0].strip().strip("|").split("|"))
    longest = [3] * columns
    for row in rows:
        for i, cell in enumerate(row.strip().strip("|").split("|")[:columns]):
            longest[i] = max(longest[i], min(len(cell.strip()), 60))
    total = sum(longest)
    return tuple(max(1, round(100 * size / total)) for size in longest)


def split_pieces(text: str) -> list[Span]:
    """The pieces of a message, in order."""
    return _Splitter(text).run(0, SplitState())


def resplit(old_text: str, old_spans: list[Span], text: str) -> tuple[list[Span], int]:
    """The pieces of `text`, reusing those of `old_text` before the first change: returns the spans
    and the index of the first span that was split again (all earlier ones are the same objects).

    Cost: one prefix comparison (memcmp) and splitting from the last piece or two, unless an earlier
    part of the text changed (the native API may rewrite it); then from the piece where it changed."""
    if not old_spans:
        return split_pieces(text), 0

    def same_before(index: int) -> bool:
        at = old_spans[index].start
        return len(text) >= at and text[:at] == old_text[:at]

    keep = len(old_spans) - 1
    # The usual case, the old text grown at its end, without copying either text (1 MB: 4 ms saved).
    if not text.startswith(old_text) and not same_before(keep):
        low, high = 0, keep  # same_before(low) holds (offset 0), same_before(high) does not
        while high - low > 1:
            middle = (low + high) // 2
            if same_before(middle):
                low = middle
            else:
                high = middle
        keep = low
    keep = max(0, keep - 1)  # the piece before may end differently (its last line was the boundary)
    resumed = old_spans[keep]
    return old_spans[:keep] + _Splitter(text).run(resumed.start, resumed.state), keep
