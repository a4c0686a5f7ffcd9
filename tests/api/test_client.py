"""The client against the fake server: completions, streaming, headers, async, tokenizer."""

import re
import uuid

import pytest

from desktop_chat.api import (
    DEFAULT_API_BASE,
    AuthenticationError,
    ChatMessage,
    CompletionOptions,
    Credentials,
    Status,
    Usage,
    YandexGptClient,
    check_base_url,
)
from desktop_chat.api.client import operations_base_for, parse_completion
from desktop_chat.api.models import OPERATIONS_API_BASE
from tests.fakes.yandex_server import TRUNCATED
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID, FAKE_MODEL_URI

HELLO = [ChatMessage("system", "Be brief"), ChatMessage("user", "Привет")]


def test_complete_returns_echo_reply(fake_server, fake_client):
    result = fake_client.complete(FAKE_MODEL_URI, HELLO)
    assert result.text == "Вы написали: «Привет». Сообщений в запросе: 2."
    assert result.status is Status.FINAL
    assert result.model_version == "07.03.2024"
    assert isinstance(result.usage, Usage)
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.completion_tokens
    assert all(isinstance(v, int) for v in vars(result.usage).values())


def test_request_body_follows_the_contract(fake_server, fake_client):
    fake_client.complete(FAKE_MODEL_URI, HELLO, CompletionOptions(temperature=0.7, max_tokens=123))
    body = fake_server.last_request.body
    assert body == {
        "modelUri": FAKE_MODEL_URI,
        "completionOptions": {"stream": False, "temperature": 0.7, "maxTokens": "123"},
        "messages": [{"role": "system", "text": "Be brief"}, {"role": "user", "text": "Привет"}],
    }
    assert fake_server.last_request.path == "/foundationModels/v1/completion"


def test_stream_yields_whole_text_each_time(fake_server, fake_client):
    fake_server.script_reply("один два три четыре пять шесть", chunks=3)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO))
    assert [c.text for c in items] == ["один два", "один два три четыре", "один два три четыре пять шесть"]
    assert [c.status for c in items] == [Status.PARTIAL, Status.PARTIAL, Status.FINAL]
    assert fake_server.last_request.body["completionOptions"]["stream"] is True
    assert [c.usage.completion_tokens for c in items if c.usage] == [2, 4, 6]


def test_real_recorded_stream_sample(fake_server, fake_client):
    fake_server.replay_sample("stream", delay=0)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO))
    assert len(items) == 21
    assert items[-1].status is Status.FINAL and all(c.status is Status.PARTIAL for c in items[:-1])
    assert items[-1].usage == Usage(input_tokens=26, completion_tokens=317, total_tokens=343)
    assert items[-1].text.startswith("Platypuses") and items[-1].text.endswith("natural environment.")
    assert {c.model_version for c in items} == {"07.03.2024"}


def test_real_recorded_sync_sample(fake_server, fake_client):
    fake_server.replay_sample("sync")
    result = fake_client.complete(FAKE_MODEL_URI, HELLO)
    assert result.text == "Hi there! How are you?"
    assert result.usage == Usage(15, 8, 23)


def test_truncated_at_max_tokens(fake_server, fake_client):
    fake_server.script_reply("a b c d e f g h", chunks=4)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO, CompletionOptions(max_tokens=3)))
    assert items[-1].status is Status.TRUNCATED
    assert items[-1].text == "a b c"
    assert items[-1].usage is not None and items[-1].usage.completion_tokens == 3
    fake_server.script_reply("a b c d", status=TRUNCATED)
    assert fake_client.complete(FAKE_MODEL_URI, HELLO).status is Status.TRUNCATED


def test_tool_calls_status_and_reasoning_tokens_are_parsed():
    # Real shape (gRPC cassette): tool calls carry no text; newer models add completionTokensDetails.
    result = parse_completion({
        "alternatives": [{"message": {"role": "assistant", "toolCallList": {"toolCalls": [
            {"functionCall": {"name": "something", "arguments": {"numbers": [5, 4, 1]}}}]}},
            "status": "ALTERNATIVE_STATUS_TOOL_CALLS"}],
        "usage": {"inputTextTokens": "100", "completionTokens": "14", "totalTokens": "114",
                  "completionTokensDetails": {"reasoningTokens": "7"}},
        "modelVersion": "09.02.2025",
    })  # fmt: skip
    assert result.status is Status.TOOL_CALLS
    assert result.text == ""
    assert result.usage == Usage(100, 14, 114, reasoning_tokens=7)
    unknown = parse_completion({"alternatives": [{"message": {"text": "x"}, "status": "NEW_STATUS"}]})
    assert unknown.status is Status.UNSPECIFIED and unknown.usage is None


# --- headers and auth ---


def test_headers_api_key(fake_server, fake_client):
    fake_client.complete(FAKE_MODEL_URI, HELLO)
    list(fake_client.stream(FAKE_MODEL_URI, HELLO))
    fake_client.tokenize(FAKE_MODEL_URI, "ping")
    ids = []
    for request in fake_server.requests:
        headers = request.headers
        assert headers["authorization"] == f"Api-Key {FAKE_API_KEY}"
        assert headers["x-data-logging-enabled"] == "false"
        assert "x-folder-id" not in headers  # API keys work in their service account's folder
        assert uuid.UUID(headers["x-client-request-id"]).version == 4
        ids.append(headers["x-client-request-id"])
    assert len(set(ids)) == len(ids) == 3


def test_headers_iam_token_and_data_logging_opt_in(fake_server):
    creds = Credentials(kind="iam_token", secret="t1.9euelZqfakeiamtoken", folder_id=FAKE_FOLDER_ID)
    with YandexGptClient(creds, fake_server.url, data_logging=True) as client:
        client.complete(FAKE_MODEL_URI, HELLO)
    headers = fake_server.last_request.headers
    assert headers["authorization"] == "Bearer t1.9euelZqfakeiamtoken"
    assert headers["x-folder-id"] == FAKE_FOLDER_ID
    assert "x-data-logging-enabled" not in headers


def test_server_accepts_only_its_key_when_configured(fake_server, fake_client):
    fake_server.api_key = FAKE_API_KEY
    assert fake_client.complete(FAKE_MODEL_URI, HELLO).status is Status.FINAL
    fake_server.api_key = "another-key"
    with pytest.raises(AuthenticationError):
        fake_client.complete(FAKE_MODEL_URI, HELLO)


def test_credentials_repr_hides_secret(fake_credentials, fake_client):
    assert FAKE_API_KEY not in repr(fake_credentials)
    assert FAKE_API_KEY not in str(fake_credentials)
    assert FAKE_API_KEY not in repr(fake_client)
    with pytest.raises(ValueError):
        Credentials(kind="password", secret="x")  # type: ignore[arg-type]


def test_secret_with_bad_characters_is_refused_without_quoting_it(fake_server):
    secret = "AQVNline1\nline2-secret-value"
    client = YandexGptClient(Credentials("api_key", secret), fake_server.url)
    with pytest.raises(AuthenticationError) as info:
        client.complete(FAKE_MODEL_URI, HELLO)
    for text in (str(info.value), repr(info.value), info.value.detail):
        assert "line2" not in text
    assert fake_server.requests == []


def test_secret_is_stripped(fake_server):
    with YandexGptClient(Credentials("api_key", f"  {FAKE_API_KEY}\n"), fake_server.url) as client:
        client.complete(FAKE_MODEL_URI, HELLO)
    assert fake_server.last_request.headers["authorization"] == f"Api-Key {FAKE_API_KEY}"


# --- base URL rules ---


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://localhost:1/",
        "http://[::1]:9000",
        "https://llm.api.cloud.yandex.net/",
    ],
)
def test_allowed_base_urls(url):
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.5:8080", "http://llm.api.cloud.yandex.net"])
def test_plain_http_refused_for_remote_hosts(url):
    with pytest.raises(ValueError, match=r"http://.*unencrypted"):
        check_base_url(url)
    with pytest.raises(ValueError):
        YandexGptClient(Credentials("api_key", "k"), url)


@pytest.mark.parametrize("url", ["ftp://example.com", "llm.api.cloud.yandex.net", "", "https://"])
def test_nonsense_base_urls_refused(url):
    with pytest.raises(ValueError, match="https://"):
        check_base_url(url)


def test_operations_host():
    assert operations_base_for(DEFAULT_API_BASE) == OPERATIONS_API_BASE
    assert operations_base_for("https://ai.api.cloud.yandex.net") == OPERATIONS_API_BASE
    assert operations_base_for("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
    client = YandexGptClient(Credentials("api_key", "k"))
    assert client.operations_base_url == OPERATIONS_API_BASE
    assert client.base_url == DEFAULT_API_BASE


def test_tls_verification_is_on():
    assert YandexGptClient(Credentials("api_key", "k"))._session.verify is True


# --- async operations ---


def test_async_operation_polling(fake_server, fake_client):
    fake_server.polls_until_done = 2
    op_id = fake_client.complete_async(FAKE_MODEL_URI, HELLO)
    assert re.fullmatch(r"[a-z0-9]{20}", op_id)
    assert "stream" not in fake_server.last_request.body["completionOptions"]
    assert fake_server.last_request.path == "/foundationModels/v1/completionAsync"
    first = fake_client.get_operation(op_id)
    assert first.done is False and first.completion is None
    result = fake_client.wait_operation(op_id, poll_interval=0.01)
    assert result.text == "Вы написали: «Привет». Сообщений в запросе: 2."
    polls = [r for r in fake_server.requests if r.method == "GET"]
    assert [r.path for r in polls] == [f"/operations/{op_id}"] * 3
    assert all(r.headers["authorization"] == f"Api-Key {FAKE_API_KEY}" for r in polls)


def test_async_real_sample(fake_server, fake_client):
    fake_server.replay_sample("async")
    op_id = fake_client.complete_async(FAKE_MODEL_URI, HELLO)
    result = fake_client.wait_operation(op_id, poll_interval=0.01)
    assert result.text.startswith("**Ping** — это утилита")
    assert result.usage == Usage(15, 107, 122)


# --- tokenizer ---


def test_tokenize(fake_server, fake_client):
    tokens = fake_client.tokenize(FAKE_MODEL_URI, "ping pong!")
    assert [t.text for t in tokens] == ["ping", "▁pong", "!"]
    assert all(isinstance(t.id, int) and not t.special for t in tokens)
    assert tokens == fake_client.tokenize(FAKE_MODEL_URI, "ping pong!")  # deterministic
    assert fake_server.last_request.body == {"modelUri": FAKE_MODEL_URI, "text": "ping pong!"}


def test_tokenize_completion(fake_server, fake_client):
    tokens = fake_client.tokenize_completion(FAKE_MODEL_URI, HELLO)
    assert tokens[0].text == "<s>" and tokens[0].special and tokens[0].id == 1
    assert sum(t.special for t in tokens) == 1 + len(HELLO)
    assert fake_server.last_request.path == "/foundationModels/v1/tokenizeCompletion"
    # The fake's reply counts the same input tokens the completion reports.
    usage = fake_client.complete(FAKE_MODEL_URI, HELLO).usage
    assert usage is not None and usage.input_tokens == len(tokens)


def test_check_connection(fake_server, fake_client):
    fake_client.check_connection(FAKE_MODEL_URI)
    assert fake_server.last_request.path == "/foundationModels/v1/tokenize"
    fake_server.api_key = "other"
    with pytest.raises(AuthenticationError):
        fake_client.check_connection(FAKE_MODEL_URI)


def test_validation_before_sending(fake_server, fake_client):
    with pytest.raises(ValueError):
        fake_client.complete(FAKE_MODEL_URI, [])
    with pytest.raises(ValueError):
        fake_client.stream("", HELLO)
    assert fake_server.requests == []
