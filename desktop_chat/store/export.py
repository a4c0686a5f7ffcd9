"""A chat as Markdown, as one self-contained HTML page, or as JSON that import_json reads back."""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat import safe_json
from desktop_chat.store.errors import StoreError
from desktop_chat.store.fileio import atomic_write, json_bytes
from desktop_chat.store.model import Attachment, Chat, ChatSettings, Message, clamp_time
from desktop_chat.store.versions import every_message

EXPORT_FORMAT = "desktop-chat/export"
# 2: messages may carry `attachments`, and the chat a `files` map of their bytes (base64). An export of a
# chat without attachments is still written as version 1, which older apps import.
# 3: messages may carry `versions` (answer versions); such a chat only is exported as version 3.
EXPORT_VERSION = 3
ATTACHMENTS_EXPORT_VERSION = 2
# Reads an attachment's bytes from the store; None when it is missing.
ReadFile = Callable[[Attachment], "bytes | None"]


def _no_files(_ref: Attachment) -> bytes | None:
    return None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def file_names(chat: Chat) -> dict[str, str]:
    """A file name per attached content (sha256) for a folder of copies: the attached name, made unique."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for message in every_message(chat.messages):
        for ref in message.attachments:
            if ref.sha256 in names:
                continue
            base = "".join("_" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in ref.name).strip(". ") or "file"
            candidate, n = base, 1
            while candidate.lower() in used:
                n += 1
                stem, dot, ext = base.rpartition(".")
                candidate = f"{stem} ({n}).{ext}" if dot and stem else f"{base} ({n})"
            used.add(candidate.lower())
            names[ref.sha256] = candidate
    return names
# A bigger import is certainly not a chat export (and would only hang the app).
MAX_IMPORT_CHARS = 200 * 1024 * 1024

_LABELS = {
    "en": {"sources": "Sources", "drawn": "Drawn by YandexART", "seed": "seed", "avoid": "avoiding",
           "web": "answered from the web", "user": "You", "assistant": "Assistant", "system": "System prompt",
           "created": "Created",
           "stopped": "stopped", "truncated": "cut off at the length limit",
           "content_filter": "hidden by the content filter", "error": "failed", "untitled": "Untitled chat",
           "version": "version {} of {}", "other": "Version {} of {} (not shown in the chat)"},
    "ru": {"sources": "Источники", "drawn": "Нарисовано YandexART", "seed": "seed", "avoid": "без",
           "web": "ответ с поиском в интернете", "user": "Вы", "assistant": "Ассистент",
           "system": "Системный промпт", "created": "Создан",
           "stopped": "остановлен", "truncated": "обрезан по длине",
           "content_filter": "скрыт фильтром", "error": "ошибка", "untitled": "Чат без названия",
           "version": "вариант {} из {}", "other": "Вариант {} из {} (не показан в чате)"},
}


def _labels(lang: str) -> dict[str, str]:
    return _LABELS.get(lang, _LABELS["en"])


def _when(ts: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))
    except (OverflowError, OSError, ValueError):
        return ""


def source_href(url: str) -> str:
    """A web source's link: the service fills only the address, often without a scheme ("ria.ru")."""
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
    if message.versions:
        parts.append(labels["version"].format(message.version + 1, len(message.versions) + 1))
    parts.append(_when(message.created_at))
    return " · ".join(p for p in parts if p)


def to_markdown(chat: Chat, lang: str = "en", files_dir: str | None = None) -> str:
    """With `files_dir` (a folder name next to the .md file), attachments link to their copies there
    (pictures shown inline); without it they are named only."""
    labels = _labels(lang)
    names = file_names(chat)
    out = [f"# {chat.summary.title or labels['untitled']}", "",
           f"*{labels['created']}: {_when(chat.summary.created_at)}*", ""]
    if chat.settings.system_prompt:
        out += [f"**{labels['system']}:**", ""]
        out += ["> " + line for line in chat.settings.system_prompt.splitlines()] + [""]
    out += _markdown_messages(chat.messages, labels, names, files_dir)
    return "\n".join(out)


def _markdown_messages(messages: list[Message], labels: dict[str, str], names: dict[str, str],
                       files_dir: str | None) -> list[str]:
    out: list[str] = []
    for message in messages:
        out += [f"### {_heading(message, labels)}", "", message.text, ""]
        for ref in message.attachments:
            if files_dir is None:
                out.append(f"📎 {ref.name} ({_size(ref.size)})")
            else:
                link = f"{files_dir}/{names[ref.sha256]}".replace(" ", "%20")
                out.append(f"{'!' if ref.kind == 'image' else '📎 '}[{ref.name}]({link})")
            out.append("")
        if message.drawing is not None:
            out += [f"*{_drawing_caption(message, labels)}*", ""]
        if message.sources:
            out += [f"**{labels['sources']}:**", ""]
            out += [f"{n}. <{source_href(url)}>" for n, url in enumerate(message.sources, 1)] + [""]
        if message.error:
            out += [f"*{message.error}*", ""]
        for number, version in _other_versions(message):  # quoted, after the version on screen
            out += [f"> **{labels['other'].format(number, len(message.versions) + 1)}**", ">"]
            out += [f"> {line}".rstrip() for line in _markdown_messages(version, labels, names, files_dir)]
            out.append("")
    return out


def _other_versions(message: Message) -> list[tuple[int, list[Message]]]:
    """A message's other versions with their numbers as shown (1 = the oldest)."""
    return [(n + 1 if n < message.version else n + 2, v) for n, v in enumerate(message.versions)]


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
.picture { max-width: 100%; max-height: 30em; border-radius: 6px; display: block; margin: .4em 0; }
details.file { margin: .4em 0; } details.file pre { white-space: pre-wrap; max-height: 30em; overflow-y: auto; }
details.version { margin: -.4em 0 1em 1.5em; color: #6e6e73; } details.version summary { cursor: pointer; }
pre { background: #1d1f21; color: #e6e6e6; padding: .8em; border-radius: 6px; overflow-x: auto; }
code { font-family: "SFMono-Regular", Consolas, "Liberation Mono", monospace; font-size: .92em; }
table { border-collapse: collapse; } td, th { border: 1px solid #c7c7cc; padding: .2em .5em; }
@media (prefers-color-scheme: dark) {
  body { color: #f2f2f7; background: #1c1c1e; } .message { background: #2c2c2e; }
  .message.user { background: #1f3a5f; } .system { color: #d1d1d6; }
}
"""


def write_markdown_file(chat: Chat, path: Path, lang: str, read: ReadFile) -> Path:
    """Writes `path` (.md) and copies the chat's attachments (`read` gives their bytes) into `<name>_files/`
    next to it, linked from the text. Returns the folder of copies (not created when there are none)."""
    folder = path.with_name(path.stem + "_files")
    names = file_names(chat)
    try:
        if names:
            folder.mkdir(exist_ok=True)
            refs = {r.sha256: r for m in every_message(chat.messages) for r in m.attachments}
            for sha, name in names.items():
                data = read(refs[sha])
                if data is not None:
                    atomic_write(folder / name, data, durable=False)
        atomic_write(path, to_markdown(chat, lang, folder.name).encode("utf-8"), durable=False)
    except OSError as exc:
        raise StoreError("io", f"could not write the export: {exc.strerror}") from None
    return folder


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


def _attachments_html(message: Message, read: ReadFile) -> list[str]:
    out = []
    for ref in message.attachments:
        name = html.escape(ref.name)
        data = read(ref) if ref.kind == "image" else None
        if data is not None:
            url = f"data:{ref.mime};base64,{base64.b64encode(data).decode('ascii')}"
            out.append(f'<img class="picture" alt="{name}" title="{name}" src="{url}">')
        elif ref.kind == "image":
            out.append(f"<p>🖼 {name} ({_size(ref.size)})</p>")
        else:
            out.append(f'<details class="file"><summary>📎 {name} ({_size(ref.size)})</summary>'
                       f"<pre>{html.escape(ref.text)}</pre></details>")
    return out


def _web_and_drawing_html(message: Message, labels: dict[str, str]) -> list[str]:
    """A drawn picture's aspect and seed; a web answer's sources as numbered links."""
    out = []
    if message.drawing is not None:
        out.append(f'<p class="meta">{html.escape(_drawing_caption(message, labels))}</p>')
    if message.sources:
        items = "".join(f'<li><a href="{html.escape(source_href(url))}">{html.escape(url)}</a></li>'
                        for url in message.sources)
        out.append(f'<p class="who">{html.escape(labels["sources"])}</p><ol class="sources">{items}</ol>')
    return out


def to_html(chat: Chat, lang: str = "en", read: ReadFile = _no_files) -> str:
    """One self-contained page: pictures are embedded as data: URLs (`read` gives their bytes)."""
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
    out += _html_messages(chat.messages, labels, read)
    out.append("</body></html>")
    return "\n".join(out)


def _html_messages(messages: list[Message], labels: dict[str, str], read: ReadFile) -> list[str]:
    out: list[str] = []
    for message in messages:
        out.append(f'<div class="message {message.role}">'
                   f'<div class="who">{html.escape(_heading(message, labels))}</div>'
                   f"{_markdown_html(message.text)}")
        out += _attachments_html(message, read)
        out += _web_and_drawing_html(message, labels)
        if message.error:
            out.append(f'<p class="error">{html.escape(message.error)}</p>')
        out.append("</div>")
        for number, version in _other_versions(message):  # folded, after the version on screen
            summary = html.escape(labels["other"].format(number, len(message.versions) + 1))
            out += [f'<details class="version"><summary>{summary}</summary>',
                    *_html_messages(version, labels, read), "</details>"]
    return out


def to_json(chat: Chat, read: ReadFile = _no_files) -> str:
    """The chat, and the bytes of its attachments (base64, once per content) that `read` can give."""
    refs = {ref.sha256: ref for m in every_message(chat.messages) for ref in m.attachments}
    files = {}
    for sha, ref in refs.items():
        data = read(ref)
        if data is not None:
            files[sha] = {"mime": ref.mime, "data": base64.b64encode(data).decode("ascii")}
    body: dict[str, Any] = {
        "id": chat.summary.id, "title": chat.summary.title, "created_at": chat.summary.created_at,
        "updated_at": chat.summary.updated_at, "pinned": chat.summary.pinned,
        "settings": chat.settings.to_dict(), "messages": [m.to_dict() for m in chat.messages],
    }
    if refs:
        body["files"] = files
    version = EXPORT_VERSION if any(m.versions for m in chat.messages) else \
        ATTACHMENTS_EXPORT_VERSION if refs else 1
    doc = {"format": EXPORT_FORMAT, "version": version, "exported_at": time.time(),
           "chat": body}
    return json_bytes(doc, indent=1).decode("utf-8")


@dataclass
class ImportedChat:
    title: str
    created_at: float
    settings: ChatSettings
    messages: list[Message]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # sha256 -> (mime, bytes), checked


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
    files = _parse_files(chat.get("files", {}), messages)
    return ImportedChat(title=title, created_at=clamp_time(created), settings=settings, messages=messages,
                        files=files)


def _parse_files(raw: object, messages: list[Message]) -> dict[str, tuple[str, bytes]]:
    if not isinstance(raw, dict):
        raise _bad("its files are not a map")
    wanted = {ref.sha256: ref for m in every_message(messages) for ref in m.attachments}
    files: dict[str, tuple[str, bytes]] = {}
    for sha, item in raw.items():
        if sha not in wanted:
            continue  # a file no message uses: ignored
        if not isinstance(item, dict) or not isinstance(item.get("data"), str):
            raise _bad(f"the file “{wanted[sha].name}” has no data")
        try:
            data = base64.b64decode(item["data"], validate=True)
        except (binascii.Error, ValueError):
            raise _bad(f"the file “{wanted[sha].name}” is not valid base64") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise _bad(f"the file “{wanted[sha].name}” is damaged (its content does not match its hash)")
        files[sha] = (wanted[sha].mime, data)
    return files


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
