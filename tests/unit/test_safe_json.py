"""safe_json.loads: JSON from files and servers as untrusted input (issue 17)."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_chat.safe_json import MAX_DEPTH, UnsafeJson, loads


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e400", "-1e400", str(10**400),
                                  "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "[" * 200_000, "{", "",
                                  b"\xff\xfe\xfd", '{"a": 1} x', "1" * 31])
def test_refused(text: str | bytes) -> None:
    with pytest.raises(UnsafeJson):
        loads(text)


@pytest.mark.parametrize("text", ['{"a": [1, 2.5, "x", null, true]}', "[" * MAX_DEPTH + "]" * MAX_DEPTH,
                                  '"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["',
                                  str(2**63), "1e308", '"\\ud800"', "[" * 70 + "]" * 70 + " " * 0])
def test_accepted_like_json(text: str) -> None:
    if text.count("[") > MAX_DEPTH and not text.startswith('"'):
        with pytest.raises(UnsafeJson):
            loads(text)
        return
    assert loads(text) == json.loads(text)
    assert loads(text.encode("utf-8", "surrogatepass")) == json.loads(text)


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"s": "[{" * 10_000, "t": "\\\"[[[["})
    assert loads(text) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200),
                 st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
                              lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.text(max_size=3), inner, max_size=3)),
                              max_leaves=30).map(lambda v: json.dumps(v, allow_nan=True))))
def test_any_input_is_a_value_or_unsafe_json(data: str | bytes) -> None:
    with contextlib.suppress(UnsafeJson):
        loads(data)
