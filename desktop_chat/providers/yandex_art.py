"""Pictures drawn by YandexART, for the sessions. No Qt here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_chat.api.types import CancelToken
    from desktop_chat.api.yandex_art import Drawing, Picture, YandexArtClient
    from desktop_chat.providers.base import Account

ART_MODEL = "yandex-art"  # the name stored as a drawn picture's `model`


class ArtProvider:
    """Starts a drawing (an asynchronous operation) and waits for it, also after a restart."""

    def __init__(self, account: Account, *, poll_interval: float = 1.0, **client_options: Any) -> None:
        from desktop_chat.api.yandex_art import YandexArtClient

        self.client: YandexArtClient = YandexArtClient(account.credentials(), account.api_base, **client_options)
        self.poll_interval = poll_interval

    def start(self, drawing: Drawing) -> str:
        """The operation id to wait for (keep it: a restart waits for it again)."""
        return self.client.start(drawing)

    def wait(self, operation_id: str, cancel: CancelToken) -> Picture:
        """The picture; raises ApiError (DrawRefusedError for a refused prompt), CancelledError on cancel."""
        return self.client.wait(operation_id, poll_interval=min(self.poll_interval, 2.0), timeout=3600.0,
                                cancel=cancel)

    def close(self) -> None:
        self.client.close()
