"""Streaming semantics (replace, never append) and cancellation within 200 ms."""

import threading
import time

import pytest

from desktop_chat.api import CancelToken, ChatMessage, CompletionOptions, Status
from desktop_chat.api.client import _readers
from tests.fakes.yandex_server import CONTENT_FILTER_TEXT, long_text
from tests.fixtures.fake_server import FAKE_MODEL_URI

HELLO = [ChatMessage("user", "Привет")]
CANCEL_LIMIT_S = 0.2


def test_prefix_change_mid_stream(fake_server, fake_client):
    fake_server.inject("prefix_change", after_chunks=2)
    texts = [c.text for c in fake_client.stream(FAKE_MODEL_URI, HELLO)]
    assert texts[1].startswith("Вы написали")
    assert texts[2].startswith("Точнее:")  # the beginning changed: not an extension of texts[1]
    assert not texts[2].startswith(texts[1])
    assert texts[-1] == "Точнее: написали: «Привет». Сообщений в запросе: 1."


def test_scripted_chunks_may_rewrite_anything(fake_server, fake_client):
    chunks = ["Hel", "Hello wor", "Help, world", "H"]
    fake_server.script_reply(chunks=chunks, delay=0)
    assert [c.text for c in fake_client.stream(FAKE_MODEL_URI, HELLO)] == chunks


def test_content_filter_replaces_the_text(fake_server, fake_client):
    fake_server.inject("content_filter", after_chunks=2)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO))
    assert len(items) == 3
    assert items[-1].status is Status.CONTENT_FILTER
    assert items[-1].text == CONTENT_FILTER_TEXT
    fake_server.inject("content_filter")
    result = fake_client.complete(FAKE_MODEL_URI, HELLO)
    assert (result.status, result.text) == (Status.CONTENT_FILTER, CONTENT_FILTER_TEXT)


def test_truncated_fault(fake_server, fake_client):
    fake_server.inject("truncated", after_chunks=2)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO))
    assert [c.status for c in items] == [Status.PARTIAL, Status.TRUNCATED]


def test_long_reply_in_many_chunks(fake_server, fake_client):
    text = long_text(3000)
    fake_server.script_reply(text, tokens_per_chunk=15, delay=0)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO, CompletionOptions(max_tokens=5000)))
    assert len(items) == 200
    assert items[-1].text == text and items[-1].status is Status.FINAL


def _cancel_after(token: CancelToken, delay: float) -> dict[str, float]:
    stamp: dict[str, float] = {}

    def fire():
        stamp["at"] = time.monotonic()
        token.cancel()

    threading.Timer(delay, fire).start()
    return stamp


def _readers_finished(busy_before: int, limit: float = 1.0) -> bool:
    """The stream's reader task ended (its socket was shut), within `limit` seconds."""
    deadline = time.monotonic() + limit
    while _readers.busy > busy_before and time.monotonic() < deadline:
        time.sleep(0.01)
    return _readers.busy <= busy_before


def test_cancel_flowing_stream(fake_server, fake_client):
    fake_server.script_reply(long_text(2000), tokens_per_chunk=5, delay=0.01)  # ~4 s if not stopped
    busy = _readers.busy
    token = CancelToken()
    stamp = _cancel_after(token, 0.15)
    count = 0
    for _ in fake_client.stream(FAKE_MODEL_URI, HELLO, cancel=token):
        count += 1
    ended = time.monotonic()
    assert 1 <= count < 100  # stopped long before the ~400 chunks
    assert ended - stamp["at"] < CANCEL_LIMIT_S
    assert _readers_finished(busy)
    deadline = time.monotonic() + 1
    while fake_server.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_server.disconnects == 1


@pytest.mark.parametrize("after_chunks", [0, 1, 3])
def test_cancel_stalled_stream(fake_server, fake_client, after_chunks):
    # after_chunks=0: the server sends not even the headers.
    fake_server.stall_next(after_chunks=after_chunks)
    busy = _readers.busy
    token = CancelToken()
    stamp = _cancel_after(token, 0.15)
    items = list(fake_client.stream(FAKE_MODEL_URI, HELLO, cancel=token))
    assert time.monotonic() - stamp["at"] < CANCEL_LIMIT_S
    assert len(items) == after_chunks
    if after_chunks:
        assert _readers_finished(busy)  # the socket was shut, so the reader thread ended too


def test_cancel_before_iterating(fake_server, fake_client):
    token = CancelToken()
    token.cancel()
    assert list(fake_client.stream(FAKE_MODEL_URI, HELLO, cancel=token)) == []
    assert token.cancelled


@pytest.mark.parametrize("with_token", [False, True])
def test_consumer_stopping_early_closes_the_stream(fake_server, fake_client, with_token):
    fake_server.script_reply(long_text(1000), tokens_per_chunk=5, delay=0.01)
    busy = _readers.busy
    iterator = fake_client.stream(FAKE_MODEL_URI, HELLO, cancel=CancelToken() if with_token else None)
    assert next(iterator).status is Status.PARTIAL
    iterator.close()  # e.g. `break` out of the loop
    assert _readers_finished(busy)
    deadline = time.monotonic() + 1
    while fake_server.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_server.disconnects == 1  # the server saw the connection closed, not drained
    # The client still works afterwards.
    assert fake_client.complete(FAKE_MODEL_URI, HELLO).status is Status.FINAL


def test_cancel_token_from_many_threads():
    token = CancelToken()
    calls = []
    remove = token.add_callback(lambda: calls.append(1))
    threads = [threading.Thread(target=token.cancel) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert token.cancelled and calls == [1]
    remove()
    token.add_callback(lambda: calls.append(2))  # already cancelled: runs at once
    assert calls == [1, 2]
    assert token.wait(0) is True


def test_cancel_wait_operation(fake_server, fake_client):
    from desktop_chat.api.errors import CancelledError

    fake_server.polls_until_done = 1000
    op_id = fake_client.complete_async(FAKE_MODEL_URI, HELLO)
    token = CancelToken()
    stamp = _cancel_after(token, 0.1)
    with pytest.raises(CancelledError):
        fake_client.wait_operation(op_id, poll_interval=5, cancel=token)
    assert time.monotonic() - stamp["at"] < CANCEL_LIMIT_S


def test_two_streams_at_once(fake_server, fake_client):
    fake_server.chunk_delay = 0.02
    results: dict[str, str] = {}

    def run(name):
        *_, last = fake_client.stream(FAKE_MODEL_URI, [ChatMessage("user", name)])
        results[name] = last.text

    threads = [threading.Thread(target=run, args=(n,)) for n in ("один", "два")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {n: f"Вы написали: «{n}». Сообщений в запросе: 1." for n in ("один", "два")}


def test_cancel_while_waiting_to_retry(fake_server):
    from desktop_chat.api import Credentials, YandexGptClient

    fake_server.fail_next(503, times=5)
    client = YandexGptClient(Credentials("api_key", "k" * 8), fake_server.url, backoff=1.0)
    token = CancelToken()
    stamp = _cancel_after(token, 0.1)
    assert list(client.stream(FAKE_MODEL_URI, HELLO, cancel=token)) == []
    assert time.monotonic() - stamp["at"] < CANCEL_LIMIT_S
    time.sleep(1.0)
    assert len(fake_server.requests) == 1  # no retry after the cancel
