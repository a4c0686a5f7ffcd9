"""JSON from files and servers, read as untrusted input. No Qt here.

`json.loads` accepts what a crafted or damaged file can use to hurt the app: `NaN`/`Infinity`,
numbers too large for a float or for int() (OverflowError, ValueError far from the read), and
nesting deep enough to raise RecursionError. `loads` turns all of those into one `ValueError`,
so each loader has a single error to turn into its own ("damaged file", "unreadable reply").
"""

from __future__ import annotations

import itertools
import json
import math
import re
from typing import Any

MAX_DEPTH = 64  # our files and replies nest a handful of levels; this leaves room and stops bombs
MAX_INT_DIGITS = 30  # int64 has 19 digits; anything much longer is not a count or a time


class UnsafeJson(ValueError):
    """The text is not JSON, or is JSON that no file or reply of ours can contain."""


def _reject_constant(name: str) -> Any:
    raise UnsafeJson(f"{name} is not a number JSON allows")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise UnsafeJson("a number with too many digits")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 400:
        raise UnsafeJson("a number with too many digits")
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJson("a number too large")
    return value


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _depth_ok(text: str | bytes, limit: int) -> bool:
    """A cheap scan before parsing: brackets outside strings never nest deeper than `limit`.
    Strings are cut out by a regular expression and only the brackets left are walked (a byte loop
    in Python took 0.26 s for a 2.8 MB index); an unterminated string leaves its brackets counted,
    which only refuses text that is not JSON anyway."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:
        return True
    brackets = _BRACKETS.findall(_STRING.sub(b"", data))
    return all(depth <= limit for depth in itertools.accumulate(_DEPTH_STEP[b[0]] for b in brackets))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads` for untrusted text; raises UnsafeJson (a ValueError) for anything it refuses."""
    if not _depth_ok(text, max_depth):
        raise UnsafeJson(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int, parse_float=_parse_float)
    except UnsafeJson:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError, OverflowError) as exc:
        raise UnsafeJson(f"not valid JSON: {type(exc).__name__}") from None
