"""What the main window is given to work with (tests hand in their own)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop_chat.settings import Settings, SettingsStore
from desktop_chat.store import ChatStore
from desktop_chat.ui.tasks import BackgroundTasks

if TYPE_CHECKING:
    from desktop_chat.chat.model_list import ModelList
    from desktop_chat.secrets import SecretStore


@dataclass
class Services:
    store: ChatStore
    settings: Settings
    tasks: BackgroundTasks
    settings_store: SettingsStore | None = None
    secrets: SecretStore | None = None  # created after the first paint
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    api_base_override: str | None = None
    language: str = "en"  # "ru" or "en": the language of messages from the API layer
    client_options: dict = field(default_factory=dict)  # extra HTTP client arguments (tests: short backoff)
    models: ModelList | None = None  # the models on offer (None: from the cache in the data folder)
    # Bumped whenever settings or keys are applied, so an older read of the keyring cannot win.
    credentials_generation: int = 0

    @property
    def api_base(self) -> str:
        return self.api_base_override or self.settings.api_base

