"""The models this account can use: the live `/v1/models` list merged with the built-in catalogue,
kept in a small cache file so start-up and offline browsing need no network. No Qt here."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from desktop_chat import catalogue
from desktop_chat.catalogue import CatalogueCache, Entry
from desktop_chat.providers.registry import Providers

log = logging.getLogger(__name__)

REFRESH_AFTER = 24 * 3600  # the list changes a few times a year; once a day is plenty


class ModelList:
    def __init__(self, cache_path: Path) -> None:
        self._cache = CatalogueCache(cache_path)
        self._lock = threading.Lock()
        cached = self._cache.load()
        self._live: list[str] | None = list(cached.live_ids) if cached is not None else None
        self._fetched_at: datetime | None = cached.fetched_at if cached is not None else None

    def entries(self) -> list[Entry]:
        """The models to offer: the folder's live list when known, else the built-in table."""
        with self._lock:
            live = self._live
        return catalogue.catalogue(live)

    def needs_refresh(self, folder_id: str) -> bool:
        with self._lock:
            if self._live is None or self._fetched_at is None:
                return True
            if not any(i.startswith(f"gpt://{folder_id.strip()}/") for i in self._live):
                return True  # fetched for another folder
            return (datetime.now(UTC) - self._fetched_at).total_seconds() > REFRESH_AFTER

    def refresh(self, providers: Providers) -> list[Entry]:
        """Asks the OpenAI-compatible API for the folder's models (a network call: off the GUI thread)."""
        provider = providers.catalogue_provider(timeout=10.0, max_retries=1)
        try:
            live = provider.list_models()
        finally:
            provider.close()
        now = datetime.now(UTC)
        with self._lock:
            self._live, self._fetched_at = list(live), now
        self._cache.save(list(live), now)
        return self.entries()
