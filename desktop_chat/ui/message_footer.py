"""What goes under a message's text in the chat view: its pictures (attached or drawn), its notes and
its links. The pictures are the stored files, shown small; a click opens them full size."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl

from desktop_chat.ui.hover_bar import text_links

if TYPE_CHECKING:
    from desktop_chat.store.model import Attachment
    from desktop_chat.ui.chat_view import Row
    from desktop_chat.ui.theme import Theme

PICTURE_WIDTH = 240  # px: a picture in the chat; the system's viewer shows it whole


def pictures_html(row: Row, attachment_path: Callable[[Attachment], Path] | None) -> str:
    message = row.message
    if message is None or attachment_path is None:
        return ""
    shown = []
    for number, attached in enumerate(message.attachments):
        if attached.kind != "image":
            continue
        path = attachment_path(attached)
        if not path.exists():
            continue
        width = min(PICTURE_WIDTH, attached.width or PICTURE_WIDTH)
        url = QUrl.fromLocalFile(str(path)).toString()
        shown.append(f'<a href="action:open-file:{number}"><img src="{html.escape(url)}" width="{width}"></a>')
    return f'<p style="margin-top:6px">{"&nbsp;".join(shown)}</p>' if shown else ""


def footer_html(row: Row, theme: Theme, attachment_path: Callable[[Attachment], Path] | None = None) -> str:
    html_parts: list[str] = [pictures_html(row, attachment_path)]
    note = html.escape(row.footer_note).replace("\n", "<br>")
    failed = row.message is not None and row.message.status == "error"
    if note and failed:
        # What went wrong and what to do is the point of the row: full size, full contrast.
        html_parts.append(f'<p style="color:{theme.text}; margin-top:6px">⚠ {note}</p>')
        note = ""
    small: list[str] = [note] if note else []
    # Most actions are icons in the bar under the message (hover_bar); these stay words in the text.
    links = " · ".join(f'<a href="{href}">{html.escape(label)}</a>' for href, label in text_links(row))
    if links:
        small.append(links)
    if small:
        html_parts.append(f'<p style="color:{theme.muted_text}; font-size:small; margin-top:6px">'
                          + "<br>".join(small) + "</p>")
    return "".join(html_parts)
