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


@pytest.mark.parametrize("text", ['{"a": [{"b": 1e400}]}', '[1, [2, [3, -1e999]]]', '{"a": {"b": ' + str(10**30) + "}}",
                                  '[{"x": "1e400"}, {"y": ' + str(-10**30) + "}]",
                                  '{"usage": {"total": ' + "9" * 4000 + "}}"])
def test_refused_inside_objects_and_lists(text: str) -> None:
    """Numbers are parsed by the C scanner and checked after: the check must reach every nesting level."""
    with pytest.raises(UnsafeJson):
        loads(text)
    with pytest.raises(UnsafeJson):
        loads(text.encode("utf-8"))


def test_byte_order_mark_as_json_loads() -> None:
    with pytest.raises(UnsafeJson):
        loads('\ufeff{"a": 1}')  # text: refused, like json.loads
    assert loads('\ufeff{"a": 1}'.encode()) == {"a": 1}  # bytes: read as UTF-8 with a BOM, like json.loads


def test_numbers_just_inside_the_limits_are_kept() -> None:
    big = 10**30 - 1  # 30 digits
    text = f'{{"a": [{big}, {-big}, 1.5e308, -2.5e-300, {{"b": [true, false, null, "1e400"]}}]}}'
    assert loads(text) == json.loads(text)


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
