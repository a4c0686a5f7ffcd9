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


# One decoder for every call: json.loads with hooks builds a new one each time (2-3 µs, 5,000 times as a
# long chat opens). Numbers are parsed by the C scanner and checked afterwards (_numbers_ok): hooks for
# parse_int/parse_float made every number a Python call, a third of the time a chat file took to read.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_SCAN = _DECODER.scan_once  # type: ignore[attr-defined]  # the C scanner itself: one value from a position, (value, end)
_TOO_BIG = 10**MAX_INT_DIGITS


def _numbers_ok(value: Any) -> bool:
    """Every number in a parsed value is finite (1e400 parses as inf) and has at most MAX_INT_DIGITS digits.
    Recursion is bounded: the text was checked for depth before it was parsed."""
    if type(value) is dict:
        items: Any = value.values()
    elif type(value) is list:
        items = value
    else:
        items = (value,)
    for item in items:
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is float:
            if not math.isfinite(item):
                return False
        elif kind is int:
            if not -_TOO_BIG < item < _TOO_BIG:
                return False
        elif (kind is dict or kind is list) and not _numbers_ok(item):
            return False
    return True


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _depth_ok(text: str | bytes, limit: int) -> bool:
    """A cheap scan before parsing: brackets outside strings never nest deeper than `limit`.
    Strings are cut out by a regular expression and only the brackets left are walked (a byte loop
    in Python took 0.26 s for a 2.8 MB index); an unterminated string leaves its brackets counted,
    which only refuses text that is not JSON anyway."""
    if isinstance(text, str):
        if text.count("[") + text.count("{") <= limit:  # counted on the text: encoding it cost more
            return True
        data = text.encode("utf-8", "surrogatepass")
    else:
        data = text
        if data.count(b"[") + data.count(b"{") <= limit:
            return True
    brackets = _BRACKETS.findall(_STRING.sub(b"", data))
    return all(depth <= limit for depth in itertools.accumulate(_DEPTH_STEP[b[0]] for b in brackets))


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads` for untrusted text; raises UnsafeJson (a ValueError) for anything it refuses."""
    if not _depth_ok(text, max_depth):
        raise UnsafeJson(f"nested deeper than {max_depth} levels")
    try:
        if not isinstance(text, str):  # as json.loads does: UTF-8, -16 or -32, told apart by the first bytes
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        elif text.startswith("\ufeff"):
            raise ValueError("a byte order mark before JSON text")
        try:  # the usual case, text that is one value and nothing else: the scanner without decode()'s checks
            value, end = _SCAN(text, 0)
        except StopIteration:
            end = -1
        if end != len(text):  # whitespace around it, extra data, or not JSON: decode() accepts or explains
            value = _DECODER.decode(text)
    except UnsafeJson:
        raise
    except (ValueError, RecursionError, UnicodeDecodeError, OverflowError) as exc:
        raise UnsafeJson(f"not valid JSON: {type(exc).__name__}") from None
    if not _numbers_ok(value):
        raise UnsafeJson("a number too large or with too many digits")
    return value
