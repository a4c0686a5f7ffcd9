"""The sessions' test kit: a real store in a temporary folder, sessions against the fake server, and a
recorder of their events."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.events import ReplyFinished
from desktop_chat.chat.sessions import ChatSessions, ThreadRunner
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.store import ChatStore
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

WAIT = 10.0


class Recorder:
    """Collects every event; `wait_for` blocks until a matching one arrives."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self._cond = threading.Condition()

    def __call__(self, event: object) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout: float = WAIT):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [e for e in self.events if predicate(e)]
                if found:
                    return found[-1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such event; got {[type(e).__name__ for e in self.events]}")
                self._cond.wait(left)

    def finished(self, ticket: int) -> ReplyFinished:
        return self.wait_for(lambda e: isinstance(e, ReplyFinished) and e.ticket == ticket)


@pytest.fixture
def store(tmp_path: Path):
    store = ChatStore(tmp_path / "data", auto_backup=False, search_in_background=False)
    store.open()
    yield store
    store.close()


@pytest.fixture
def make_sessions(store, fake_server):
    made: list[ChatSessions] = []

    def make(*, limit: int = 4, account: Account | None = None, defaults: Defaults | None = None):
        acct = account or Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)
        # A short poll: economy-mode replies and pictures wait on operations.
        providers = Providers(lambda: acct, {"timeout": 5.0, "backoff": 0.01, "poll_interval": 0.02})
        sessions = ChatSessions(store, providers, lambda: defaults or Defaults(), ThreadRunner(), limit=limit)
        recorder = Recorder()
        sessions.subscribe(recorder)
        made.append(sessions)
        return sessions, recorder

    yield make
    for sessions in made:
        sessions.abandon_all()
    fake_server.release_stalls()


