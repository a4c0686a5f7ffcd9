"""Days and times in the open chat: the day separators between messages ("Today", "Yesterday",
"12 November", "12 November 2025") and a message's time ("14:32", and the full date in its tooltip).

Today and Yesterday are decided, worded and localised as in the chat list (chat_list_model's
`day_starts`/`day_of`, and the chat list's translations of the words and of its locale): one fact in
one place.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from desktop_chat.ui.chat_list_model import GROUP_LABELS, TODAY, YESTERDAY, day_of, day_starts

ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def day_key(at: float) -> tuple[int, int, int]:
    """The local calendar day of a moment: messages with different keys get a separator between them."""
    t = time.localtime(at)
    return (t.tm_year, t.tm_mon, t.tm_mday)


def day_label(at: float, now: float, labels: Mapping[int, str] = GROUP_LABELS, locale: QLocale = ENGLISH) -> str:
    """ "Today", "Yesterday", "12 November" this year, "12 November 2025" in another year."""
    group = day_of(at, day_starts(now))
    if group in (TODAY, YESTERDAY):
        return labels[group]
    date = QDateTime.fromSecsSinceEpoch(int(at)).date()
    this_year = date.year() == QDateTime.fromSecsSinceEpoch(int(now)).date().year()
    return locale.toString(date, "d MMMM" if this_year else "d MMMM yyyy")


def time_of_day(at: float, locale: QLocale = ENGLISH) -> str:
    return locale.toString(QDateTime.fromSecsSinceEpoch(int(at)).time(), QLocale.FormatType.ShortFormat)


def full_time(at: float, locale: QLocale = ENGLISH) -> str:
    """The date in words and the time, for a tooltip: "Tuesday, December 1, 2026, 14:32"."""
    when = QDateTime.fromSecsSinceEpoch(int(at))
    return f"{locale.toString(when.date(), QLocale.FormatType.LongFormat)}, {time_of_day(at, locale)}"


class Calendar:
    """Day labels and times in the UI's language: the chat list's own translations of "Today",
    "Yesterday" and of its locale, read at each call (so the order in which widgets hear of a new
    language does not matter). `clock` is the chat list's, which tests fix."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock

    @staticmethod
    def _sidebar(text: str, note: str | None = None) -> str:
        return QCoreApplication.translate("ChatSidebar", text, note)

    def _locale(self) -> QLocale:
        return QLocale(self._sidebar("en_US", "the locale of times and weekdays in the chat list"))

    def day_label(self, at: float) -> str:
        labels = {TODAY: self._sidebar("Today"), YESTERDAY: self._sidebar("Yesterday")}
        return day_label(at, self.clock(), labels, self._locale())

    def time_of_day(self, at: float) -> str:
        return time_of_day(at, self._locale())

    def full_time(self, at: float) -> str:
        return full_time(at, self._locale())
