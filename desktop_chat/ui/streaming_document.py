"""The document of a reply while it streams in, re-rendering only its last Markdown block.

Every streamed chunk carries the whole text so far. Rendering all of it again for each chunk costs
more and more as the reply grows (a long reply would make the window stutter), so the text is split
into Markdown blocks at blank lines outside code fences: finished blocks are rendered once and
appended, and only the unfinished last block is rendered again. If an earlier block changes (the
model may revise its text mid-stream), the document is rebuilt from scratch.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QTextCursor, QTextDocument

from desktop_chat.ui.render import render_message
from desktop_chat.ui.theme import Theme

# A last block longer than this is shown as plain text until it is finished: highlighting a huge
# code block on every chunk would stall the window; the full render comes when the reply ends.
PLAIN_TAIL_CHARS = 6000


def split_blocks(text: str) -> list[str]:
    """Splits Markdown at blank lines that are outside fenced code and display math."""
    blocks: list[str] = []
    current: list[str] = []
    fence = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif stripped == "$$":
            fence = "$$"
        if not stripped and not fence and current:
            blocks.append("\n".join(current))
            current = []
        elif stripped or current:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


class StreamingDocument:
    """A QTextDocument kept in step with a growing reply."""

    def __init__(self, theme: Theme, footer_html: str = "") -> None:
        self._theme = theme
        self.document = QTextDocument()
        self.document.setDocumentMargin(0)
        self.document.setDefaultStyleSheet(f"a {{ color: {theme.link}; }}")
        self._stable: list[str] = []
        self._stable_code: list[str] = []  # sources of the code blocks in the finished blocks
        self._tail_start = 0
        self._text = ""
        self._footer = footer_html
        self._width = -1.0

    def set_width(self, width: float) -> None:
        # Setting the same width again would still lay the whole document out anew.
        if width != self._width:
            self._width = width
            self.document.setTextWidth(width)

    def update(self, text: str, footer_html: str = "") -> None:
        if text == self._text and footer_html == self._footer:
            return
        self._text, self._footer = text, footer_html
        blocks = split_blocks(text)
        stable, tail = blocks[:-1], (blocks[-1] if blocks else "")
        if stable[: len(self._stable)] != self._stable:
            self.document.clear()
            self._stable, self._stable_code, self._tail_start = [], [], 0
        cursor = QTextCursor(self.document)
        cursor.beginEditBlock()
        cursor.setPosition(self._tail_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        for block in stable[len(self._stable):]:
            self._insert(cursor, self._render(block, self._stable_code))
        self._stable = stable
        self._tail_start = cursor.position()
        tail_code = list(self._stable_code)
        if len(tail) > PLAIN_TAIL_CHARS:
            tail_html = "<p>" + html.escape(tail).replace("\n", "<br>") + "</p>"
        else:
            tail_html = self._render(tail, tail_code) if tail else ""
        self._insert(cursor, tail_html + footer_html)
        cursor.endEditBlock()
        # The chat view's copy links look the code up here, as for any rendered message.
        self.document.setProperty("code_blocks", tail_code)

    def _render(self, block: str, code_blocks: list[str]) -> str:
        """Renders one block; its copy links are renumbered to follow the code blocks before it."""
        rendered = render_message(block, self._theme.dark)
        rendered.add_images_to(self.document)
        offset = len(code_blocks)
        result = rendered.html
        for number in reversed(range(len(rendered.code_blocks))):
            result = result.replace(f'href="copy-code:{number}"', f'href="copy-code:{offset + number}"')
        code_blocks.extend(rendered.code_blocks)
        return result

    def _insert(self, cursor: QTextCursor, fragment: str) -> None:
        if not fragment:
            return
        if cursor.position() > 0:
            cursor.insertBlock()
        cursor.insertHtml(fragment)
