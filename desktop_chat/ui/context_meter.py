"""The line under the message box: how much of the model's context window the next message will use.

The draft being typed never leaves the computer: it is counted offline, and only the stored history
(already sent before) is counted by the API, where the model's API can count, once per change of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop_chat import catalogue
from desktop_chat.catalogue import format_rub
from desktop_chat.chat.conversation import estimate_tokens
from desktop_chat.store import Message

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop_chat.attachments import Prepared
    from desktop_chat.ui.main_window import MainWindow


class ContextMeter(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._counted: tuple[tuple[object, ...], int] | None = None  # (what was counted, its tokens)
        self._model = ""  # the model the numbers are for (its price)

    def update(self, history: list[Message], draft: str, files: Sequence[Prepared] = ()) -> None:
        window = self.window
        messages = history + ([Message.new("user", draft)] if draft.strip() else [])
        if not messages and not files:
            window.composer.meter.setText("")
            return
        plan = window.sessions.plan(messages, window.chat_settings)
        files_tokens = sum(f.tokens(plan.model) for f in files)  # counted offline, like the draft
        self._model = plan.model
        self._show(plan.estimated_tokens + files_tokens, plan.context_tokens, plan.left_out, estimate=True)
        if files_tokens:
            return
        if window.credentials is None or not history or plan.left_out:
            return
        draft_tokens = estimate_tokens(draft, plan.model) if draft.strip() else 0
        key = (window.chat_id, history[-1].id, len(history), plan.model, window.chat_settings.system_prompt)
        if self._counted is not None and self._counted[0] == key:
            self._show(self._counted[1] + draft_tokens, plan.context_tokens, 0, estimate=bool(draft_tokens))
            return
        sessions = window.sessions
        history_plan = sessions.plan(history, window.chat_settings)

        def counted(tokens: int | None) -> None:
            if tokens is None:
                return
            self._counted = (key, tokens)
            if window.composer.text() == draft:
                self._show(tokens + draft_tokens, plan.context_tokens, 0, estimate=bool(draft_tokens))

        window.tasks.latest(lambda: sessions.count_tokens(history_plan), counted, lambda _e: None)

    def _show(self, tokens: int, window_tokens: int, left_out: int, *, estimate: bool) -> None:
        share = min(100, round(100 * tokens / max(1, window_tokens)))
        number = f"≈{tokens:,}" if estimate else f"{tokens:,}"
        text = self.tr("Context: %1 of %2 tokens (%3%)").replace("%1", number.replace(",", " ")) \
            .replace("%2", f"{window_tokens:,}".replace(",", " ")).replace("%3", str(share))
        # Money first: what sending costs at least (the question's tokens, before any reply).
        cost = catalogue.cost(self._model, tokens) if self._model else None
        if cost is not None:
            amount = format_rub(cost, self.window.services.language)
            text = ("" if amount.startswith("<") else "≈") + amount + " · " + text
        if left_out:
            text += " · " + self.tr("%n earliest message(s) will not be sent", "", left_out)
        self.window.composer.meter.setText(text)
