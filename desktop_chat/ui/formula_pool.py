"""Formulas rendered on worker threads, so the GUI thread never waits for one.

`lookup(key)` answers at once: the finished Formula, None (cannot be rendered: the source is shown),
or PENDING (queued; `finished(key)` is emitted on the GUI thread when it is done). Each formula is
rendered once; results are kept in an LRU bounded by its pixels. A formula whose rendering takes
longer than math_render.DEADLINE_S counts as failed: its late result is ignored. The limits decided
before rendering (math_render.precheck) keep such cases rare and short.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from PySide6.QtCore import QObject, Signal

from desktop_chat.ui import math_render
from desktop_chat.ui.math_render import Formula, FormulaKey

log = logging.getLogger(__name__)

PENDING: Final = "pending"
WORKERS = 2
CACHE_PIXELS = 40_000_000  # 160 MB of finished images at most, shared by all messages
CACHE_ENTRIES = 4000


class FormulaPool(QObject):
    finished = Signal(object)  # FormulaKey: its result (a Formula or None) is now in the cache

    def __init__(self, workers: int = WORKERS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="formula")
        self._lock = threading.Lock()
        self._done: OrderedDict[FormulaKey, Formula | None] = OrderedDict()
        self._pixels = 0
        self._pending: set[FormulaKey] = set()
        self.late = 0  # formulas whose result came after the deadline (for tests and benches)

    def lookup(self, key: FormulaKey) -> Formula | str | None:
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            if key in self._pending:
                return PENDING
            if math_render.precheck(key[0]):
                return None  # known at once: no need to queue it
            self._pending.add(key)
        self._executor.submit(self._work, key)
        return PENDING

    def peek(self, key: FormulaKey) -> Formula | str | None:
        """Like lookup, but never queues work."""
        with self._lock:
            if key in self._done:
                return self._done[key]
            return PENDING

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Tests and benches: wait until nothing is queued (the GUI thread never calls this)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.005)
        return False

    def clear(self) -> None:
        with self._lock:
            self._done.clear()
            self._pixels = 0

    def _work(self, key: FormulaKey) -> None:
        started = time.monotonic()
        try:
            result = math_render.render_formula_uncached(key)
        except Exception:  # pragma: no cover - render_formula_uncached catches its own
            log.exception("formula worker failed")
            result = None
        if time.monotonic() - started > math_render.DEADLINE_S:
            # Too late: the result is ignored, the source stays on screen, as for any failed formula.
            result = None
            self.late += 1
        with self._lock:
            self._pending.discard(key)
            self._done[key] = result
            self._pixels += result.pixels if result is not None else 0
            while self._done and (self._pixels > CACHE_PIXELS or len(self._done) > CACHE_ENTRIES):
                _old, dropped = self._done.popitem(last=False)
                self._pixels -= dropped.pixels if dropped is not None else 0
        with contextlib.suppress(RuntimeError):  # the pool was deleted at exit
            self.finished.emit(key)  # queued to the GUI thread's receivers


_pool: FormulaPool | None = None


def pool() -> FormulaPool:
    """The application's pool, made on first use (on the GUI thread)."""
    global _pool
    if _pool is None:
        _pool = FormulaPool()
    return _pool
