"""Streams that a CancelToken ends within 200 ms, whatever the server does. No Qt here.

Until the reply headers arrive a reader thread sends the request and the consumer waits on a queue
that cancel() also writes to, so a server that sends nothing cannot hold it; then the consumer reads
the body itself, and cancel() shuts the socket down from the cancelling thread, which wakes the
blocked read at once.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import requests

from .errors import ApiError, ServerError
from .transport import _shutdown_socket, _with_ids
from .types import CancelToken, Completion

if TYPE_CHECKING:
    from .transport import Parser, Transport

log = logging.getLogger("desktop_chat.api")


_END = object()  # wakes a stream waiting for its reply headers: cancelled


class _ReaderThreads:
    """Daemon threads that open streams, reused: starting a thread costs more than a local request.

    Not a ThreadPoolExecutor: its threads are joined at exit, and one left blocked by a stalled
    server would hold up quitting the app. A new thread starts whenever none is idle, so a reader
    stuck on a dead connection never delays the next stream.
    """

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self.busy = 0  # tasks queued or running (tests check that readers finish)

    def run(self, task: Callable[[], None]) -> None:
        with self._lock:
            self.busy += 1
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._tasks.put(task)
        if start:
            threading.Thread(target=self._work, name="api-stream", daemon=True).start()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task()
            finally:
                with self._lock:
                    self.busy -= 1
                    self._idle += 1


_readers = _ReaderThreads()


class _StreamState:
    """What the consumer and the reader thread of one stream share."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.response: requests.Response | None = None
        self.stopped = False

    def attach(self, response: requests.Response) -> bool:
        """Remember the open response; False if the consumer already left (then close it)."""
        with self.lock:
            if not self.stopped:
                self.response = response
                return True
        _shutdown_socket(response)
        return False

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            response, self.response = self.response, None
        if response is not None:
            _shutdown_socket(response)


def stream(
    self: Transport, method: str, url: str, body: dict[str, Any], parse: Parser, cancel: CancelToken | None
) -> Iterator[Completion]:
    """`parse(lines of the reply)`, as an iterator; with a token, cancel ends it within 200 ms."""
    if cancel is None:
        return _stream_uncancellable(self, method, url, body, parse)  # no reader thread needed
    return _stream(self, method, url, body, parse, cancel)


def _stream_uncancellable(
    self: Transport, method: str, url: str, body: dict[str, Any], parse: Parser
) -> Iterator[Completion]:
    response = self.send(method, url, body)
    try:
        yield from parse(self.lines(response))
    except ApiError as error:
        raise _with_ids(error, response) from None
    finally:
        _shutdown_socket(response)  # a no-op once the reply was read to the end

def _stream(
    self: Transport, method: str, url: str, body: dict[str, Any], parse: Parser, cancel: CancelToken
) -> Iterator[Completion]:
    handoff: queue.SimpleQueue[Any] = queue.SimpleQueue()
    state = _StreamState()

    def on_cancel() -> None:
        handoff.put(_END)
        state.stop()

    _readers.run(lambda: _open_stream(self, method, url, body, handoff, state, cancel))
    remove_callback = cancel.add_callback(on_cancel)
    try:
        item = handoff.get()
        if cancel.cancelled or item is _END:
            return
        if isinstance(item, BaseException):
            raise item
        try:
            for completion in parse(self.lines(item)):
                if cancel.cancelled:
                    return  # lines already received after a cancel are dropped
                yield completion
                if cancel.cancelled:
                    return  # cancelled by the consumer itself: do not read on from a closed socket
        except ApiError as error:
            if cancel.cancelled:
                return  # the read failed because cancel() shut the socket
            raise _with_ids(error, item) from None
    finally:
        remove_callback()
        state.stop()  # also when the consumer stops iterating early

def _open_stream(
    self: Transport, method: str, url: str, body: dict[str, Any], handoff: queue.SimpleQueue[Any], state: _StreamState,
    cancel: CancelToken,
) -> None:  # fmt: skip
    """Reader thread: send the request and hand over the open response (or the ApiError)."""
    try:
        if cancel.cancelled:
            return
        response = self.send(method, url, body, cancel=cancel)
        if state.attach(response):  # False: the consumer already left, the response is closed
            handoff.put(response)
    except ApiError as exc:
        handoff.put(exc)
    except BaseException as exc:  # a bug must not leave the consumer waiting forever
        log.exception("opening the stream failed")
        handoff.put(ServerError(f"client error: {type(exc).__name__}"))
