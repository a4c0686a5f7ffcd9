"""Every response is input (issue 17, findings 6 and 9): caps, linear buffering, an overall deadline,
and malformed values turned into MalformedResponseError, on both surfaces, over real HTTP."""

import time
import tracemalloc

import pytest

from desktop_chat.api import (
    ApiError,
    ApiTimeoutError,
    CancelToken,
    ChatMessage,
    Credentials,
    MalformedResponseError,
    OpenAICompatClient,
    Status,
    YandexGptClient,
)
from desktop_chat.api.errors import error_from_response
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID, FAKE_MODEL_URI, FAKE_QWEN_URI

HELLO = [ChatMessage("user", "Привет")]
MB = 1024 * 1024
CREDS = Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID)


def _stream(surface: str, server, **kw):
    if surface == "native":
        client = YandexGptClient(CREDS, server.url, timeout=5.0, **kw)
        return client, lambda cancel=None: client.stream(FAKE_MODEL_URI, HELLO, cancel=cancel)
    client2 = OpenAICompatClient(CREDS, server.url, timeout=5.0, **kw)
    return client2, lambda cancel=None: client2.stream(FAKE_QWEN_URI, HELLO, cancel=cancel)


SURFACES = ["native", "openai"]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("with_token", [False, True])
def test_100_mb_without_a_newline_fails_fast_with_bounded_memory(fake_server, surface, with_token):
    fake_server.inject("flood", after_chunks=1, total_bytes=100 * MB, chunk_size=64 * 1024)
    client, stream = _stream(surface, fake_server)
    seen = []
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(MalformedResponseError) as info:
            for item in stream(CancelToken() if with_token else None):
                seen.append(item)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        client.close()
    assert "a line longer than" in info.value.detail
    assert elapsed < 5.0
    assert peak < 40 * MB  # the 4 MB line cap, not the 100 MB the server offered
    assert len(seen) == 1 and seen[0].status is Status.PARTIAL  # the partial reply was handed out first


@pytest.mark.parametrize("surface", SURFACES)
def test_20_mb_in_100_byte_chunks_fails_fast(fake_server, surface):
    fake_server.inject("flood", after_chunks=1, total_bytes=20 * MB, chunk_size=100)
    client, stream = _stream(surface, fake_server)
    started = time.monotonic()
    with pytest.raises(MalformedResponseError):
        list(stream())
    client.close()
    assert time.monotonic() - started < 5.0  # linear: 41,943 reads into one growing buffer, no re-copying


@pytest.mark.parametrize("surface", SURFACES)
def test_a_line_cap_can_be_set(fake_server, surface):
    fake_server.inject("flood", after_chunks=1, total_bytes=10 * MB, chunk_size=1000)
    client, stream = _stream(surface, fake_server, max_line_bytes=10_000)
    with pytest.raises(MalformedResponseError) as info:
        list(stream())
    client.close()
    assert "10000" in info.value.detail


@pytest.mark.parametrize("surface", SURFACES)
def test_a_trickling_server_meets_the_overall_deadline(fake_server, surface):
    # One byte every 20 ms: the per-read timeout (5 s) never fires; the total deadline does.
    fake_server.inject("flood", after_chunks=1, total_bytes=10**6, chunk_size=1, interval=0.02)
    client, stream = _stream(surface, fake_server, total_timeout=1.0)
    started = time.monotonic()
    seen = []
    with pytest.raises(ApiTimeoutError):
        for item in stream(CancelToken()):
            seen.append(item)
    client.close()
    assert 0.9 < time.monotonic() - started < 2.0
    assert len(seen) == 1


def test_a_whole_reply_cap(fake_server):
    # OpenAI-compatible: deltas add up; past the cap the reply is refused (what was shown stays shown).
    fake_server.script_chat(deltas=["x" * 100] * 50, delay=0)
    client, stream = _stream("openai", fake_server, max_reply_bytes=1000)
    seen = []
    with pytest.raises(MalformedResponseError):
        for item in stream():
            seen.append(item.text)
    assert len(seen) == 10 and seen[-1] == "x" * 1000
    # A non-streamed body is capped too, on both surfaces.
    fake_server.script_chat("слово " * 500, delay=0)
    with pytest.raises(MalformedResponseError):
        client.complete(FAKE_QWEN_URI, HELLO)
    client.close()
    fake_server.script_reply("слово " * 500)
    with YandexGptClient(CREDS, fake_server.url, max_reply_bytes=1000) as native, pytest.raises(MalformedResponseError):
        native.complete(FAKE_MODEL_URI, HELLO)


_ALT = b'{"result": {"alternatives": [{"message": {"text": "a"}, "status": "ALTERNATIVE_STATUS_FINAL"}],'
NATIVE_BAD = {
    "infinity": _ALT + b' "usage": {"inputTextTokens": Infinity}}}',
    "huge_int": _ALT + b' "usage": {"inputTextTokens": ' + b"9" * 5000 + b"}}}",
    "huge_int_string": _ALT + b' "usage": {"inputTextTokens": "' + b"9" * 400 + b'"}}}',
    "deep": b'{"result": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "undecodable": b'{"result": {"alternatives": [{"message": {"text": "\xff\xfe"}}]}}',
    "huge_float": b'{"result": {"alternatives": [{"message": {"text": "a"}}]}, "x": 1e999}',
}
OPENAI_BAD = {
    "infinity": b'{"choices": [{"index": 0, "delta": {"content": "a"}}], "usage": {"prompt_tokens": NaN}}',
    "huge_int": b'{"choices": [], "usage": {"prompt_tokens": ' + b"9" * 5000 + b"}}",
    "huge_int_in_range_of_json": b'{"choices": [], "usage": {"prompt_tokens": ' + b"9" * 25 + b"}}",
    "deep": b'{"choices": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "undecodable": b'{"choices": [{"index": 0, "delta": {"content": "\xc3\x28"}}]}',
    "not_text": b'{"choices": [{"index": 0, "delta": {"content": {"a": 1}}}]}',
}


@pytest.mark.parametrize("name", sorted(NATIVE_BAD))
def test_malformed_values_native(fake_server, fake_client, name):
    fake_server.inject("malformed", after_chunks=1, body=NATIVE_BAD[name])
    seen = []
    with pytest.raises(MalformedResponseError) as info:
        for item in fake_client.stream(FAKE_MODEL_URI, HELLO):
            seen.append(item)
    assert len(seen) == 1  # the partial reply stays with the caller
    assert info.value.user_message("en").startswith("The server sent a reply the app could not read")
    fake_server.fail_next(200, body=NATIVE_BAD[name])
    with pytest.raises(MalformedResponseError):
        fake_client.complete(FAKE_MODEL_URI, HELLO)


@pytest.mark.parametrize("name", sorted(OPENAI_BAD))
def test_malformed_values_openai(fake_server, openai_client, name):
    fake_server.inject("malformed", after_chunks=1, body=OPENAI_BAD[name])
    seen = []
    with pytest.raises(MalformedResponseError):
        for item in openai_client.stream(FAKE_QWEN_URI, HELLO):
            seen.append(item)
    assert len(seen) == 1
    body = OPENAI_BAD[name].replace(b'"delta"', b'"message"').replace(b'"choices": []', b'"choices": [{}]')
    fake_server.fail_next(200, body=body)
    with pytest.raises(MalformedResponseError):
        openai_client.complete(FAKE_QWEN_URI, HELLO)


@pytest.mark.parametrize(
    "body",
    [b'{"error": {"message": "x", "httpCode": ' + b"9" * 5000 + b"}}", b"[" * 50_000, b'{"error": {"message": NaN}}',
     b"\xff\xfe\x00garbage", b'{"error": {"message": ' + b"[" * 60 + b"]" * 60 + b"}}"],
)  # fmt: skip
def test_error_bodies_never_raise_anything_else(fake_server, fake_client, openai_client, body):
    assert isinstance(error_from_response(500, body), ApiError)
    fake_server.fail_next(400, body=body, times=2)
    with pytest.raises(ApiError):
        fake_client.complete(FAKE_MODEL_URI, HELLO)
    with pytest.raises(ApiError):
        openai_client.complete(FAKE_QWEN_URI, HELLO)


@pytest.mark.parametrize("text", ["9" * 65536, "a1" * 32768, "Unknown api key '" + "k" * 65536, "x " * 32768])
def test_scrubbing_a_long_error_body_is_linear(text):
    from desktop_chat.api.errors import scrub

    started = time.perf_counter()
    scrub(text, ["secret-value"])
    assert time.perf_counter() - started < 0.2  # the old lookahead pattern took ~1 s per 5,000 digits
