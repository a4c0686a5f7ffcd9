"""Run "check connection" (and other short blocking calls) on a QThread, results back as signals.

The settings dialog and the first-run guide both use `ConnectionCheck`: the request runs on a worker
QObject moved to its own QThread, so the window stays responsive however long the network takes,
and the outcome arrives on the GUI thread as `succeeded()` or `failed(message, kind)`.

A dialog may close while a check is still running. The thread then finishes on its own (an HTTP
request cannot be interrupted safely); its result is dropped, and the thread and worker are kept
alive until they end, so Qt never destroys a running QThread.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from desktop_chat.api.client import Credentials

log = logging.getLogger(__name__)

# Builds a client for these credentials and API base URL (YandexGptClient in the app, a fake in tests).
MakeClient = Callable[[Credentials, str], Any]

FAILURE_INVALID_ADDRESS = "invalid_address"  # the API base URL was refused before any request
FAILURE_UNEXPECTED = "unexpected"  # not an ApiError: a bug or an odd environment
FAILURE_MODEL_NOT_LISTED = "model_not_listed"  # the key and folder work; the folder does not offer the model


def join(thread: QThread, msecs: int = -1) -> bool:
    """Wait for a thread to end without holding Python's lock the whole time: a thread that ran Python
    code needs that lock once more to end, and QThread.wait() keeps it (a deadlock if the wait blocks)."""
    deadline = None if msecs < 0 else time.monotonic() + msecs / 1000
    while not thread.wait(1):
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(0.001)  # lets the ending thread take the lock
    return True


class _CallWorker(QObject):
    """Lives on the worker thread; runs one callable and reports how it went."""

    done = Signal(object)
    error = Signal(object)
    finished = Signal()

    def __init__(self, func: Callable[[], Any]) -> None:
        super().__init__()
        self._func = func

    @Slot()
    def run(self) -> None:
        try:
            result = self._func()
        except Exception as exc:  # handed to the GUI thread, which decides what to say
            self.error.emit(exc)
        else:
            self.done.emit(result)
        finally:
            self.finished.emit()


class _Orphan(QObject):
    """Keeps an abandoned thread and its worker alive until the thread has really ended.

    Lives on the GUI thread, so `release` runs there (queued), never on the dying thread itself:
    dropping the last reference to a QThread from inside that thread would destroy it while running.
    """

    alive: ClassVar[set[_Orphan]] = set()

    def __init__(self, thread: QThread, worker: QObject) -> None:
        super().__init__()
        self._thread, self._worker = thread, worker
        _Orphan.alive.add(self)
        thread.finished.connect(self.release)
        if thread.isFinished():  # it ended before we listened: `finished` will not come again
            QTimer.singleShot(0, self, self.release)

    @Slot()
    def release(self) -> None:
        join(self._thread)
        _Orphan.alive.discard(self)


class _ThreadEnd(QObject):
    """Lives on the GUI thread; passes on which thread ended (a slot of a QObject: queued, not direct)."""

    def __init__(self, owner: BackgroundCall, thread: QThread) -> None:
        super().__init__(owner)
        self._owner, self._thread = owner, thread
        thread.finished.connect(self._on_finished)

    @Slot()
    def _on_finished(self) -> None:
        self._owner._on_thread_finished(self._thread)
        self.deleteLater()


class BackgroundCall(QObject):
    """Runs one blocking function on a fresh QThread; `done(result)` or `error(exc)` on the GUI thread."""

    done = Signal(object)
    error = Signal(object)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _CallWorker | None = None

    def is_running(self) -> bool:
        return self._thread is not None

    def start(self, func: Callable[[], Any]) -> None:
        if self._thread is not None:
            raise RuntimeError("a call is already running")
        thread = QThread()
        thread.setObjectName("background-call")
        worker = _CallWorker(func)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # These connections cross threads, so Qt queues them to this object's (the GUI) thread.
        worker.done.connect(self._on_done)
        worker.error.connect(self._on_error)
        worker.finished.connect(thread.quit)
        _ThreadEnd(self, thread)  # tells us which thread ended (a queued `finished` may be an old one's)
        self._thread, self._worker = thread, worker
        thread.start()

    def abandon(self) -> None:
        """Stop listening: the running call ends on its own and its result is dropped."""
        thread, worker = self._thread, self._worker
        if thread is None or worker is None:
            return
        worker.done.disconnect(self._on_done)
        worker.error.disconnect(self._on_error)
        _Orphan(thread, worker)
        self._thread = self._worker = None

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the call ends and its signals are delivered (tests and shutdown only)."""
        thread = self._thread
        if thread is None:
            return True
        ended = join(thread, msecs)
        QCoreApplication.sendPostedEvents()
        return ended

    @Slot(object)
    def _on_done(self, result: object) -> None:
        self.done.emit(result)

    @Slot(object)
    def _on_error(self, exc: object) -> None:
        self.error.emit(exc)

    def _on_thread_finished(self, ended: QThread) -> None:
        thread = self._thread
        if thread is None or ended is not thread:
            # A thread abandoned earlier (its `finished` was already queued): its orphan keeps it alive.
            # Waiting here on the thread now running would deadlock: it needs this loop to quit.
            return
        join(thread)  # `finished` comes just before the thread ends; let it end before dropping it
        self._thread = self._worker = None
        self.finished.emit()


# The credentials to check, or a function that makes them on the worker thread (an OAuth token is
# exchanged for an IAM token there: that is a network call).
CheckCredentials = Credentials | Callable[[], Credentials]


def credentials_for_check(sign_in: str, secret: str, folder_id: str, iam_expires_at: float | None,
                          settings: Any) -> CheckCredentials:
    """What the connection check sends for this sign-in: an API key or IAM token as it is; an OAuth
    token exchanged for an IAM token first; a pasted IAM token refused once its known expiry passed."""
    from desktop_chat.secrets import CredentialSource, iam_base_of

    if sign_in == "api_key":
        return Credentials(kind="api_key", secret=secret, folder_id=folder_id)
    if sign_in == "iam_token" and iam_expires_at is None:
        return Credentials(kind="iam_token", secret=secret, folder_id=folder_id)
    source = CredentialSource(folder_id, "oauth_token" if sign_in == "oauth_token" else "iam_token", secret,
                              expires_at=iam_expires_at, iam_base=iam_base_of(settings))
    return source.current


def checkable_uri(model_uri: str, folder_id: str) -> str:
    """The model the tokenizer (free) is asked about: the chosen one where the native tokenizer knows it;
    for models only the OpenAI-compatible API serves, YandexGPT Lite in the same folder (it proves the key
    and the folder; the folder's model list, also free, then proves the model)."""
    from desktop_chat import catalogue

    entry = catalogue.find(model_uri)
    if entry is None or entry.can_count_tokens or not folder_id:
        return model_uri
    return catalogue.model_uri(folder_id, "yandexgpt-lite")


class ModelNotListedError(Exception):
    """The folder's model list (free) does not offer the chosen model."""


def _model_path(uri: str) -> str:
    match = re.fullmatch(r"[a-z]+://[^/]+/(.+)", uri.strip())
    return match.group(1) if match else uri.strip()


def _check(make_client: MakeClient, credentials: CheckCredentials, base_url: str, model_uri: str) -> None:
    """Free calls only: the tokenizer proves the key, the folder and a native model; for a model only the
    OpenAI-compatible API serves, the folder's model list (also free) must offer it."""
    if callable(credentials):
        credentials = credentials()
    asked = checkable_uri(model_uri, credentials.folder_id)
    client = make_client(credentials, base_url)
    try:
        client.check_connection(asked)
        real_base = getattr(client, "base_url", None)  # after the app's own address override
    finally:
        close = getattr(client, "close", None)
        if close is not None:
            close()
    if asked != model_uri and isinstance(real_base, str):
        from desktop_chat.api.openai_compat import OpenAICompatClient

        with OpenAICompatClient(credentials, real_base, timeout=15.0, max_retries=0) as lister:
            listed = {_model_path(uri) for uri in lister.list_models()}
        if _model_path(model_uri) not in listed:
            raise ModelNotListedError


class ConnectionCheck(QObject):
    """One tiny real request with the given credentials, off the GUI thread.

    `failed(message, kind)`: `message` is in plain words in `lang` ("ru"/"en") from the ApiError,
    `kind` its stable code ("auth", "permission", "network", ...), or FAILURE_INVALID_ADDRESS /
    FAILURE_UNEXPECTED. Nothing emitted ever contains the secret.
    """

    started = Signal()
    succeeded = Signal()
    failed = Signal(str, str)
    finished = Signal()

    def __init__(self, make_client: MakeClient, lang: str = "en", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make_client = make_client
        self.lang = lang
        self._call = BackgroundCall(self)
        self._call.done.connect(self._on_done)
        self._call.error.connect(self._on_error)
        self._call.finished.connect(self.finished)

    def is_running(self) -> bool:
        return self._call.is_running()

    def start(self, credentials: CheckCredentials, base_url: str, model_uri: str) -> None:
        """Start a check; a check already running is abandoned (its result would be stale)."""
        if self._call.is_running():
            self._call.abandon()
        make_client = self._make_client
        self._call.start(lambda: _check(make_client, credentials, base_url, model_uri))
        self.started.emit()

    def abandon(self) -> None:
        self._call.abandon()

    def wait(self, msecs: int = 5000) -> bool:
        return self._call.wait(msecs)

    @Slot(object)
    def _on_done(self, _result: object) -> None:
        self.succeeded.emit()

    @Slot(object)
    def _on_error(self, exc: object) -> None:
        from desktop_chat.api.errors import ApiError
        from desktop_chat.api.iam import IamError

        if isinstance(exc, ModelNotListedError):
            self.failed.emit(self.tr("The key and the folder work, but this model is not offered in your "
                                     "folder. Choose another model."), FAILURE_MODEL_NOT_LISTED)
        elif isinstance(exc, IamError):
            kinds = {"revoked": "oauth_revoked", "expired": "iam_expired", "network": "network"}
            kind = kinds.get(exc.kind, "server")
            self.failed.emit(self._iam_message(kind), kind)
        elif isinstance(exc, ApiError):
            self.failed.emit(exc.user_message(self.lang), exc.kind)
        elif isinstance(exc, ValueError):
            # The client refuses a bad API address before sending anything; its text names the
            # address and never the key.
            log.info("connection check refused the address: %s", exc)
            self.failed.emit(self._invalid_address_message(), FAILURE_INVALID_ADDRESS)
        else:
            log.warning("connection check failed unexpectedly: %s", type(exc).__name__)
            self.failed.emit(self._unexpected_message(type(exc).__name__), FAILURE_UNEXPECTED)

    def _iam_message(self, kind: str) -> str:
        if kind == "oauth_revoked":
            return self.tr("Yandex ID did not accept the OAuth token. Get a new one.")
        if kind == "iam_expired":
            return self.tr("The IAM token has expired. Paste a new one.")
        if kind == "network":
            return self.tr("Could not reach the Yandex Cloud IAM service. Check your internet connection.")
        return self.tr("The Yandex Cloud IAM service did not give a token. Try again in a minute.")

    def _invalid_address_message(self) -> str:
        return self.tr("The API address is not valid. It must start with https:// "
                       "(plain http:// only for this computer).")

    def _unexpected_message(self, name: str) -> str:
        return self.tr("The check failed unexpectedly ({0}). Try again.").format(name)
