"""The fake server's text machinery: a tokenizer that joins back to the exact text, long replies, chunk plans."""

from __future__ import annotations

import re
import zlib
from typing import Any

# --- the fake tokenizer -------------------------------------------------------------------------

# A token is a word or one punctuation mark with the whitespace before it; joined back, the pieces
# give the exact text. Roughly what a real tokenizer does for Russian and English prose.
_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])|\s+")


def split_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(split_tokens(text))


def token_json(piece: str, special: bool = False) -> dict[str, Any]:
    token_id = {"<s>": 1, "</s>": 2, "[NL]": 3}.get(piece) if special else None
    if token_id is None:
        token_id = 100 + zlib.crc32(piece.encode("utf-8")) % 120000  # deterministic across runs
    out: dict[str, Any] = {"id": str(token_id), "text": piece.replace(" ", "▁")}
    if special:
        out["special"] = True
    return out


_ROLE_NAMES = {"system": "Система", "user": "Пользователь", "assistant": "Ассистент"}


def completion_tokens(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tokens of a whole request, shaped like the real tokenizeCompletion reply."""
    tokens = [token_json("<s>", special=True)]
    for message in messages:
        role = _ROLE_NAMES.get(str(message.get("role")), "Пользователь")
        tokens += [token_json(p) for p in split_tokens(f" {role}: {message.get('text', '')}")]
        tokens.append(token_json("[NL]", special=True))
    return tokens


_LONG_SENTENCES = (
    "Это длинный ответ для проверки интерфейса.",
    "Он содержит **жирный текст**, `код` и обычные слова, чтобы отрисовка была похожа на настоящую.",
    "Каждый абзац повторяет одни и те же фразы, зато длина ответа точно известна.",
    "Markdown here is mixed with English sentences, numbers like 42 and 3.14, and punctuation!",
)


def long_text(n_tokens: int) -> str:
    """Deterministic Markdown prose of exactly `n_tokens` fake tokens (for long-reply tests and benches)."""
    parts: list[str] = []
    tokens = 0
    i = 0
    while tokens < n_tokens:
        sentence = _LONG_SENTENCES[i % len(_LONG_SENTENCES)]
        parts.append(("\n\n" if i % 8 == 0 else " ") + sentence if parts else sentence)
        tokens += count_tokens(parts[-1])
        i += 1
    return "".join(split_tokens("".join(parts))[:n_tokens])



class ChunkPlan:
    """The cumulative texts of one reply, built on demand.

    A 20,000-token reply has over a thousand prefixes, so generated replies keep only the token
    pieces and where each chunk ends; scripted replies may instead list any texts at all.
    """

    def __init__(
        self,
        *,
        texts: list[str] | None = None,
        tokens: list[str] | None = None,
        ends: list[int] | None = None,
    ) -> None:
        self.texts = texts
        self.tokens = tokens or []
        self.ends = ends or []

    @classmethod
    def from_text(cls, text: str, chunks: int | None = None, tokens_per_chunk: int | None = None) -> ChunkPlan:
        tokens = split_tokens(text) or [""]
        per_chunk = tokens_per_chunk or -(-len(tokens) // max(1, chunks or 4))  # ceil(tokens / chunks)
        size = max(1, per_chunk)
        return cls(tokens=tokens, ends=[*range(size, len(tokens), size), len(tokens)])

    def __len__(self) -> int:
        return len(self.texts) if self.texts is not None else len(self.ends)

    def text(self, i: int) -> str:
        return self.texts[i] if self.texts is not None else "".join(self.tokens[: self.ends[i]])

    def count(self, i: int) -> int:
        return count_tokens(self.texts[i]) if self.texts is not None else self.ends[i]

    def head(self, n: int) -> ChunkPlan:
        if self.texts is not None:
            return ChunkPlan(texts=self.texts[:n])
        return ChunkPlan(tokens=self.tokens, ends=self.ends[:n])

    def cut_at(self, max_tokens: int) -> ChunkPlan | None:
        """The reply stopped at `max_tokens`, or None if it fits."""
        if self.count(len(self) - 1) <= max_tokens:
            return None
        if self.texts is None:
            return ChunkPlan(tokens=self.tokens, ends=[e for e in self.ends if e < max_tokens] + [max_tokens])
        cut = "".join(split_tokens(self.texts[-1])[:max_tokens])
        return ChunkPlan(texts=[t for t in self.texts if count_tokens(t) < max_tokens and cut.startswith(t)] + [cut])

