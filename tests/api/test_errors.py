"""Every error kind: the right class, retries only where safe, and no secret anywhere."""

import logging
import socket
import threading
import time

import pytest

from desktop_chat.api import (
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ChatMessage,
    ConnectionLostError,
    ContextTooLongError,
    Credentials,
    GatewayTimeoutError,
    MalformedResponseError,
    NetworkError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    Status,
    StreamError,
    YandexGptClient,
)
from desktop_chat.api.errors import CancelledError, error_from_payload, error_from_response, scrub
from tests.fakes.yandex_server import FakeYandexServer
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_MODEL_URI

HELLO = [ChatMessage("user", "Привет")]
ALL_KINDS = {
    "auth", "permission", "rate_limit", "context_too_long", "bad_request", "server", "gateway_timeout",
    "timeout", "network", "connection_lost", "malformed", "stream_error", "folder_mismatch", "model_unavailable",
    "aborted", "cancelled", "web_role", "draw_refused",
}  # fmt: skip


def assert_clean(error: ApiError, secret: str = FAKE_API_KEY) -> None:
    """Messages in both languages exist, differ, and never contain the secret."""
    ru, en = error.user_message("ru"), error.user_message("en")
    assert ru and en and ru != en
    assert any("а" <= ch <= "я" for ch in ru.lower())
    assert str(error) == en
    for text in (ru, en, str(error), repr(error), error.detail, *map(str, error.args)):
        assert secret not in text
        assert secret[4:20] not in text


def run(call, kind: type[ApiError]) -> ApiError:
    with pytest.raises(kind) as info:
        call()
    assert type(info.value) is kind
    assert info.value.kind in ALL_KINDS
    assert_clean(info.value)
    return info.value


def complete(client):
    return lambda: client.complete(FAKE_MODEL_URI, HELLO)


def stream(client):
    return lambda: list(client.stream(FAKE_MODEL_URI, HELLO))


# --- HTTP statuses ---


@pytest.mark.parametrize("how", [complete, stream])
@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [
        (401, AuthenticationError, False),
        (403, PermissionDeniedError, False),
        (400, BadRequestError, False),
        (404, BadRequestError, False),
        (500, ServerError, True),
        (504, GatewayTimeoutError, True),
    ],
)
def test_status_errors(fake_server, fake_client, how, status, cls, retryable):
    fake_server.fail_next(status)
    error = run(how(fake_client), cls)
    assert error.status == status
    assert error.retryable is retryable
    assert len(fake_server.requests) == 1  # none of these is retried automatically


def test_401_echoing_the_key_is_scrubbed(fake_server, fake_client, caplog):
    caplog.set_level(logging.DEBUG, logger="desktop_chat.api")
    fake_server.api_key = "the-right-key"
    error = run(complete(fake_client), AuthenticationError)
    assert "Unknown api key" in error.detail and "[hidden]" in error.detail
    assert error.reason == "unknown_key"
    assert "yc.ai.foundationModels.execute" in error.user_message("en")
    assert FAKE_API_KEY not in caplog.text
    assert "authorization" not in caplog.text.lower()


def test_401_for_iam_token(fake_server):
    fake_server.api_key = "right"
    secret = "t1.9euelZqSecretIamTokenValue-abc.def_ghi"
    with YandexGptClient(Credentials("iam_token", secret, "b1gf"), fake_server.url) as client:
        error = run(complete(client), AuthenticationError)
    assert_clean(error, secret)


def test_rate_limit_is_retried_then_succeeds(fake_server, fake_client):
    fake_server.fail_next(429, times=2)
    assert fake_client.complete(FAKE_MODEL_URI, HELLO).status is Status.FINAL
    assert len(fake_server.requests) == 3


def test_rate_limit_gives_up_after_max_retries(fake_server, fake_client):
    fake_server.fail_next(429, times=10)
    error = run(complete(fake_client), RateLimitError)
    assert "quota limit exceed" in error.quota_text
    assert error.retryable
    assert len(fake_server.requests) == 3  # 1 + max_retries (2)


def test_hourly_quota_has_its_own_message(fake_server, fake_client):
    text = "ai.textGenerationCompletionRequestsPerHour.rate rate quota limit exceed: allowed 100 requests"
    fake_server.fail_next(429, text, times=10)
    error = run(complete(fake_client), RateLimitError)
    assert "hourly" in error.user_message("en") and "Часовая" in error.user_message("ru")


def test_503_is_retried_in_a_stream(fake_server, fake_client):
    fake_server.fail_next(503)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO))
    assert items[-1].status is Status.FINAL
    assert len(fake_server.requests) == 2


def test_retries_can_be_switched_off_and_backoff_grows(fake_server):
    fake_server.fail_next(503, times=10)
    with YandexGptClient(Credentials("api_key", "k" * 8), fake_server.url, max_retries=0) as client:
        run(complete(client), ServerError)
    assert len(fake_server.requests) == 1
    fake_server.requests.clear()
    with YandexGptClient(Credentials("api_key", "k" * 8), fake_server.url, max_retries=2, backoff=0.05) as c:
        run(complete(c), ServerError)
    times = [r.time for r in fake_server.requests]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.045 and times[2] - times[1] >= 0.095  # 0.05 s, then 0.1 s


def test_context_too_long_parsed_from_server_estimate(fake_server, fake_client):
    fake_server.context_limit = 50
    long_message = [ChatMessage("user", "слово " * 100)]
    with pytest.raises(ContextTooLongError) as info:
        fake_client.complete(FAKE_MODEL_URI, long_message)
    error = info.value
    assert_clean(error)
    assert error.limit == 50 and error.actual > 100
    assert str(error.actual) in error.user_message("ru") and "50" in error.user_message("en")
    assert not error.retryable
    with pytest.raises(ContextTooLongError):
        list(fake_client.stream(FAKE_MODEL_URI, long_message))


def test_context_too_long_real_window(fake_server, fake_client):
    # Over the model's real 32768-token window (one fake token per word).
    with pytest.raises(ContextTooLongError) as info:
        fake_client.complete(FAKE_MODEL_URI, [ChatMessage("user", "ok " * 33000)])
    assert info.value.limit == 32768


def test_context_too_long_real_message_text():
    body = (
        b'{"error":{"grpcCode":3,"httpCode":400,"message":"Error in session internal_id=e70ea36e-1111-2222-'
        b'3333-444455556666: number of input tokens must be no more than 8192, got 28498","httpStatus":'
        b'"Bad Request","details":[]}}'
    )
    error = error_from_response(400, body)
    assert isinstance(error, ContextTooLongError) and (error.limit, error.actual) == (8192, 28498)
    chars = error_from_response(
        400, b'{"error":{"message":"text length is 349354, which is outside the range (0, 100000]"}}'
    )
    assert isinstance(chars, ContextTooLongError) and chars.unit == "characters" and chars.limit == 100000
    assert "символов" in chars.user_message("ru")


def test_other_error_body_shapes():
    unary = error_from_response(401, b'{"code":16,"message":"Token is invalid or has expired.","details":[]}')
    assert isinstance(unary, AuthenticationError) and unary.detail == "Token is invalid or has expired."
    gateway = error_from_response(400, b'{"error":"invalid character","code":3,"message":"invalid character"}')
    assert isinstance(gateway, BadRequestError) and gateway.detail == "invalid character"
    openai = error_from_response(
        400, b'{"error":{"message":"invalid tool choice: foo","type":"invalid_request_error"}}'
    )
    assert isinstance(openai, BadRequestError) and "invalid tool choice" in openai.detail
    op = error_from_payload({"error": {"code": 8, "message": "quota"}})
    assert isinstance(op, RateLimitError) and op.status == 429


# --- malformed replies ---


def test_html_502_page(fake_server, fake_client):
    fake_server.inject("html_502")
    error = run(complete(fake_client), MalformedResponseError)
    assert error.status == 502 and "502 Bad Gateway" in error.detail and "<html" not in error.detail
    fake_server.inject("html_502")
    run(stream(fake_client), MalformedResponseError)


def test_non_json_200(fake_server, fake_client):
    fake_server.inject("malformed", body="<html>oops</html>")
    run(complete(fake_client), MalformedResponseError)
    fake_server.inject("malformed")  # truncated JSON with Content-Length intact
    run(complete(fake_client), MalformedResponseError)


def test_malformed_line_mid_stream(fake_server, fake_client):
    fake_server.inject("malformed", after_chunks=2)
    seen = []
    with pytest.raises(MalformedResponseError):
        for item in fake_client.stream(FAKE_MODEL_URI, HELLO):
            seen.append(item)
    assert len(seen) == 2
    assert len(fake_server.requests) == 1


def test_json_without_result_or_error(fake_server, fake_client):
    fake_server.fail_next(200, body='{"something": "else"}')
    run(complete(fake_client), MalformedResponseError)
    fake_server.fail_next(200, body='{"result": {"alternatives": []}}')
    run(complete(fake_client), MalformedResponseError)
    fake_server.fail_next(200, body="")
    run(complete(fake_client), MalformedResponseError)


# --- broken connections: never retried once the request went out ---


def test_mid_stream_error_line(fake_server, fake_client):
    fake_server.inject("error_line", after_chunks=2, status=500, message=f"boom for key {FAKE_API_KEY}")
    seen = []
    with pytest.raises(StreamError) as info:
        for item in fake_client.stream(FAKE_MODEL_URI, HELLO):
            seen.append(item.text)
    assert len(seen) == 2
    assert_clean(info.value)
    assert info.value.status == 500 and "boom" in info.value.detail
    assert len(fake_server.requests) == 1


def test_error_line_before_any_text_is_classified(fake_server, fake_client):
    fake_server.inject("error_line", after_chunks=0, status=429, message="quota limit exceed")
    run(stream(fake_client), RateLimitError)
    assert len(fake_server.requests) == 1  # a 200 reply already started: no retry
    fake_server.inject("error_line", status=500)
    run(complete(fake_client), ServerError)


def test_torn_stream(fake_server, fake_client):
    fake_server.inject("torn", after_chunks=2)
    seen = []
    with pytest.raises(ConnectionLostError):
        for item in fake_client.stream(FAKE_MODEL_URI, HELLO):
            seen.append(item)
    assert len(seen) == 2
    assert len(fake_server.requests) == 1


def test_torn_sync_reply(fake_server, fake_client):
    fake_server.inject("torn")
    run(complete(fake_client), ConnectionLostError)
    assert len(fake_server.requests) == 1


def test_connection_dropped_before_reply_is_not_retried(fake_server, fake_client):
    fake_server.inject("drop")
    run(complete(fake_client), ConnectionLostError)
    fake_server.inject("drop")
    run(stream(fake_client), ConnectionLostError)
    assert len(fake_server.requests) == 2


def test_stream_ending_without_final_chunk(fake_server, fake_client):
    fake_server.script_reply(chunks=["a", "a b"], status="ALTERNATIVE_STATUS_PARTIAL")
    with pytest.raises(ConnectionLostError):
        list(fake_client.stream(FAKE_MODEL_URI, HELLO))


# --- timeouts and refused connections ---


def test_timeout_before_reply(fake_server):
    fake_server.inject("delay", seconds=2)
    with YandexGptClient(Credentials("api_key", "k" * 8), fake_server.url, timeout=0.2) as client:
        started = time.monotonic()
        run(complete(client), ApiTimeoutError)
        assert time.monotonic() - started < 1.5
    assert len(fake_server.requests) == 1


def test_timeout_mid_stream(fake_server):
    fake_server.stall_next(after_chunks=1)
    with YandexGptClient(Credentials("api_key", "k" * 8), fake_server.url, timeout=0.2) as client:
        run(stream(client), ApiTimeoutError)
    assert len(fake_server.requests) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_refused(caplog):
    caplog.set_level(logging.WARNING, logger="desktop_chat.api")
    url = f"http://127.0.0.1:{_free_port()}"
    with YandexGptClient(Credentials("api_key", FAKE_API_KEY), url, backoff=0.01) as client:
        run(complete(client), NetworkError)
        run(stream(client), NetworkError)
    assert len([r for r in caplog.records if "retry" in r.getMessage()]) == 4  # 2 per call
    assert FAKE_API_KEY not in caplog.text


def test_connection_refused_then_server_comes_up():
    port = _free_port()
    servers = []

    def start_later():
        servers.append(FakeYandexServer(port=port, chunk_delay=0).start())

    timer = threading.Timer(0.1, start_later)
    timer.start()
    try:
        client = YandexGptClient(Credentials("api_key", "k" * 8), f"http://127.0.0.1:{port}", backoff=0.3)
        assert client.complete(FAKE_MODEL_URI, HELLO).status is Status.FINAL
        assert len(servers[0].requests) == 1
    finally:
        timer.join()
        for server in servers:
            server.stop()


def test_wait_operation_errors(fake_server, fake_client):
    fake_server.inject("error_line", path="completionAsync", status=400, message="bad thing")
    op_id = fake_client.complete_async(FAKE_MODEL_URI, HELLO)
    error = run(lambda: fake_client.wait_operation(op_id, poll_interval=0.01), BadRequestError)
    assert error.detail == "bad thing"
    run(lambda: fake_client.get_operation("nonexistent"), BadRequestError)  # 404
    fake_server.polls_until_done = 1000
    op_id = fake_client.complete_async(FAKE_MODEL_URI, HELLO)
    with pytest.raises(ApiTimeoutError):
        fake_client.wait_operation(op_id, poll_interval=0.01, timeout=0.05)


def test_every_error_class_has_both_languages():
    from desktop_chat.api import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, ApiError)]
    kinds = set()
    for cls in classes:
        kw = {"limit": 10, "actual": 20} if cls is ContextTooLongError else {}
        error = cls(f"detail with {FAKE_API_KEY}", secrets=[FAKE_API_KEY], **kw)
        assert_clean(error)
        kinds.add(error.kind)
    assert ALL_KINDS | {"cancelled", "unknown"} == kinds
    assert CancelledError().user_message("ru") == "Запрос отменён."


def test_scrub_removes_key_like_text_without_knowing_the_secret():
    text = scrub(
        "Unknown api key 'AQVNabcdefghijklmnop0123456789XYZ' Authorization: Bearer t1.9euelZqaaaa.bbbb "
        "api_key=secret123 request e70ea36e-1111-2222-3333-444455556666 quota ai.textGenerationX.count"
    )
    assert "AQVN" not in text and "t1.9eu" not in text and "secret123" not in text
    assert "e70ea36e-1111-2222-3333-444455556666" in text  # request ids survive
    assert "ai.textGenerationX.count" in text


def test_message_for_a_stored_kind() -> None:
    from desktop_chat.api.errors import message_for_kind

    assert message_for_kind("rate_limit", "ru") == RateLimitError().user_message("ru")
    assert message_for_kind("connection_lost", "en") == ConnectionLostError().user_message("en")
    assert message_for_kind("context_too_long", "en") is None  # needs the counts
    assert message_for_kind("no-such-kind", "en") is None
