"""The models offered in the chat's model picker, in the UI language."""

from __future__ import annotations


def model_choices(language: str) -> list[tuple[str, str, str]]:
    """(model id, title, tooltip) for every model the app offers, in the order to show them."""
    from desktop_chat.api.models import MODELS

    return [(key, info.title, f"{info.title} · {info.context_tokens:,}".replace(",", " "))
            for key, info in MODELS.items()]
