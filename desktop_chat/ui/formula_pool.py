"""Formulas rendered in the background, so the GUI thread never waits for one.

`lookup(key)` answers at once: the finished Formula, None (cannot be rendered: the source is shown),
or PENDING (queued; `finished(key)` is emitted on the GUI thread when it is done). Each formula is
rendered once; results are kept in an LRU bounded by its pixels.

The slow part (ziamath: LaTeX → SVG, pure Python) runs in a worker process (formula_worker.py), so
it does not compete with the GUI thread for Python's GIL (on a thread it stretched the GUI thread's
work 2-3 times); the SVG is drawn into a QImage on the pool's thread (Qt, short). A frozen build has
no `python -m`, so there the SVG is made on the pool's thread too (slower streams with formulas).

A formula whose SVG took longer than math_render.DEADLINE_S counts as failed: its late result is
ignored; a worker busy for KILL_AFTER_S is killed. The limits decided before rendering
(math_render.precheck) keep such cases rare and short.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import IO, Final

from PySide6.QtCore import QObject, Signal

from desktop_chat.ui import math_render
from desktop_chat.ui.math_render import Formula, FormulaKey

log = logging.getLogger(__name__)

PENDING: Final = "pending"
CACHE_PIXELS = 40_000_000  # 160 MB of finished images at most, shared by all messages
CACHE_ENTRIES = 4000
KILL_AFTER_S = 5.0  # a worker busy this long on one formula is killed (the first one includes its start)


def use_process() -> bool:
    """A frozen app has no `python -m` to start; it renders formulas on a thread instead."""
    return not getattr(sys, "frozen", False)


class _WorkerProcess:
    """`python -m desktop_chat.ui.formula_worker`, one request at a time, killed when it takes too long."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[str] = queue.Queue()
        self._job = 0

    def _start(self) -> subprocess.Popen[str]:
        # The worker imports this very copy of the package, wherever it was started from.
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        process = subprocess.Popen(
            [sys.executable, "-m", "desktop_chat.ui.formula_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, encoding="utf-8", bufsize=1, env=env,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        replies: queue.Queue[str] = queue.Queue()
        self._replies = replies

        def read(stdout: IO[str]) -> None:
            for line in stdout:
                replies.put(line)
            replies.put("")  # the worker ended

        assert process.stdout is not None
        threading.Thread(target=read, args=(process.stdout,), name="formula-reader", daemon=True).start()
        return process

    def svg(self, key: FormulaKey) -> tuple[str | None, float]:
        process = self._process
        if process is None or process.poll() is not None:
            process = self._process = self._start()
        assert process.stdin is not None
        self._job += 1
        process.stdin.write(json.dumps([self._job, *key]) + "\n")
        process.stdin.flush()
        try:
            # The first formula also pays the worker's start (Python and ziamath: about a second).
            line = self._replies.get(timeout=KILL_AFTER_S)
        except queue.Empty:
            # Past every deadline: the work cannot be interrupted any other way.
            self.close()
            return None, KILL_AFTER_S
        if not line:
            self._process = None
            return None, 0.0
        job, svg, seconds = json.loads(line)
        return (svg if job == self._job else None), float(seconds)

    def close(self) -> None:
        if self._process is not None:
            with contextlib.suppress(OSError):
                self._process.kill()
            self._process = None


class FormulaPool(QObject):
    finished = Signal(object)  # FormulaKey: its result (a Formula or None) is now in the cache

    def __init__(self, process: bool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = _WorkerProcess() if (use_process() if process is None else process) else None
        self._queue: queue.Queue[FormulaKey] = queue.Queue()
        self._thread: threading.Thread | None = None
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
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="formulas", daemon=True)
                self._thread.start()
        self._queue.put(key)
        return PENDING

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Tests and benches: wait until nothing is queued (the GUI thread never calls this)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._pending:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def clear(self) -> None:
        with self._lock:
            self._done.clear()
            self._pixels = 0

    def _run(self) -> None:
        while True:
            key = self._queue.get()
            try:
                if self._worker is not None:
                    svg, seconds = self._worker.svg(key)
                else:
                    svg, seconds = math_render.timed_formula_svg(key)
            except Exception:  # the worker could not start or died: this formula stays source
                log.exception("formula worker failed")
                svg, seconds = None, 0.0
            if seconds > math_render.DEADLINE_S:
                svg = None  # too late: ignored, the source stays on screen, as for any failed formula
                self.late += 1
            try:
                result = math_render.formula_from_svg(key, svg)
            except Exception:  # pragma: no cover - formula_from_svg does not raise on any SVG we make
                log.exception("drawing a formula failed")
                result = None
            self._store(key, result)

    def _store(self, key: FormulaKey, result: Formula | None) -> None:
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


def warm_up() -> None:
    """Starts the worker (Python and ziamath load in about a second) before the first formula needs it.
    Call on the GUI thread after the first paint: it returns at once."""
    pool().lookup(math_render.formula_key("x", display=False, color="#000000", font_px=16.0, dpr=1.0))
