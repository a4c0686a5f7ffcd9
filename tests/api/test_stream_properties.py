"""Property tests of both stream parsers (issue 17): any bytes, cut anywhere, give Completions or an
ApiError, never another exception; and the line splitter is exact however the bytes are cut."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.api import ApiError, ChatMessage, Completion, Credentials, OpenAICompatClient, YandexGptClient
from desktop_chat.api.openai_compat import parse_sse_stream
from desktop_chat.api.transport import Tail, split_lines
from desktop_chat.api.yandex_native import parse_ndjson_stream
from tests.fakes.yandex_server import FakeYandexServer
from tests.fixtures.fake_server import FAKE_MODEL_URI, FAKE_QWEN_URI

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["ALTERNATIVE_STATUS_FINAL", "ALTERNATIVE_STATUS_PARTIAL", "stop", "length", "[DONE]"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["result", "error", "alternatives", "message", "text", "status", "usage", "choices",
                         "delta", "content", "reasoning_content", "finish_reason", "inputTextTokens",
                         "prompt_tokens", "completion_tokens_details", "reasoning_tokens", "code", "httpCode"])
        | st.text(max_size=5), inner, max_size=4),
    max_leaves=10,
)  # fmt: skip
weird_tokens = st.sampled_from([
    b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000, b"[" * 200, b"\xff\xfe", b'"\\ud800"', b"\x00", b"\r",
    b"\n", b"data: ", b"data:[DONE]", b": comment", b"",
])  # fmt: skip


def _dump(value: object) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


native_line = st.one_of(
    json_values.map(lambda v: _dump({"result": v})),
    json_values.map(lambda v: _dump({"error": v})),
    st.builds(lambda text, status: _dump({"result": {"alternatives": [{"message": {"text": text}, "status": status}]}}),
              st.text(max_size=20), st.sampled_from(["ALTERNATIVE_STATUS_FINAL", "ALTERNATIVE_STATUS_PARTIAL", 7])),
    json_values.map(_dump),
    weird_tokens,
    st.binary(max_size=40),
)  # fmt: skip
sse_line = st.one_of(
    json_values.map(lambda v: b"data: " + _dump(v)),
    st.builds(lambda c, f: b"data: " + _dump({"choices": [{"delta": {"content": c}, "finish_reason": f}]}),
              st.text(max_size=10) | st.none() | st.integers(),
              st.sampled_from([None, "stop", "length", 3]) | st.text()),
    json_values.map(lambda v: b"data: " + _dump({"choices": [], "usage": v})),
    json_values.map(lambda v: b"data: " + _dump({"error": v})),
    st.just(b"data: [DONE]"), st.just(b""), weird_tokens, st.binary(max_size=40),
)  # fmt: skip


def _cut(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(body) + 1) for c in cuts})
    return [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=False)]


def _only_completions_or_api_error(items) -> list[Completion] | ApiError:
    out = []
    try:
        for item in items:
            assert isinstance(item, Completion) and isinstance(item.text, str) and isinstance(item.reasoning_text, str)
            out.append(item)
    except ApiError as error:
        return error
    return out


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(native_line, max_size=8), cuts=st.lists(st.integers(0, 10_000), max_size=6),
       newline_at_end=st.booleans(), limit=st.sampled_from([16, 4 * 1024 * 1024]))  # fmt: skip
def test_native_parser_any_bytes(lines, cuts, newline_at_end, limit):
    body = b"\n".join(lines) + (b"\n" if newline_at_end else b"")
    _only_completions_or_api_error(parse_ndjson_stream(split_lines(_cut(body, cuts), limit)))


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(sse_line, max_size=10), cuts=st.lists(st.integers(0, 10_000), max_size=6),
       sep=st.sampled_from([b"\n", b"\n\n", b"\r\n\r\n"]), limit=st.sampled_from([16, 4 * 1024 * 1024]),
       reply_cap=st.sampled_from([3, 16 * 1024 * 1024]))  # fmt: skip
def test_sse_parser_any_bytes(lines, cuts, sep, limit, reply_cap):
    body = sep.join(lines) + sep
    _only_completions_or_api_error(parse_sse_stream(split_lines(_cut(body, cuts), limit), max_reply_bytes=reply_cap))


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=300), cuts=st.lists(st.integers(0, 400), max_size=8))
def test_raw_bytes_into_both_parsers(raw, cuts):
    for parse in (parse_ndjson_stream, parse_sse_stream):
        _only_completions_or_api_error(parse(split_lines(_cut(raw, cuts))))


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=300) | st.lists(native_line | sse_line, max_size=6).map(b"\n".join),
       cuts=st.lists(st.integers(0, 400), max_size=8))  # fmt: skip
def test_split_lines_is_exact_however_the_bytes_are_cut(body, cuts):
    lines = list(split_lines(_cut(body, cuts)))
    expected = body.split(b"\n")
    if expected[-1] == b"":
        expected.pop()
    assert lines == expected
    assert all(isinstance(line, Tail) == (i == len(lines) - 1 and not body.endswith(b"\n")) for i, line in
               enumerate(lines))  # fmt: skip


# --- the same over real HTTP: whatever a server sends as a 200 stream ---


@pytest.fixture(scope="module")
def server():
    with FakeYandexServer(chunk_delay=0) as server:
        yield server


@pytest.fixture(scope="module")
def clients(server):
    creds = Credentials("api_key", "prop-test-key", "b1gfolder")
    native, compat = YandexGptClient(creds, server.url, timeout=5), OpenAICompatClient(creds, server.url, timeout=5)
    yield native, compat
    native.close()
    compat.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=200) | st.lists(native_line | sse_line, max_size=6).map(b"\n".join))
def test_any_stream_body_over_http(server, clients, body):
    native, compat = clients
    hello = [ChatMessage("user", "x")]
    server.fail_next(200, body=body, times=2)
    _only_completions_or_api_error(native.stream(FAKE_MODEL_URI, hello))
    _only_completions_or_api_error(compat.stream(FAKE_QWEN_URI, hello))
