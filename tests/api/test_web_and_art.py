"""The Responses API (web answers) and YandexART clients against the fake server over real HTTP."""

from __future__ import annotations

import base64
import itertools
import time

import pytest

from desktop_chat.api.errors import (
    ApiTimeoutError,
    ConnectionLostError,
    DrawRefusedError,
    MalformedResponseError,
    ServerError,
    StreamError,
    WebSearchRoleError,
)
from desktop_chat.api.responses import ResponsesClient, parse_responses_stream, request_body
from desktop_chat.api.types import CancelToken, ChatMessage, CompletionOptions, Status, WebSearchOptions
from desktop_chat.api.yandex_art import Drawing, YandexArtClient
from tests.fakes.web_art_routes import PICTURE, REFUSAL_TEXT
from tests.fixtures.fake_server import FAKE_FOLDER_ID, FAKE_MODEL_URI

QUESTION = [ChatMessage("system", "Отвечай кратко"), ChatMessage("user", "Что нового?")]


@pytest.fixture
def web(fake_server, fake_credentials):
    client = ResponsesClient(fake_credentials, fake_server.url, timeout=5.0, backoff=0.01)
    yield client
    client.close()


@pytest.fixture
def art(fake_server, fake_credentials):
    client = YandexArtClient(fake_credentials, fake_server.url, timeout=5.0, backoff=0.01)
    yield client
    client.close()


def test_request_body_is_the_documented_shape():
    body = request_body(FAKE_MODEL_URI, QUESTION, CompletionOptions(0.5, 300),
                        WebSearchOptions("high", ("ria.ru", "tass.ru"), "213"), stream=True)
    assert body == {
        "model": FAKE_MODEL_URI, "instructions": "Отвечай кратко",
        "input": [{"role": "user", "content": "Что нового?"}],
        "tools": [{"type": "web_search", "search_context_size": "high",
                   "filters": {"allowed_domains": ["ria.ru", "tass.ru"], "user_location": {"region": "213"}}}],
        "temperature": 0.5, "max_output_tokens": 300, "stream": True, "store": False}
    plain = request_body(FAKE_MODEL_URI, QUESTION[1:], None, None, stream=True)
    assert "instructions" not in plain and plain["tools"] == [{"type": "web_search", "search_context_size": "medium"}]
    with pytest.raises(ValueError):
        WebSearchOptions(domains=("a", "b", "c", "d", "e", "f"))


def test_streams_whole_text_and_sources_then_searches_and_usage(web, fake_server):
    fake_server.script_web("Курс вырос. Подробности ниже.", chunks=4, sources=["ria.ru", "tass.ru", "ria.ru"],
                           searches=2)
    updates = list(web.stream(FAKE_MODEL_URI, QUESTION, web=WebSearchOptions(domains=("ria.ru",))))
    texts = [u.text for u in updates]
    assert all(b.startswith(a) for a, b in itertools.pairwise(texts))
    last = updates[-1]
    assert last.text == "Курс вырос. Подробности ниже." and last.status is Status.FINAL
    assert last.sources == ("ria.ru", "tass.ru")  # each site once, in order of first citation
    assert last.web_searches == 2 and last.usage is not None and last.usage.completion_tokens > 0
    sent = fake_server.web_requests()[-1]
    assert sent.body["tools"][0]["filters"] == {"allowed_domains": ["ria.ru"]}
    assert sent.headers["openai-project"] == FAKE_FOLDER_ID and sent.body["stream"] is True


def test_incomplete_answers_say_why(web, fake_server):
    fake_server.script_web("Обрезано", incomplete="max_output_tokens")
    assert list(web.stream(FAKE_MODEL_URI, QUESTION))[-1].status is Status.TRUNCATED
    fake_server.script_web("Скрыто", incomplete="content_filter")
    assert list(web.stream(FAKE_MODEL_URI, QUESTION))[-1].status is Status.CONTENT_FILTER


@pytest.mark.parametrize("lang, words", [("ru", "ai.assistants.editor"), ("en", "ai.assistants.editor")])
def test_a_403_names_the_missing_role(web, fake_server, lang, words):
    fake_server.fail_with("permission_denied", path="/v1/responses")
    with pytest.raises(WebSearchRoleError) as caught:
        list(web.stream(FAKE_MODEL_URI, QUESTION))
    assert words in caught.value.user_message(lang)
    assert ("Попросите" if lang == "ru" else "Ask") in caught.value.user_message(lang)
    assert caught.value.kind == "web_role" and caught.value.status == 403
    assert caught.value.server_request_id == "req-permission_denied"


def test_errors_inside_the_stream(web, fake_server):
    fake_server.script_web("Начало ответа и продолжение", chunks=4)
    fake_server.inject("error_line", after_chunks=6, status=500, message="internal failure")
    with pytest.raises(StreamError):
        list(web.stream(FAKE_MODEL_URI, QUESTION))
    fake_server.inject("error_line", after_chunks=1, status=500, message="internal failure")
    with pytest.raises(ServerError):
        list(web.stream(FAKE_MODEL_URI, QUESTION))
    fake_server.inject("torn", after_chunks=3)
    with pytest.raises(ConnectionLostError):
        list(web.stream(FAKE_MODEL_URI, QUESTION))
    fake_server.inject("malformed", after_chunks=2)
    with pytest.raises(MalformedResponseError):
        list(web.stream(FAKE_MODEL_URI, QUESTION))


def test_cancel_ends_a_stalled_web_answer_within_200_ms(web, fake_server):
    fake_server.script_web("часть " * 20, chunks=20)
    fake_server.stall_next(after_chunks=6)
    cancel = CancelToken()
    stream = web.stream(FAKE_MODEL_URI, QUESTION, cancel=cancel)
    first = next(stream)
    assert first.text
    started = time.monotonic()
    cancel.cancel()
    rest = list(stream)
    assert time.monotonic() - started < 0.2
    assert all(not u.status.is_final for u in rest)
    fake_server.release_stalls()


def test_parser_needs_a_final_event():
    lines = [b'data: {"type":"response.output_text.delta","delta":"abc"}', b""]
    with pytest.raises(ConnectionLostError):
        list(parse_responses_stream(iter(lines)))


def test_draw_sends_the_documented_request_and_returns_the_jpeg(art, fake_server):
    fake_server.polls_until_done = 2
    op = art.start(Drawing("Кот в космосе", "16:9", 12345, "текст, надписи"))
    picture = art.wait(op, poll_interval=0.01)
    assert picture.jpeg == PICTURE and picture.jpeg.startswith(b"\xff\xd8")
    assert picture.model_version
    assert fake_server.art_requests()[-1].body == {
        "modelUri": f"art://{FAKE_FOLDER_ID}/yandex-art/latest",
        "generationOptions": {"seed": "12345", "aspectRatio": {"widthRatio": "16", "heightRatio": "9"},
                              "mimeType": "image/jpeg"},
        "messages": [{"text": "Кот в космосе", "weight": "1"}, {"text": "текст, надписи", "weight": "-1"}]}
    assert base64.b64encode(PICTURE)  # the fake's picture is a real JPEG file


@pytest.mark.parametrize("in_operation", [False, True])
def test_a_refused_prompt_is_its_own_error(art, fake_server, in_operation):
    fake_server.art_refuse_in_operation = in_operation
    with pytest.raises(DrawRefusedError) as caught:
        art.wait(art.start(Drawing("/refuse это", "1:1", 1)), poll_interval=0.01)
    assert REFUSAL_TEXT in caught.value.detail
    assert "YandexART" in caught.value.user_message("ru") and "prompt" in caught.value.user_message("en")


def test_drawing_is_checked_before_it_goes_out(art):
    for bad in (Drawing("x" * 501), Drawing("кот", "2:1"), Drawing("  ")):
        with pytest.raises(ValueError):
            art.start(bad)


def test_wait_stops_on_cancel_and_on_timeout(art, fake_server):
    fake_server.polls_until_done = 1000
    op = art.start(Drawing("кот", "1:1", 1))
    with pytest.raises(ApiTimeoutError):
        art.wait(op, poll_interval=0.01, timeout=0.05)
    cancel = CancelToken()
    cancel.cancel()
    from desktop_chat.api.errors import CancelledError

    with pytest.raises(CancelledError):
        art.wait(op, cancel=cancel)


def test_pictures_in_history_go_as_input_image_parts():
    from desktop_chat.api.types import ImagePart

    message = ChatMessage("user", "Что на фото?", (ImagePart("image/png", b"\x89PNG"),))
    body = request_body(FAKE_MODEL_URI, [message], None, None, stream=True)
    assert body["input"] == [{"role": "user", "content": [
        {"type": "input_text", "text": "Что на фото?"},
        {"type": "input_image", "image_url": "data:image/png;base64,iVBORw=="}]}]


def _events(*payloads: dict) -> list[bytes]:
    import json

    lines: list[bytes] = []
    for payload in payloads:
        lines += [b"event: " + payload["type"].encode(), b"data: " + json.dumps(payload).encode(), b""]
    return lines


def test_text_search_text_again_and_sources_found_anywhere():
    """Two message items around a search; sources only in a finished item; a search without an id counted once."""
    search = {"type": "web_search_call", "status": "completed"}
    message = {"type": "message", "content": [{"type": "output_text", "text": "После.",
                                                "annotations": [{"type": "url_citation", "url": "tass.ru"}]}]}
    lines = _events(
        {"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "До"},
        {"type": "response.output_text.done", "output_index": 0, "content_index": 0, "text": "До."},
        {"type": "response.output_item.added", "output_index": 1, "item": search},
        {"type": "response.output_item.done", "output_index": 1, "item": search},
        {"type": "response.output_text.delta", "output_index": 2, "content_index": 0, "delta": "После."},
        {"type": "response.output_item.done", "output_index": 2, "item": message},
        {"type": "response.completed", "response": {"output": [
            {"type": "message", "content": [{"type": "output_text", "text": "До.", "annotations": []}]},
            search, message], "usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}}},
    )
    updates = list(parse_responses_stream(iter(lines)))
    assert [u.text for u in updates][:2] == ["До", "До."]
    last = updates[-1]
    assert last.text == "До.\n\nПосле." and last.sources == ("tass.ru",) and last.web_searches == 1
    assert last.usage is not None and last.usage.total_tokens == 8
