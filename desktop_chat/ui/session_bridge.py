"""The window's side of the chat sessions: each reply runs on its own QThread, and every event the
sessions and the store send from their threads is handed to the GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal

log = logging.getLogger(__name__)


class _JobThread(QThread):
    def __init__(self, job: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("chat-reply")
        self._job = job

    def run(self) -> None:
        try:
            self._job()
        except Exception:  # the sessions report their own failures; this is a bug, not a reply error
            log.exception("a reply job crashed")


class QtJobRunner(QObject):
    """The sessions' JobRunner in the window: one QThread per reply in flight."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: list[_JobThread] = []

    def start(self, job: Callable[[], None]) -> None:
        self._reap()
        thread = _JobThread(job, self)
        self._threads.append(thread)
        thread.start()

    def _reap(self) -> None:
        for thread in [t for t in self._threads if t.isFinished()]:
            self._threads.remove(thread)
            thread.deleteLater()

    def wait_all(self, timeout_ms: int = 3000) -> bool:
        return all(thread.wait(timeout_ms) for thread in list(self._threads))


class EventBridge(QObject):
    """`post(event)` from any thread; `received(event)` is emitted on the GUI thread, in order."""

    received = Signal(object)
    _posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Queued even when posted on the GUI thread: listeners never run inside the call that posted.
        self._posted.connect(self.received, Qt.ConnectionType.QueuedConnection)

    def post(self, event: object) -> None:
        self._posted.emit(event)
