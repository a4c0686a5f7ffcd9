"""Listing the chats beyond the index's head on a thread (see index.py and docs/store-format.md).

After a head-only open (ChatCatalog.open_head) the store lists the rest here: the survey (read the
index, stat every chat file) runs with no store lock held; the merge (ChatCatalog.apply_survey) runs
under the store's lock, by this thread or by whichever caller needed a chat that is not listed yet
(it waits for the survey, which needs no lock, so the wait cannot deadlock). `before` runs first, on
the thread and with no store lock (the upgrade of old-format chat files); `after` runs last (the search
index's catch-up).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from desktop_chat.store.catalog import ChatCatalog, Survey

log = logging.getLogger(__name__)


class BackgroundListing:
    def __init__(self, catalog: ChatCatalog, store_lock: threading.RLock, is_open: Callable[[], bool],
                 after: Callable[[], None], before: Callable[[], None] = lambda: None) -> None:
        self._cat = catalog
        self._lock = store_lock
        self._is_open = is_open
        self._after = after
        self._before = before
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None
        self._survey: Survey | BaseException | None = None
        self._ready = threading.Event()

    def reset(self) -> None:
        """At open, when only the head was listed: nothing started yet."""
        self._thread, self._survey, self._ready = None, None, threading.Event()

    def start(self) -> None:
        """Starts the thread (at most once per open)."""
        with self._start:
            if self._thread is None and not self._cat.complete and self._is_open():
                self._thread = threading.Thread(target=self._run, name="chat-list", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits (without holding the store's lock) until every chat is listed; returns whether it is."""
        if not self._cat.complete:
            self.start()
            self._ready.wait(timeout)
            if self._ready.is_set():
                with self._lock:
                    self.complete_now()
        return self._cat.complete

    def join(self) -> None:
        """Waits for the thread and what it runs after the listing (call without the store's lock)."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def complete_now(self) -> None:
        """Makes the listing whole now; the caller holds the store's lock."""
        if self._cat.complete:
            return
        self.start()
        if self._thread is None:  # not open: no survey is coming
            self._cat.scan()
            return
        self._ready.wait()
        survey = self._survey
        if self._cat.complete:
            return
        if isinstance(survey, Survey):
            self._cat.apply_survey(survey)
        else:
            self._cat.scan()

    def _run(self) -> None:
        try:
            self._before()
        except Exception:  # the listing goes on: what could not be upgraded is listed or reported as it is
            log.exception("upgrading old chat files failed")
        try:
            survey: Survey | BaseException = self._cat.survey()
        except BaseException as exc:  # merged as a full scan under the lock instead
            survey = exc
        self._survey = survey
        self._ready.set()
        with self._lock:
            if not self._is_open():
                return
            try:
                self.complete_now()
            except Exception:  # a background thread must not die silently
                log.exception("listing the chats failed")
        self._after()  # the store's close() waits for this thread before closing what `after` uses
