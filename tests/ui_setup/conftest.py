"""Helpers for the settings dialog and first-run tests: client factories and a controllable fake client."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from desktop_chat.api import Credentials, YandexGptClient


@pytest.fixture
def real_client_factory() -> Callable[[Credentials, str], YandexGptClient]:
    """The app's real client (over HTTP to the fake server), with no retries so failures come fast."""
    def make(credentials: Credentials, base_url: str) -> YandexGptClient:
        return YandexGptClient(credentials, base_url, timeout=5.0, max_retries=0, backoff=0.01)
    return make


class GatedClient:
    """A fake client whose check_connection waits for `release` (to look at the UI mid-check)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.error = error
        self.calls: list[tuple[Credentials, str, str]] = []
        self.closed = 0

    def factory(self, credentials: Credentials, base_url: str) -> GatedClient:
        self._credentials, self._base_url = credentials, base_url
        return self

    def check_connection(self, model_uri: str) -> None:
        self.calls.append((self._credentials, self._base_url, model_uri))
        self.entered.set()
        if not self.release.wait(10):
            raise TimeoutError("the test never released the check")
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def gated_client() -> Iterator[GatedClient]:
    client = GatedClient()
    try:
        yield client
    finally:
        client.release.set()  # never leave a worker thread waiting



@pytest.fixture(autouse=True)
def no_thread_left_behind(qtbot):
    """Every check or keyring read a test started has ended by the next test (no leaked QThreads)."""
    yield
    from desktop_chat.ui.connection_check import _Orphan

    qtbot.waitUntil(lambda: not _Orphan.alive, timeout=5000)
