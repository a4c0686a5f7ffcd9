"""Background work with results handed back to the GUI thread.

Two lanes: `writes` runs store writes one after another in order (so "append the user's message"
always lands before "append the reply"), `reads` runs searches and token counts. Callbacks run on
the GUI thread, through a queued signal, so widgets can be touched there safely.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Superseded(Exception):
    """A `latest` task that a newer one made pointless."""


class _Bridge(QObject):
    # Emitted from a pool thread; Qt queues it to the thread that owns the bridge (the GUI thread).
    deliver = Signal(object)


class BackgroundTasks(QObject):
    """Runs plain functions off the GUI thread and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._reads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reader")
        # Token counts for the context meter: their own lane, so a slow network never delays a search,
        # and only the newest request runs (older ones are dropped unstarted).
        self._latest = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meter")
        self._latest_ticket = 0
        self._bridge = _Bridge(self)
        # Queued even when emitted on the GUI thread (a task that finished before add_done_callback):
        # callbacks never run inside the call that queued the work.
        self._bridge.deliver.connect(self._run_callback, Qt.ConnectionType.QueuedConnection)
        self._closed = False

    def write(self, fn: Callable[[], Any], on_done: Callback | None = None,
              on_error: ErrorCallback | None = None) -> Future:
        """Queues a store write; writes run one at a time, in the order they were queued."""
        return self._submit(self._writes, fn, on_done, on_error)

    def read(self, fn: Callable[[], Any], on_done: Callback | None = None,
             on_error: ErrorCallback | None = None) -> Future:
        return self._submit(self._reads, fn, on_done, on_error)

    def latest(self, fn: Callable[[], Any], on_done: Callback | None = None,
               on_error: ErrorCallback | None = None) -> Future:
        """Runs `fn` unless a newer `latest` call arrives before it starts (then it is skipped)."""
        self._latest_ticket += 1
        ticket = self._latest_ticket

        def run_if_newest() -> Any:
            if ticket != self._latest_ticket:
                raise _Superseded
            return fn()

        def error(exc: BaseException) -> None:
            if not isinstance(exc, _Superseded) and on_error is not None:
                on_error(exc)

        return self._submit(self._latest, run_if_newest, on_done, error)

    def _submit(self, pool: ThreadPoolExecutor, fn: Callable[[], Any], on_done: Callback | None,
                on_error: ErrorCallback | None) -> Future:
        if self._closed:  # a timer or a late signal after the window closed: nothing may start now
            cancelled: Future = Future()
            cancelled.cancel()
            return cancelled
        future = pool.submit(fn)

        def finished(f: Future) -> None:
            if self._closed:
                return
            error = f.exception()
            if error is not None:
                if not isinstance(error, _Superseded):
                    log.warning("background task failed: %s", type(error).__name__)
                if on_error is not None:
                    self._bridge.deliver.emit(lambda: on_error(error))
            elif on_done is not None:
                result = f.result()
                self._bridge.deliver.emit(lambda: on_done(result))

        future.add_done_callback(finished)
        return future

    def _run_callback(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:  # an exception escaping a Qt slot would abort the app
            log.exception("a background task's callback failed")

    def shutdown(self) -> None:
        """Waits for queued writes (nothing the person typed may be lost on quit)."""
        self._closed = True
        self._writes.shutdown(wait=True)
        self._reads.shutdown(wait=False, cancel_futures=True)
        self._latest.shutdown(wait=False, cancel_futures=True)
