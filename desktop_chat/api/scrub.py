"""Scrubbing secrets out of text a server sent (servers echo keys back). No Qt here."""

from __future__ import annotations

import re
from collections.abc import Iterable

HIDDEN = "[hidden]"

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Things that look like credentials even when we do not know the secret:
_KEY_LIKE = [
    # Authorization header values echoed back
    re.compile(r"(?i)\b(api-key|bearer)\s+\S+"),
    # "Unknown api key 'xxx'", "token: xxx", "api_key=xxx"
    re.compile(r"""(?i)\b((?:api[\s_-]?key|iam[\s_-]?token|token|secret|password)\s*[:=]?\s*)(['"])[^'"]*\2"""),
    re.compile(r"(?i)\b((?:api[_-]?key|token|secret|password)\s*[:=]\s*)[^\s'\",;&]+"),
    # Yandex API keys (AQVN…) and IAM tokens (t1.…)
    re.compile(r"\bAQVN[A-Za-z0-9_\-]{10,}"),
    re.compile(r"\bt1\.[A-Za-z0-9_\-.]{10,}"),
]
# A long run of key characters with both letters and digits: a key we could not otherwise recognise.
# Dots split runs, so dotted names (ai.textGenerationCompletionSessionsCount.count) survive; UUIDs
# are request ids and are kept too.
# (Found as plain runs and checked in Python: lookaheads here took quadratic time on a long run of digits.)
_LONG_RUN = re.compile(r"[\w-]{30,}", re.ASCII)
_HAS_DIGIT = re.compile(r"[0-9]")
_HAS_LETTER = re.compile(r"[A-Za-z]")


def _hide_long_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if _UUID.fullmatch(run) or not _HAS_DIGIT.search(run) or not _HAS_LETTER.search(run):
        return run
    return HIDDEN
_MAX_DETAIL = 2000


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove the given secrets and anything key-like from server text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            while secret in text:
                text = text.replace(secret, HIDDEN)
    text = _KEY_LIKE[0].sub(lambda m: f"{m.group(1)} {HIDDEN}", text)
    text = _KEY_LIKE[1].sub(lambda m: f"{m.group(1)}{m.group(2)}{HIDDEN}{m.group(2)}", text)
    text = _KEY_LIKE[2].sub(lambda m: f"{m.group(1)}{HIDDEN}", text)
    for pattern in _KEY_LIKE[3:]:
        text = pattern.sub(HIDDEN, text)
    text = _LONG_RUN.sub(_hide_long_run, text)
    if len(text) > _MAX_DETAIL:
        text = text[:_MAX_DETAIL] + "…"
    return text
