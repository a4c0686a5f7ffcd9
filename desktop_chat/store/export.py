"""A chat as Markdown, as one self-contained HTML page, or as JSON that import_json reads back."""

from __future__ import annotations

import base64
import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_chat import safe_json
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import json_bytes
from desktop_chat.store.model import Chat, ChatSettings, Message, clamp_time

EXPORT_FORMAT = "desktop-chat/export"
EXPORT_VERSION = 1
# A bigger import is certainly not a chat export (and would only hang the app).
MAX_IMPORT_CHARS = 200 * 1024 * 1024

_LABELS = {
    "en": {"sources": "Sources", "drawn": "Drawn by YandexART", "seed": "seed", "avoid": "avoiding",
           "web": "answered from the web", "user": "You", "assistant": "Assistant", "system": "System prompt",
           "created": "Created",
           "stopped": "stopped", "truncated": "cut off at the length limit",
           "content_filter": "hidden by the content filter", "error": "failed", "untitled": "Untitled chat"},
    "ru": {"sources": "Источники", "drawn": "Нарисовано YandexART", "seed": "seed", "avoid": "без",
           "web": "ответ с поиском в интернете", "user": "Вы", "assistant": "Ассистент",
           "system": "Системный промпт", "created": "Создан",
           "stopped": "остановлен", "truncated": "обрезан по длине",
           "content_filter": "скрыт фильтром", "error": "ошибка", "untitled": "Чат без названия"},
}


def _labels(lang: str) -> dict[str, str]:
    return _LABELS.get(lang, _LABELS["en"])


def _when(ts: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))
    except (OverflowError, OSError, ValueError):
        return ""


# Reads a drawn picture's bytes (its attachment record) from the data folder; None when it is missing.
ReadFile = Callable[[dict[str, Any]], "bytes | None"]


def _no_files(_ref: dict[str, Any]) -> bytes | None:
    return None


def picture_link(ref: dict[str, Any]) -> str:
    """Where a picture lives, relative to the data folder (attachments/<ab>/<sha256>.jpg)."""
    sha = str(ref.get("sha256", ""))
    return f"attachments/{sha[:2]}/{sha}.jpg"


def source_href(url: str) -> str:
    """A source's link: the service fills only the address, often without a scheme ("ria.ru")."""
    return url if "://" in url else "https://" + url


def _drawing_caption(message: Message, labels: dict[str, str]) -> str:
    drawing = message.drawing or {}
    parts = [labels["drawn"] if message.role == "assistant" else "YandexART", str(drawing.get("aspect", "")),
             f"{labels['seed']} {drawing.get('seed', '')}"]
    if drawing.get("avoid"):
        parts.append(f"{labels['avoid']}: {drawing['avoid']}")
    return " · ".join(p for p in parts if p)


def _heading(message: Message, labels: dict[str, str]) -> str:
    parts = [labels[message.role]]
    if message.role == "assistant" and message.model:
        parts[0] += f" ({message.model})"
    if message.web:
        parts.append(labels["web"])
    if message.status in ("stopped", "truncated", "content_filter", "error"):
        parts.append(labels[message.status])
    parts.append(_when(message.created_at))
    return " · ".join(p for p in parts if p)


def to_markdown(chat: Chat, lang: str = "en") -> str:
    labels = _labels(lang)
    out = [f"# {chat.summary.title or labels['untitled']}", "",
           f"*{labels['created']}: {_when(chat.summary.created_at)}*", ""]
    if chat.settings.system_prompt:
        out += [f"**{labels['system']}:**", ""]
        out += ["> " + line for line in chat.settings.system_prompt.splitlines()] + [""]
    for message in chat.messages:
        out += [f"### {_heading(message, labels)}", ""]
        if message.text:
            out += [message.text, ""]
        if message.drawing is not None:
            out += [f"*{_drawing_caption(message, labels)}*", ""]
        out += [f"![{ref.get('name', '')}]({picture_link(ref)})" for ref in message.attachments]
        if message.attachments:
            out.append("")
        if message.sources:
            out += [f"**{labels['sources']}:**", ""]
            out += [f"{n}. <{source_href(url)}>" for n, url in enumerate(message.sources, 1)] + [""]
        if message.error:
            out += [f"*{message.error}*", ""]
    return "\n".join(out)


_CSS = """
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 0 auto;
       max-width: 52em; padding: 1.5em; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
.meta { color: #6e6e73; font-size: .9em; }
.message { border-radius: 10px; padding: .6em 1em; margin: 1em 0; background: #f2f2f7; }
.message.user { background: #e3efff; }
.who { font-weight: 600; font-size: .85em; color: #6e6e73; }
.system { border-left: 3px solid #c7c7cc; padding-left: 1em; color: #3a3a3c; white-space: pre-wrap; }
.error { color: #b00020; }
pre { background: #1d1f21; color: #e6e6e6; padding: .8em; border-radius: 6px; overflow-x: auto; }
code { font-family: "SFMono-Regular", Consolas, "Liberation Mono", monospace; font-size: .92em; }
table { border-collapse: collapse; } td, th { border: 1px solid #c7c7cc; padding: .2em .5em; }
@media (prefers-color-scheme: dark) {
  body { color: #f2f2f7; background: #1c1c1e; } .message { background: #2c2c2e; }
  .message.user { background: #1f3a5f; } .system { color: #d1d1d6; }
}
"""


def _markdown_html(text: str) -> str:
    """Message text (Markdown) as HTML. Raw HTML in the text is escaped, images are not loaded
    (the page must not fetch anything), dangerous link schemes are refused by markdown-it."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # the page is still readable without formatting
        return f'<div style="white-space: pre-wrap">{html.escape(text)}</div>'
    md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    md.disable("image")
    return md.render(text)


def _extras_html(message: Message, labels: dict[str, str], read: ReadFile) -> list[str]:
    """A drawn picture (embedded, so the page stays self-contained) with its seed; a web answer's sources."""
    out = []
    for ref in message.attachments:
        data = read(ref) if ref.get("mime") == "image/jpeg" else None
        name = html.escape(str(ref.get("name", "")))
        if data:
            src = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
            out.append(f'<p><img src="{src}" alt="{name}" style="max-width: 100%"></p>')
        else:
            out.append(f'<p class="meta">[{name}]</p>')
    if message.drawing is not None:
        out.append(f'<p class="meta">{html.escape(_drawing_caption(message, labels))}</p>')
    if message.sources:
        items = "".join(f'<li><a href="{html.escape(source_href(url))}">{html.escape(url)}</a></li>'
                        for url in message.sources)
        out.append(f'<p class="who">{html.escape(labels["sources"])}</p><ol class="sources">{items}</ol>')
    return out


def to_html(chat: Chat, lang: str = "en", read: ReadFile = _no_files) -> str:
    labels = _labels(lang)
    title = html.escape(chat.summary.title or labels["untitled"])
    out = ["<!DOCTYPE html>", f'<html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{title}</title><style>{_CSS}</style></head><body>",
           f"<h1>{title}</h1>",
           f'<p class="meta">{html.escape(labels["created"])}: '
           f'{html.escape(_when(chat.summary.created_at))}</p>']
    if chat.settings.system_prompt:
        out.append(f'<p class="who">{html.escape(labels["system"])}</p>'
                   f'<div class="system">{html.escape(chat.settings.system_prompt)}</div>')
    for message in chat.messages:
        out.append(f'<div class="message {message.role}">'
                   f'<div class="who">{html.escape(_heading(message, labels))}</div>'
                   f"{_markdown_html(message.text)}")
        out += _extras_html(message, labels, read)
        if message.error:
            out.append(f'<p class="error">{html.escape(message.error)}</p>')
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out)


def to_json(chat: Chat) -> str:
    doc = {
        "format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": time.time(),
        "chat": {
            "id": chat.summary.id, "title": chat.summary.title, "created_at": chat.summary.created_at,
            "updated_at": chat.summary.updated_at, "pinned": chat.summary.pinned,
            "settings": chat.settings.to_dict(), "messages": [m.to_dict() for m in chat.messages],
        },
    }
    return json_bytes(doc, indent=1).decode("utf-8")


@dataclass
class ImportedChat:
    title: str
    created_at: float
    settings: ChatSettings
    messages: list[Message]


def _bad(reason: str) -> StoreError:
    return StoreError("bad_import", f"This file cannot be imported: {reason}.")


def parse_export(text: str) -> ImportedChat:
    """Validates an export made by to_json; raises StoreError("bad_import") saying what is wrong."""
    if not isinstance(text, str):
        raise _bad("it is not text")
    if len(text) > MAX_IMPORT_CHARS:
        raise _bad("it is far too large to be a chat export")
    try:
        doc: Any = safe_json.loads(text)
    except ValueError as exc:
        raise _bad(f"it is not usable JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise _bad("it is not a Desktop Chat export")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _bad("it has no format version")
    if version > EXPORT_VERSION:
        raise _bad("it was made by a newer version of the app; update the app to import it")
    chat = doc.get("chat")
    if not isinstance(chat, dict):
        raise _bad("it holds no chat")
    title = chat.get("title", "")
    if not isinstance(title, str):
        raise _bad("the chat title is not text")
    created = chat.get("created_at", time.time())
    if not isinstance(created, int | float) or isinstance(created, bool):
        raise _bad("the chat's creation time is not a number")
    try:
        settings = ChatSettings.from_dict(chat.get("settings", {}))
    except StoreError as exc:
        raise _bad(str(exc)) from None
    raw_messages = chat.get("messages")
    if not isinstance(raw_messages, list):
        raise _bad("it has no list of messages")
    messages: list[Message] = []
    seen: set[str] = set()
    for number, item in enumerate(raw_messages, 1):
        try:
            message = Message.from_dict(item)
        except StoreError as exc:
            raise _bad(f"message {number}: {exc}") from None
        if message.id in seen:
            raise _bad(f"message {number} repeats the id {message.id}")
        seen.add(message.id)
        messages.append(message)
    return ImportedChat(title=title, created_at=clamp_time(created), settings=settings, messages=messages)


def read_import_file(path: Path, max_bytes: int = MAX_IMPORT_CHARS) -> str:
    """The text of an import file; its size is checked before it is read. StoreError ("bad_import"
    for what it holds, "io" when it cannot be read) in plain words."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise _bad(f"it is far too large ({size // (1024 * 1024)} MB) to be a chat export")
            data = f.read(max_bytes + 1)
    except OSError as exc:
        why = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc)).lower()
        raise StoreError("io", f"Cannot read {path.name}: {why}.") from None
    if len(data) > max_bytes:
        raise _bad("it is far too large to be a chat export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad("it is not UTF-8 text") from None
