"""The QThread boundary for completions: the stream is read on a worker thread, and each chunk,
the result or the error comes back to the GUI thread as a signal.

Each job has a number; signals carry it, so a late chunk from a stopped job is recognised and ignored.
Stopping uses the API client's CancelToken, which works even while the worker is blocked on a read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop_chat.api.client import CancelToken, ChatMessage, Completion, CompletionOptions, YandexGptClient
from desktop_chat.api.errors import ApiError

log = logging.getLogger(__name__)


@dataclass
class CompletionJob:
    job_id: int
    model_uri: str
    messages: Sequence[ChatMessage]
    options: CompletionOptions
    cancel: CancelToken = field(default_factory=CancelToken)


class _StreamWorker(QObject):
    chunk = Signal(int, object)  # job id, Completion (the whole text so far)
    finished = Signal(int, object)  # job id, last Completion
    stopped = Signal(int, object)  # job id, last Completion or None
    failed = Signal(int, object, object)  # job id, ApiError, last Completion or None

    def __init__(self, make_client: Callable[[], YandexGptClient]) -> None:
        super().__init__()
        self._make_client = make_client

    @Slot(object)
    def run(self, job: CompletionJob) -> None:
        last: Completion | None = None
        client = None
        try:
            client = self._make_client()
            for completion in client.stream(job.model_uri, job.messages, job.options, cancel=job.cancel):
                last = completion
                self.chunk.emit(job.job_id, completion)
            if job.cancel.cancelled:
                self.stopped.emit(job.job_id, last)
            else:
                self.finished.emit(job.job_id, last)
        except ApiError as error:
            if job.cancel.cancelled:
                self.stopped.emit(job.job_id, last)
            else:
                self.failed.emit(job.job_id, error, last)
        except Exception as error:  # a bug must not leave the window waiting forever
            log.exception("completion worker crashed")
            self.failed.emit(job.job_id, error, last)
        finally:
            if client is not None:
                client.close()


class CompletionRunner(QObject):
    """Owns the worker thread. `start()` a job, `stop()` it; results arrive as signals."""

    chunk = Signal(int, object)
    finished = Signal(int, object)
    stopped = Signal(int, object)
    failed = Signal(int, object, object)
    _run = Signal(object)

    def __init__(self, make_client: Callable[[], YandexGptClient], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("completion-worker")
        self._worker = _StreamWorker(make_client)
        self._worker.moveToThread(self._thread)
        self._run.connect(self._worker.run)
        self._worker.chunk.connect(self.chunk)
        self._worker.finished.connect(self._on_done)
        self._worker.stopped.connect(self._on_stopped)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        self._next_id = 0
        self.current: CompletionJob | None = None

    def start(self, model_uri: str, messages: Sequence[ChatMessage], options: CompletionOptions) -> int:
        self._next_id += 1
        job = CompletionJob(self._next_id, model_uri, list(messages), options)
        self.current = job
        self._run.emit(job)
        return job.job_id

    def stop(self) -> None:
        if self.current is not None:
            self.current.cancel.cancel()

    @property
    def busy(self) -> bool:
        return self.current is not None

    def _release(self, job_id: int) -> bool:
        if self.current is not None and self.current.job_id == job_id:
            self.current = None
            return True
        return False

    def _on_done(self, job_id: int, completion: object) -> None:
        if self._release(job_id):
            self.finished.emit(job_id, completion)

    def _on_stopped(self, job_id: int, completion: object) -> None:
        if self._release(job_id):
            self.stopped.emit(job_id, completion)

    def _on_failed(self, job_id: int, error: object, completion: object) -> None:
        if self._release(job_id):
            self.failed.emit(job_id, error, completion)

    def shutdown(self, timeout_ms: int = 2000) -> None:
        self.stop()
        self._thread.quit()
        self._thread.wait(timeout_ms)
