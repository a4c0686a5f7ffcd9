"""The OpenAI-compatible client against the fake server over real HTTP: samples, deltas, reasoning, errors, cancel."""

import itertools
import json
import threading
import time

import pytest
import requests

from desktop_chat.api import (
    AuthenticationError,
    BadRequestError,
    CancelToken,
    ChatMessage,
    CompletionOptions,
    ConnectionLostError,
    Credentials,
    MalformedResponseError,
    OpenAICompatClient,
    RateLimitError,
    Status,
    StreamError,
    Usage,
)
from desktop_chat.api.client import _readers
from tests.fakes.yandex_server import long_text, sample_bytes
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID, FAKE_GPT_OSS_URI, FAKE_QWEN_URI

HELLO = [ChatMessage("system", "Be brief"), ChatMessage("user", "Привет")]
CANCEL_LIMIT_S = 0.2


def _sse_deltas(raw: bytes) -> tuple[str, dict]:
    """The text a recorded SSE body adds up to, and its usage, computed independently of the client."""
    text, usage = "", {}
    for line in raw.decode().splitlines():
        if line.startswith("data: {"):
            chunk = json.loads(line[len("data: ") :])
            for choice in chunk["choices"]:
                text += choice["delta"].get("content") or ""
            usage = chunk.get("usage") or usage
    return text, usage


# --- the real recorded samples parse to exactly their text ---


def test_sample_04_non_streamed(fake_server, openai_client):
    fake_server.replay_openai_sample("04")
    result = openai_client.complete(FAKE_QWEN_URI, HELLO)
    assert (result.text, result.status, result.reasoning_text) == ("7", Status.FINAL, "")
    assert result.usage == Usage(input_tokens=20, completion_tokens=2, total_tokens=22)


def test_sample_05_stream_without_usage(fake_server, openai_client):
    fake_server.replay_openai_sample("05")
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    assert [c.text for c in items] == ["The", "The result of 7@8 is -5.", "The result of 7@8 is -5."]
    assert [c.status for c in items] == [Status.PARTIAL, Status.PARTIAL, Status.FINAL]
    assert items[-1].usage is None  # the yandexgpt stream had no usage chunk


def test_sample_09_long_stream_with_usage_chunk(fake_server, openai_client):
    expected, usage = _sse_deltas(sample_bytes("09"))
    assert len(expected) > 2000 and usage["completion_tokens"] == 741
    fake_server.replay_openai_sample("09")
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO, cancel=CancelToken()))
    assert items[-1].text == expected
    assert items[-1].status is Status.FINAL
    assert items[-1].usage == Usage(input_tokens=20, completion_tokens=741, total_tokens=761)
    for before, after in itertools.pairwise(items):
        assert after.text.startswith(before.text)  # whole text so far, growing


@pytest.mark.parametrize("turn", [0, 1, 2])
def test_sample_08_three_turns(fake_server, openai_client, turn):
    recorded = json.loads(sample_bytes("08"))[turn]
    fake_server.replay_openai_sample("08", turn=turn)
    messages = [ChatMessage(m["role"], m["content"]) for m in recorded["request_body"]["messages"]]
    result = openai_client.complete(FAKE_QWEN_URI, messages)
    assert result.text == recorded["response_body"]["choices"][0]["message"]["content"]
    assert result.usage is not None and result.usage.total_tokens == recorded["response_body"]["usage"]["total_tokens"]
    # the request carries the system prompt and the whole history, in order
    sent = fake_server.last_request.body["messages"]
    assert sent == [{"role": m.role, "content": m.text} for m in messages]


def test_models_list_replays_sample_07(fake_server, openai_client):
    ids = openai_client.list_models()
    raw = json.loads(sample_bytes("07"))
    assert ids == [m["id"] for m in raw["data"] if not m["id"].startswith("emb://")]
    assert len(ids) == 9 and all(i.startswith("gpt://") for i in ids)
    request = fake_server.last_request
    assert (request.method, request.path) == ("GET", "/v1/models")
    assert request.headers["openai-project"] == FAKE_FOLDER_ID
    assert request.headers["authorization"] == f"Api-Key {FAKE_API_KEY}"
    # byte for byte
    assert requests.get(fake_server.url + "/v1/models", headers={"Authorization": "Api-Key k"}).content == (
        sample_bytes("07")
    )


# --- deltas are APPENDED (the native stream replaces) ---


def test_deltas_are_appended(fake_server, openai_client):
    fake_server.script_chat(deltas=["Hel", "lo, ", "wor", "ld!"], delay=0)
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    assert [c.text for c in items] == ["Hel", "Hello, ", "Hello, wor", "Hello, world!", "Hello, world!"]
    assert items[-1].status is Status.FINAL and items[-1].usage is not None


def test_default_reply_and_body(fake_server, openai_client):
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO, CompletionOptions(temperature=0.6, max_tokens=77)))
    assert items[-1].text == "Вы написали: «Привет». Сообщений в запросе: 2."
    assert len(items) == 5  # 4 deltas, then the final update with usage
    assert fake_server.last_request.body == {
        "model": FAKE_QWEN_URI,
        "messages": [{"role": "system", "content": "Be brief"}, {"role": "user", "content": "Привет"}],
        "temperature": 0.6,
        "max_tokens": 77,
        "stream": True,
    }
    assert fake_server.last_request.path == "/v1/chat/completions"


def test_json_line_split_across_network_reads(fake_server, openai_client):
    # Every byte of the reply in its own HTTP chunk (and TCP segment): events arrive in pieces.
    fake_server.inject("bytewise")
    fake_server.script_chat(deltas=["Раз", ", два", ", три"], reasoning=["хм"], delay=0)
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    assert items[-1].text == "Раз, два, три" and items[-1].reasoning_text == "хм"
    assert items[-1].status is Status.FINAL
    fake_server.inject("bytewise")
    fake_server.replay_openai_sample("05")
    assert list(openai_client.stream(FAKE_QWEN_URI, HELLO))[-1].text == "The result of 7@8 is -5."


def test_reasoning_content_is_its_own_text(fake_server, openai_client):
    fake_server.script_chat(deltas=["Ответ", ": 42"], reasoning=["Сначала ", "подумаю."], delay=0)
    items = list(openai_client.stream(FAKE_GPT_OSS_URI, HELLO))
    assert [c.reasoning_text for c in items[:2]] == ["Сначала ", "Сначала подумаю."]
    assert [c.text for c in items[:2]] == ["", ""]
    assert items[-1].text == "Ответ: 42" and items[-1].reasoning_text == "Сначала подумаю."
    assert items[-1].usage is not None and items[-1].usage.reasoning_tokens == 3  # fake tokens


def test_reasoning_effort_only_where_accepted(fake_server, openai_client):
    thinking = CompletionOptions(reasoning=True)
    result = openai_client.complete(FAKE_GPT_OSS_URI, HELLO, thinking)
    assert fake_server.last_request.body["reasoning_effort"] == "high"
    assert result.reasoning_text and result.usage is not None and result.usage.reasoning_tokens > 0
    openai_client.complete(FAKE_QWEN_URI, HELLO, thinking)  # Qwen does not take it: left out
    assert "reasoning_effort" not in fake_server.last_request.body
    openai_client.complete(FAKE_GPT_OSS_URI, HELLO)  # off: left out
    assert "reasoning_effort" not in fake_server.last_request.body
    list(openai_client.stream(FAKE_GPT_OSS_URI, HELLO, reasoning_effort="low"))  # the caller knows better
    assert fake_server.last_request.body["reasoning_effort"] == "low"
    with pytest.raises(BadRequestError):  # the fake refuses it for a model that does not take it
        openai_client.complete(FAKE_QWEN_URI, HELLO, reasoning_effort="high")


@pytest.mark.parametrize(
    ("finish", "status"),
    [("stop", Status.FINAL), ("length", Status.TRUNCATED), ("content_filter", Status.CONTENT_FILTER),
     ("tool_calls", Status.TOOL_CALLS), ("something_new", Status.UNSPECIFIED)],
)  # fmt: skip
def test_finish_reasons(fake_server, openai_client, finish, status):
    fake_server.script_chat(deltas=["a", "b"], finish_reason=finish, delay=0)
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    assert items[-1].status is status and items[-1].text == "ab"
    assert all(c.status is Status.PARTIAL for c in items[:-1])
    fake_server.script_chat(deltas=["a", "b"], finish_reason=finish, delay=0)
    assert openai_client.complete(FAKE_QWEN_URI, HELLO).status is status


def test_max_tokens_truncates(fake_server, openai_client):
    fake_server.script_chat("a b c d e f g h", chunks=4, delay=0)
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO, CompletionOptions(max_tokens=3)))
    assert items[-1].status is Status.TRUNCATED and items[-1].text == "a b c"


# --- headers ---


def test_headers_api_key_and_project(fake_server, openai_client):
    openai_client.complete(FAKE_QWEN_URI, HELLO)
    list(openai_client.stream(FAKE_QWEN_URI, HELLO, cancel=CancelToken()))
    openai_client.list_models()
    for request in fake_server.requests:
        assert request.headers["authorization"] == f"Api-Key {FAKE_API_KEY}"
        assert request.headers["openai-project"] == FAKE_FOLDER_ID
        assert request.headers["x-data-logging-enabled"] == "false"
        assert "x-folder-id" not in request.headers
    assert len({r.headers["x-client-request-id"] for r in fake_server.requests}) == 3


def test_headers_iam_token(fake_server):
    creds = Credentials("iam_token", "t1.9euelZqfakeiamtoken", FAKE_FOLDER_ID)
    with OpenAICompatClient(creds, fake_server.url + "/v1/", data_logging=True) as client:  # "/v1" is fine too
        client.complete(FAKE_QWEN_URI, HELLO)
    headers = fake_server.last_request.headers
    assert headers["authorization"] == "Bearer t1.9euelZqfakeiamtoken"
    assert headers["openai-project"] == FAKE_FOLDER_ID
    assert "x-data-logging-enabled" not in headers
    assert fake_server.last_request.path == "/v1/chat/completions"


def test_tls_verification_stays_on_and_repr_hides_the_key():
    client = OpenAICompatClient(Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID))
    assert client._session.verify is True
    assert client.base_url == "https://llm.api.cloud.yandex.net"
    assert FAKE_API_KEY not in repr(client)
    with pytest.raises(ValueError):
        OpenAICompatClient(Credentials("api_key", "k"), "http://example.com")


# --- errors before and inside the stream ---


def test_unknown_model_gets_the_real_400_shape(fake_server, openai_client):
    unknown = f"gpt://{FAKE_FOLDER_ID}/no-such-model/latest"
    with pytest.raises(BadRequestError) as info:
        openai_client.complete(unknown, HELLO)
    assert info.value.status == 400 and "invalid model_uri" in info.value.detail
    with pytest.raises(BadRequestError):
        list(openai_client.stream(unknown, HELLO))
    raw = requests.post(
        fake_server.url + "/v1/chat/completions", headers={"Authorization": "Api-Key k"},
        json={"model": unknown, "messages": [{"role": "user", "content": "hi"}]},
    )  # fmt: skip
    body = raw.json()
    assert raw.status_code == 400 and list(body) == ["error"] and list(body["error"]) == ["message", "type"]
    assert body["error"]["type"] == json.loads(sample_bytes("06"))["error"]["type"]


def test_recorded_400_body(fake_server, openai_client):
    fake_server.fail_next(400, body=sample_bytes("06"))
    with pytest.raises(BadRequestError) as info:
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    assert info.value.detail == "invalid tool choice: foo"


def test_http_errors_before_the_stream(fake_server, openai_client):
    fake_server.fail_next(429, times=2)
    assert list(openai_client.stream(FAKE_QWEN_URI, HELLO))[-1].status is Status.FINAL  # retried
    fake_server.fail_next(429, times=5)
    with pytest.raises(RateLimitError):
        openai_client.complete(FAKE_QWEN_URI, HELLO)
    fake_server.api_key = "another-key"
    with pytest.raises(AuthenticationError) as info:
        list(openai_client.stream(FAKE_QWEN_URI, HELLO, cancel=CancelToken()))
    assert FAKE_API_KEY not in info.value.detail and "[hidden]" in info.value.detail


def test_error_event_inside_the_stream(fake_server, openai_client):
    fake_server.inject("error_line", after_chunks=2, status=500, message=f"boom {FAKE_API_KEY}")
    seen = []
    with pytest.raises(StreamError) as info:
        for item in openai_client.stream(FAKE_QWEN_URI, HELLO):
            seen.append(item.text)
    assert len(seen) == 2 and seen[1].startswith(seen[0])  # the partial reply was already handed out
    assert "boom" in info.value.detail and FAKE_API_KEY not in info.value.detail
    fake_server.inject("error_line", after_chunks=0, status=429, message="quota limit exceed")
    with pytest.raises(RateLimitError):  # nothing shown yet: classified like an HTTP error
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))


def test_torn_malformed_and_unfinished_streams(fake_server, openai_client):
    fake_server.inject("torn", after_chunks=2)
    with pytest.raises(ConnectionLostError):
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    fake_server.inject("malformed", after_chunks=1)
    with pytest.raises(MalformedResponseError):
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    fake_server.fail_next(200, body='data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n')
    with pytest.raises(ConnectionLostError):  # ended without finish_reason or [DONE]
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    fake_server.fail_next(200, body="")
    with pytest.raises(MalformedResponseError):
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))
    fake_server.inject("html_502")
    with pytest.raises(MalformedResponseError):
        list(openai_client.stream(FAKE_QWEN_URI, HELLO))


# --- cancel within 200 ms, like the native stream ---


def _cancel_after(token: CancelToken, delay: float) -> dict[str, float]:
    stamp: dict[str, float] = {}

    def fire():
        stamp["at"] = time.monotonic()
        token.cancel()

    threading.Timer(delay, fire).start()
    return stamp


def _readers_finished(busy_before: int, limit: float = 1.0) -> bool:
    deadline = time.monotonic() + limit
    while _readers.busy > busy_before and time.monotonic() < deadline:
        time.sleep(0.01)
    return _readers.busy <= busy_before


def test_cancel_flowing_openai_stream(fake_server, openai_client):
    fake_server.script_chat(long_text(2000), chunks=400, delay=0.01)  # ~4 s if not stopped
    busy = _readers.busy
    token = CancelToken()
    stamp = _cancel_after(token, 0.15)
    count = sum(1 for _ in openai_client.stream(FAKE_QWEN_URI, HELLO, cancel=token))
    assert time.monotonic() - stamp["at"] < CANCEL_LIMIT_S
    assert 1 <= count < 100
    assert _readers_finished(busy)


@pytest.mark.parametrize("after_chunks", [0, 1, 3])
def test_cancel_stalled_openai_stream(fake_server, openai_client, after_chunks):
    fake_server.stall_next(after_chunks=after_chunks)
    busy = _readers.busy
    token = CancelToken()
    stamp = _cancel_after(token, 0.15)
    items = list(openai_client.stream(FAKE_QWEN_URI, HELLO, cancel=token))
    assert time.monotonic() - stamp["at"] < CANCEL_LIMIT_S
    assert len(items) == after_chunks
    if after_chunks:
        assert _readers_finished(busy)


def test_consumer_stopping_early_and_connection_reuse(fake_server, openai_client):
    fake_server.script_chat(long_text(500), chunks=100, delay=0.01)
    iterator = openai_client.stream(FAKE_QWEN_URI, HELLO, cancel=CancelToken())
    assert next(iterator).status is Status.PARTIAL
    iterator.close()
    deadline = time.monotonic() + 1
    while fake_server.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_server.disconnects == 1
    assert openai_client.complete(FAKE_QWEN_URI, HELLO).status is Status.FINAL
