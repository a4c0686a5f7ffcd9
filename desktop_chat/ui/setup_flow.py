"""Opens the first-run guide and the settings dialog, and applies what they return: settings saved,
the key stored in the keyring, language and theme switched, credentials read again.

The dialogs themselves store nothing. Keyring and file writes go through the window's serial writer,
because the keyring may block on D-Bus and disks may be slow.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop_chat.settings import Settings
from desktop_chat.ui.main_window import MainWindow, Services

if TYPE_CHECKING:
    from desktop_chat.api.client import Credentials, YandexGptClient

log = logging.getLogger(__name__)
FIRST_RUN_DONE = "first_run_done"  # in Settings.ui_state: the guide was finished or skipped once


def client_factory(services: Services) -> Callable[[Credentials, str], YandexGptClient]:
    """The dialogs' client maker; `--api-base` (this run's override) wins over the address they show."""
    def make_client(credentials: Credentials, base_url: str) -> YandexGptClient:
        from desktop_chat.api.client import YandexGptClient

        return YandexGptClient(credentials, services.api_base_override or base_url)

    return make_client


def _secrets(services: Services):
    from desktop_chat.secrets import SecretStore

    if services.secrets is None:
        services.secrets = SecretStore()
    return services.secrets


def run_first_run(window: MainWindow, services: Services) -> None:
    from desktop_chat.ui.first_run import run_first_run as show_guide

    result = show_guide(window, services.settings, _secrets(services), client_factory(services),
                        lang=services.language)
    if result is None:
        # Skipped: do not ask again at every start; the window's banner says how to add a key later.
        settings = services.settings
        settings.ui_state = {**settings.ui_state, FIRST_RUN_DONE: True}
        if services.settings_store is not None:
            store = services.settings_store
            services.tasks.write(lambda: store.save(settings))
        return
    result.settings.ui_state = {**result.settings.ui_state, FIRST_RUN_DONE: True}
    apply(window, services, result.settings, result.secret)


def run_settings(window: MainWindow, services: Services, *, focus_secret: bool = False, notice: str = "") -> None:
    from desktop_chat.secrets import EnvOverrides
    from desktop_chat.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(services.settings, _secrets(services), EnvOverrides.from_environ(services.environ),
                            client_factory(services), window, focus_secret=focus_secret, notice=notice,
                            lang=services.language)
    try:
        if dialog.exec():
            result = dialog.settings_result()
            if result is not None:
                apply(window, services, result.settings, result.secret)
    finally:
        dialog.deleteLater()


def apply(window: MainWindow, services: Services, settings: Settings, secret: str | None) -> None:
    """Makes new settings (and a new key, if given) take effect now and stores them."""
    from desktop_chat.secrets import effective_credentials
    from desktop_chat.ui.i18n import install_translator, ui_language
    from desktop_chat.ui.theme import apply_theme

    old = services.settings
    settings.ui_state = {**old.ui_state, **settings.ui_state}
    services.settings = settings
    app = QApplication.instance()
    if isinstance(app, QApplication):
        if settings.theme != old.theme:
            apply_theme(app, settings.theme)
        if settings.language != old.language:
            services.language = ui_language(settings.language)
            install_translator(app, services.language)  # widgets retranslate on LanguageChange
    secrets = _secrets(services)
    settings_store = services.settings_store
    services.credentials_generation += 1

    def store_and_reload():
        if settings_store is not None:
            settings_store.save(settings)
        if secret is not None:
            secrets.set_secret(settings.auth_kind, secret)  # "" deletes the saved one
        return effective_credentials(settings, secrets, services.environ), secrets.problem_kind

    def stored(result: tuple[Credentials | None, str]) -> None:
        credentials, window.keyring_problem = result
        window.set_credentials(credentials)

    def failed(error: BaseException) -> None:
        log.warning("settings could not be saved: %s", type(error).__name__)
        text = QCoreApplication.translate("MainWindow", "The settings could not be saved: %s") % error
        window.statusBar().showMessage(text, 10000)

    services.tasks.write(store_and_reload, stored, failed)
    window.settings_changed()
