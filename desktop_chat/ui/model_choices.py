"""The models offered in the chat's model picker, in the UI language, from the catalogue."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from desktop_chat.catalogue import Entry, format_rub, prices_date


def model_choices(language: str, entries: Sequence[Entry]) -> list[tuple[str, str, str]]:
    """(model id, title, tooltip) for every model offered, in the order to show them."""
    choices = []
    for entry in entries:
        title = entry.title(language)
        memory = QCoreApplication.translate("ModelChoices", "Remembers about %s tokens of the conversation")
        lines = [title, memory.replace("%s", f"{entry.context_tokens:,}".replace(",", " "))]
        if entry.vision:
            lines.append(QCoreApplication.translate("ModelChoices", "Can see pictures"))
        if entry.reasoning != "none":
            lines.append(QCoreApplication.translate("ModelChoices", "Can think longer before answering"))
        if entry.price_sync is not None:
            lines.append(QCoreApplication.translate("ModelChoices",
                                                    "Price per 1,000 tokens: %1 in, %2 out (prices of %3)")
                         .replace("%1", format_rub(entry.price_sync.input, language))
                         .replace("%2", format_rub(entry.price_sync.output, language))
                         .replace("%3", prices_date(language)))
        choices.append((entry.id, title, "\n".join(lines)))
    return choices
