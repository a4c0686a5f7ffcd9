"""Which provider serves a model, for the account in use. No Qt here.

The sessions ask `resolve(model)` for every reply and get a fresh provider and the model's URI, so a
key changed in the settings (or an IAM token renewed) applies to the next reply without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from desktop_chat.providers.base import Account, ChatProvider

if TYPE_CHECKING:
    from desktop_chat.api.types import WebSearchOptions
    from desktop_chat.providers.web_search import WebSearchProvider
    from desktop_chat.providers.yandex_art import ArtProvider


class NoAccount(Exception):
    """There is no key or folder yet: nothing can be sent."""


class UnknownModel(ValueError):
    """A chat (perhaps imported) names a model the app cannot reach."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.model = model


class Providers:
    def __init__(self, account: Callable[[], Account | None], client_options: dict[str, Any] | None = None,
                 data_logging: Callable[[], bool] = lambda: False) -> None:
        """`account()` is asked at each request; `client_options` go to every HTTP client (tests: backoff)."""
        self._account = account
        self.client_options = dict(client_options or {})
        self._data_logging = data_logging

    @property
    def account(self) -> Account | None:
        return self._account()

    def model_uri(self, model: str) -> str:
        account = self._require_account()
        return self._uri(account, model)

    def resolve(self, model: str, **overrides: Any) -> tuple[ChatProvider, str]:
        """A provider for `model` and the URI to send; raises NoAccount or UnknownModel."""
        account = self._require_account()
        uri = self._uri(account, model)
        from desktop_chat import catalogue

        if catalogue.api_of(model) == "openai":
            from desktop_chat.providers.openai_compat import OpenAICompatProvider

            return OpenAICompatProvider(account, **self._options(overrides)), uri
        from desktop_chat.providers.yandex_native import YandexNativeProvider

        return YandexNativeProvider(account, **self._options(overrides, native=True)), uri

    def web_search(self, model: str, options: WebSearchOptions | None = None,
                   **overrides: Any) -> tuple[WebSearchProvider, str]:
        """The Responses API provider (answers from the web) for `model`, and the URI to send."""
        from desktop_chat.providers.web_search import WebSearchProvider

        account = self._require_account()
        uri = self._uri(account, model)
        return WebSearchProvider(account, options, **self._options(overrides)), uri

    def artist(self, **overrides: Any) -> ArtProvider:
        """The YandexART provider (pictures) of the account."""
        from desktop_chat.providers.yandex_art import ArtProvider

        return ArtProvider(self._require_account(), **self._options(overrides, native=True))

    def catalogue_provider(self, **overrides: Any) -> ChatProvider:
        """The provider whose API lists the folder's models (the OpenAI-compatible one)."""
        from desktop_chat.providers.openai_compat import OpenAICompatProvider

        return OpenAICompatProvider(self._require_account(), **self._options(overrides))

    def _options(self, overrides: dict[str, Any], *, native: bool = False) -> dict[str, Any]:
        """The HTTP client's arguments: data logging as set, the tests' knobs, this call's own."""
        options = {"data_logging": self._data_logging(), **self.client_options, **overrides}
        if not native:
            options.pop("poll_interval", None)  # polling operations is the native API's (economy, pictures)
        return options

    def _require_account(self) -> Account:
        account = self._account()
        if account is None:
            raise NoAccount
        return account

    @staticmethod
    def _uri(account: Account, model: str) -> str:
        from desktop_chat import catalogue

        try:
            return catalogue.model_uri(account.folder_id, model)
        except ValueError:
            raise UnknownModel(model) from None

