"""Property tests: the stream parser against arbitrary cumulative texts, error parsing never escapes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.api import ApiError, ChatMessage, Credentials, Status, YandexGptClient
from desktop_chat.api.errors import error_from_payload, error_from_response
from tests.fakes.yandex_server import FakeYandexServer
from tests.fixtures.fake_server import FAKE_MODEL_URI


@pytest.fixture(scope="module")
def server():
    with FakeYandexServer(chunk_delay=0) as server:
        yield server


@pytest.fixture(scope="module")
def client(server):
    with YandexGptClient(Credentials("api_key", "prop-test-key"), server.url) as client:
        yield client


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(max_size=60), min_size=1, max_size=8))
def test_stream_yields_exactly_the_cumulative_texts(server, client, texts):
    # Any sequence: texts may shrink, change their beginning, hold newlines, quotes, emoji, "\u2028"...
    server.script_reply(chunks=texts, delay=0)
    items = list(client.stream(FAKE_MODEL_URI, [ChatMessage("user", "x")]))
    assert [c.text for c in items] == texts
    assert items[-1].status is Status.FINAL
    assert all(c.status is Status.PARTIAL for c in items[:-1])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
error_shapes = st.fixed_dictionaries(
    {},
    optional={
        "error": json_values
        | st.fixed_dictionaries(
            {},
            optional={
                "grpcCode": json_values,
                "httpCode": json_values,
                "code": json_values,
                "message": json_values,
                "httpStatus": json_values,
                "details": json_values,
            },
        ),
        "code": json_values,
        "message": json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    status=st.integers(100, 599),
    payload=error_shapes | json_values,
    # Key-shaped, so the secret cannot be a piece of our own fixed text (a class name, a message).
    secret=st.from_regex(r"AQVN[A-Za-z0-9_-]{8,36}", fullmatch=True),
    raw=st.binary(max_size=80),
)
def test_error_parsing_only_ever_gives_api_errors_without_the_secret(status, payload, secret, raw):
    import json

    def with_secret(value):
        if isinstance(value, dict) and isinstance(value.get("error"), dict):
            value["error"]["message"] = f"Unknown api key '{secret}' {value['error'].get('message')}"
        elif isinstance(value, dict):
            value["message"] = f"bad {secret}"
        return value

    bodies = [json.dumps(with_secret(payload)).encode(), raw, raw + secret.encode()]
    errors = [error_from_response(status, body, secrets=[secret]) for body in bodies]
    errors.append(error_from_payload(with_secret(payload), secrets=[secret]))
    for error in errors:
        assert isinstance(error, ApiError)
        for text in (
            str(error),
            repr(error),
            error.detail,
            error.user_message("ru"),
            error.user_message("en"),
        ):
            assert secret not in text
