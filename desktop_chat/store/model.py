"""The store's data types, and their JSON shape (the same dicts go into chat files and exports)."""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat.store.errors import StoreError

ROLES = ("user", "assistant")


def new_id() -> str:
    """A fresh id for a chat or a message: 32 hex digits, safe in a file name on every OS."""
    return uuid.uuid4().hex


_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_valid_id(value: object) -> bool:
    """Ids name files, so only letters, digits, '-' and '_' (1-64 characters) are accepted."""
    # This runs for every message of a chat as it opens (5,000 in a long one): the ids we make (hex) pass
    # the cheap test, anything else the regular expression.
    return isinstance(value, str) and ((value.isascii() and value.isalnum() and len(value) <= 64)
                                       or _ID_RE.fullmatch(value) is not None)


def _is_number(value: object) -> bool:
    if type(value) is float:  # what files hold: the quick test first (twice per message read)
        return math.isfinite(value)
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# Times are seconds since the epoch; every OS's time.localtime handles this range (Windows stops
# at the year 3000). A time outside it (a crafted or damaged file) is clamped into it when read,
# so nothing later (sorting, formatting a date) fails on it.
MAX_TIME = 32_503_680_000.0  # 3000-01-01


def clamp_time(value: object, default: float = 0.0) -> float:
    """A usable time from a file: finite numbers clamped into [0, MAX_TIME], anything else `default`."""
    if type(value) is float and 0.0 <= value <= MAX_TIME:  # the usual case, twice per message read
        return value
    if not _is_number(value):
        return default
    return min(max(float(value), 0.0), MAX_TIME)  # type: ignore[arg-type]


MAX_COUNT = 2**63 - 1  # token counts, sizes: whatever fits a 64-bit integer


def is_count(value: object) -> bool:
    """A whole number 0..2**63-1 (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


def _is_usage(usage: object) -> bool:
    """A map of names to counts (a reply's token usage); a loop rather than all(…) over a generator:
    this runs for every reply of a chat as it opens."""
    if not isinstance(usage, dict):
        return False
    for key, value in usage.items():
        if not (isinstance(key, str) and ((type(value) is int and 0 <= value <= MAX_COUNT) or is_count(value))):
            return False
    return True


_SHA_RE = re.compile(r"[0-9a-f]{64}")
ATTACHMENT_KINDS = ("image", "document")
_MIME_RE = re.compile(r"[a-z]+/[a-z0-9.+-]{1,100}")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (see docs/store-format.md, "Attachments").

    The file's bytes live once per content in `attachments/<sha256[:2]>/<sha256><suffix>`; a message
    holds this reference. A document also carries the text that was sent (maybe only its first part),
    so history is re-sent and searched without reading the file again.
    """

    sha256: str  # of the stored bytes (64 lower-case hex digits)
    name: str  # the file's name as the person attached it (no folder)
    kind: str  # "image" | "document"
    mime: str  # of the stored bytes: image/png, image/jpeg, application/pdf, text/plain, …
    size: int  # bytes stored
    text: str = ""  # document: the text sent to the model
    total_chars: int = 0  # document: characters extracted; more than len(text) when only a part was sent
    pages: int = 0  # PDF pages
    width: int = 0  # picture, as sent
    height: int = 0

    @property
    def cut(self) -> bool:
        """Only the first part of the document's text was sent."""
        return self.kind == "document" and self.total_chars > len(self.text)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sha256": self.sha256, "name": self.name, "kind": self.kind, "mime": self.mime,
                                "size": self.size}
        if self.kind == "document":
            data["text"] = self.text
            data["total_chars"] = self.total_chars
        for key in ("pages", "width", "height"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_dict(cls, data: object) -> Attachment:
        if not isinstance(data, dict):
            raise StoreError("invalid", "an attachment is not a JSON object")
        sha, name, kind, mime = (data.get(k) for k in ("sha256", "name", "kind", "mime"))
        if not isinstance(sha, str) or not _SHA_RE.fullmatch(sha):
            raise StoreError("invalid", "an attachment has no valid sha256")
        if not isinstance(name, str) or not name or len(name) > 1000:
            raise StoreError("invalid", "an attachment has no valid name")
        if kind not in ATTACHMENT_KINDS:
            raise StoreError("invalid", "an attachment's kind must be 'image' or 'document'")
        if not isinstance(mime, str) or not _MIME_RE.fullmatch(mime):
            raise StoreError("invalid", "an attachment has no valid type")
        text = data.get("text", "")
        if not isinstance(text, str):
            raise StoreError("invalid", "an attachment's text is not text")
        numbers = {k: data.get(k, 0) for k in ("size", "total_chars", "pages", "width", "height")}
        if not all(is_count(v) for v in numbers.values()):
            raise StoreError("invalid", "an attachment's sizes must be whole numbers")
        return cls(sha256=sha, name=name, kind=kind, mime=mime, text=text if kind == "document" else "",
                   **numbers)


MAX_SOURCES = 100
_WEB_FIELDS = frozenset(("web", "sources", "drawing"))


def _web_and_drawing(data: dict[str, Any]) -> tuple[bool, list[str], dict[str, Any] | None]:
    """The optional fields of web answers and drawn pictures. A value this version cannot read (a newer
    app's, a damaged one) is left out rather than losing the message; `check()` refuses to write one."""
    if _WEB_FIELDS.isdisjoint(data):  # most messages: no checks to make (5,000 of them as a long chat opens)
        return False, [], None
    web = data.get("web") is True
    sources = data.get("sources")
    if not (isinstance(sources, list) and len(sources) <= MAX_SOURCES
            and all(isinstance(u, str) and 0 < len(u) <= 2000 for u in sources)):
        sources = []
    drawing = data.get("drawing")
    if not (isinstance(drawing, dict) and isinstance(drawing.get("aspect", ""), str)
            and is_count(drawing.get("seed", 0)) and isinstance(drawing.get("avoid", ""), str)):
        drawing = None
    return web, list(sources), (dict(drawing) if drawing is not None else None)


MAX_VERSIONS = 1000
# Every nested level of versions is 3 levels of JSON; files are read with at most 64 (safe_json).
MAX_VERSION_DEPTH = 12


def _versions(data: dict[str, Any]) -> tuple[list[list[Message]], int]:
    """A message's other versions (see Message.versions); raises StoreError("invalid")."""
    raw, version = data.get("versions", []), data.get("version", 0)
    if not isinstance(raw, list) or len(raw) > MAX_VERSIONS or not all(isinstance(v, list) and v for v in raw):
        raise StoreError("invalid", f"message {data['id']}: versions is not a list of lists of messages")
    if not (is_count(version) and version <= len(raw)):
        raise StoreError("invalid", f"message {data['id']}: version is not a place among its versions")
    try:
        versions = [[Message.from_dict(m) for m in v] for v in raw]
    except StoreError as exc:
        raise StoreError("invalid", f"message {data['id']}: a version: {exc}") from None
    if any(v[0].role != data["role"] for v in versions):
        raise StoreError("invalid", f"message {data['id']}: a version starts with another role")
    return versions, version if versions else 0


@dataclass
class Message:
    id: str
    role: str  # "user" | "assistant"
    text: str
    created_at: float  # seconds since the epoch
    # assistant: "final", "truncated", "content_filter", "stopped", "error"; user: "final"
    status: str = "final"
    usage: dict[str, int] | None = None  # {"input": int, "completion": int, "total": int}
    model_version: str = ""
    model: str = ""
    error: str = ""
    # A failed reply: what to paste to Yandex support (time, model, request ids, the server's words; no key).
    error_details: str = ""
    # Files sent with a user's message, in the order attached (written only when there are some); on a
    # reply drawn by YandexART, the picture.
    attachments: list[Attachment] = field(default_factory=list)
    # Answers from the web (written only when set): the reply went through web search; the cited sites.
    web: bool = False
    sources: list[str] = field(default_factory=list)
    # A picture drawn by YandexART: on the question (what was asked) and on the reply (what was drawn),
    # {"aspect": "16:9", "seed": 42, "avoid": "…"}; the reply's picture is in `attachments`.
    drawing: dict[str, Any] | None = None
    # Answer versions (see store/versions.py; written only when there are some; chat-file version 3): the
    # other versions of this turn, oldest first, each a list of messages (the turn's message then those
    # that followed it in that version). `version` is where this one, on screen, sits among them all.
    versions: list[list[Message]] = field(default_factory=list)
    version: int = 0

    def searchable_text(self) -> str:
        """The text search looks in: the message, the names and texts of its files, its web sources."""
        if not self.attachments and not self.sources:
            return self.text
        return "\n".join([self.text, *(a.name + ("\n" + a.text if a.text else "") for a in self.attachments),
                          *self.sources])

    @classmethod
    def new(cls, role: str, text: str, **kw: Any) -> Message:
        """A message with a fresh id and the current time (both may be given in `kw`)."""
        kw.setdefault("id", new_id())
        kw.setdefault("created_at", time.time())
        return cls(role=role, text=text, **kw)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "role": self.role, "text": self.text, "created_at": self.created_at,
            "status": self.status, "usage": self.usage, "model_version": self.model_version,
            "model": self.model, "error": self.error,
            **({"error_details": self.error_details} if self.error_details else {}),
            **({"attachments": [a.to_dict() for a in self.attachments]} if self.attachments else {}),
            **({"web": True} if self.web else {}),
            **({"sources": list(self.sources)} if self.sources else {}),
            **({"drawing": dict(self.drawing)} if self.drawing else {}),
            **({"versions": [[m.to_dict() for m in v] for v in self.versions], "version": self.version}
               if self.versions else {}),
        }

    @classmethod
    def from_dict(cls, data: object) -> Message:
        """Validates a message read from a file or an import; raises StoreError("invalid")."""
        if not isinstance(data, dict):
            raise StoreError("invalid", "a message is not a JSON object")
        if not is_valid_id(data.get("id")):
            raise StoreError("invalid", "a message has no valid id")
        if data.get("role") not in ROLES:
            raise StoreError("invalid", f"message {data.get('id')}: role must be 'user' or 'assistant'")
        if not isinstance(data.get("text"), str):
            raise StoreError("invalid", f"message {data['id']}: text is not a string")
        if not _is_number(data.get("created_at")):
            raise StoreError("invalid", f"message {data['id']}: created_at is not a number")
        for name in ("status", "model_version", "model", "error", "error_details"):
            if name in data and not isinstance(data[name], str):
                raise StoreError("invalid", f"message {data['id']}: {name} is not a string")
        usage = data.get("usage")
        if usage is not None and not _is_usage(usage):
            raise StoreError("invalid", f"message {data['id']}: usage is not a map of whole numbers")
        raw_attachments = data.get("attachments", [])
        if not isinstance(raw_attachments, list) or len(raw_attachments) > 100:
            raise StoreError("invalid", f"message {data['id']}: attachments is not a list")
        try:
            attachments = [Attachment.from_dict(a) for a in raw_attachments] if raw_attachments else []
        except StoreError as exc:
            raise StoreError("invalid", f"message {data['id']}: {exc}") from None
        web, sources, drawing = _web_and_drawing(data)
        # Most messages have no other versions: skip the checks (5,000 of them as a long chat opens).
        versions, version = _versions(data) if "versions" in data or "version" in data else ([], 0)
        return cls(id=data["id"], role=data["role"], text=data["text"],
                   created_at=clamp_time(data["created_at"]), status=data.get("status", "final"),
                   usage=dict(usage) if usage is not None else None,
                   model_version=data.get("model_version", ""), model=data.get("model", ""),
                   error=data.get("error", ""), error_details=data.get("error_details", ""),
                   attachments=attachments, web=web, sources=sources, drawing=drawing,
                   versions=versions, version=version)

    def versions_depth(self) -> int:
        """How deeply versions nest in this message (0: none): an edit keeps versions made further on."""
        return max((1 + max(m.versions_depth() for m in v) for v in self.versions), default=0)

    def check(self) -> None:
        """Raises StoreError("invalid") when this message could not be stored and read back as it is."""
        if self.versions_depth() > MAX_VERSION_DEPTH:
            raise StoreError("invalid", f"message {self.id}: its versions nest too deeply to be stored")
        read_back = Message.from_dict(self.to_dict())
        if (read_back.web, read_back.sources, read_back.drawing) != (self.web, self.sources, self.drawing):
            raise StoreError("invalid", f"message {self.id}: web, sources or drawing are not valid")
        if clamp_time(self.created_at) != self.created_at:
            raise StoreError("invalid", f"message {self.id}: created_at is not a time between 1970 and 3000")


@dataclass
class ChatSettings:
    system_prompt: str = ""
    model: str = ""  # "" = the app default
    temperature: float | None = None
    max_tokens: int | None = None
    reasoning: bool = False  # "think longer", where the model can
    economy: bool = False  # replies through the slower, cheaper asynchronous mode, where the model has it
    # Answers from the web: the chat's default for its "search the web" switch (each message may override it),
    # and the search's options: how much to read ("low"|"medium"|"high"), up to 5 sites, a Yandex region code.
    web_search: bool = False
    search_context: str = "medium"
    search_domains: list[str] = field(default_factory=list)
    search_region: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"system_prompt": self.system_prompt, "model": self.model,
                                "temperature": self.temperature, "max_tokens": self.max_tokens}
        # Written only when on, so files stay as they were for chats that never used them.
        if self.reasoning:
            data["reasoning"] = True
        if self.economy:
            data["economy"] = True
        if self.web_search:
            data["web_search"] = True
        if self.search_context != "medium":
            data["search_context"] = self.search_context
        if self.search_domains:
            data["search_domains"] = list(self.search_domains)
        if self.search_region:
            data["search_region"] = self.search_region
        return data

    @classmethod
    def from_dict(cls, data: object) -> ChatSettings:
        if not isinstance(data, dict):
            raise StoreError("invalid", "chat settings are not a JSON object")
        prompt = data.get("system_prompt", "")
        model = data.get("model", "")
        temperature = data.get("temperature")
        max_tokens = data.get("max_tokens")
        if not isinstance(prompt, str) or not isinstance(model, str):
            raise StoreError("invalid", "chat settings: system_prompt and model must be strings")
        if temperature is not None and not _is_number(temperature):
            raise StoreError("invalid", "chat settings: temperature must be a number")
        if temperature is not None and not 0 <= temperature <= 100:
            raise StoreError("invalid", "chat settings: temperature is out of range")
        if max_tokens is not None and not (is_count(max_tokens) and max_tokens <= 2**31):
            raise StoreError("invalid", "chat settings: max_tokens must be a whole number up to 2**31")
        reasoning, economy = data.get("reasoning", False), data.get("economy", False)
        if not isinstance(reasoning, bool) or not isinstance(economy, bool):
            raise StoreError("invalid", "chat settings: reasoning and economy must be true or false")
        web_search, context = data.get("web_search", False), data.get("search_context", "medium")
        domains, region = data.get("search_domains", []), data.get("search_region", "")
        if not isinstance(web_search, bool) or context not in ("low", "medium", "high"):
            raise StoreError("invalid", "chat settings: web_search must be true or false, search_context low, "
                                        "medium or high")
        if not (isinstance(domains, list) and len(domains) <= 5 and all(isinstance(d, str) for d in domains)
                and isinstance(region, str)):
            raise StoreError("invalid", "chat settings: search_domains must be up to 5 sites, search_region text")
        return cls(system_prompt=prompt, model=model,
                   temperature=None if temperature is None else float(temperature), max_tokens=max_tokens,
                   reasoning=reasoning, economy=economy, web_search=web_search, search_context=context,
                   search_domains=list(domains), search_region=region)


@dataclass(frozen=True)
class ChatSummary:
    id: str
    title: str
    created_at: float
    updated_at: float
    pinned: bool
    message_count: int
    read_only: bool


@dataclass
class Chat:
    summary: ChatSummary
    settings: ChatSettings
    messages: list[Message]


@dataclass(frozen=True)
class SearchHit:
    chat_id: str
    chat_title: str
    message_id: str | None  # None for a hit in the chat's title
    snippet: str
    highlights: list[tuple[int, int]]  # [start, end) ranges in `snippet`


@dataclass
class OpenReport:
    """What open() found. Later loads add to `quarantined` when they find a damaged file."""

    # Files moved (or, for a damaged chat whose good lines were kept, copied) to the quarantine
    # folder, with the reason in plain words.
    quarantined: list[tuple[Path, str]] = field(default_factory=list)
    read_only: list[str] = field(default_factory=list)  # chat ids written by a newer version
    migrated: list[str] = field(default_factory=list)  # chat ids upgraded from an older format
    repaired: list[str] = field(default_factory=list)  # chat ids whose bad lines were dropped
    notes: list[str] = field(default_factory=list)  # anything else worth a log line


@dataclass(frozen=True)
class StoreChange:
    """One change to the store, as told to its listeners (see ChatStore.subscribe)."""

    chat_id: str
    kind: str  # "created" | "changed" | "deleted"
