"""Folds bursts of calls into at most one call per interval (after qutebrowser's Throttle)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """`trigger()` as often as you like; `func` runs at most once per `interval_ms`.

    The first trigger after a quiet period runs at once (a reply's first words appear without
    delay); later ones within the interval fold into one call at its end.
    """

    def __init__(self, func: Callable[[], None], interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._func = func
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timeout)
        self._pending = False

    def trigger(self) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._func()
        self._timer.start()

    def cancel(self) -> None:
        self._pending = False
        self._timer.stop()

    def _on_timeout(self) -> None:
        if self._pending:
            self._pending = False
            self._func()
            self._timer.start()
