"""Opens the first-run guide and the settings dialog, and applies what they return: settings saved,
the secret stored in the keyring, language and theme switched, credentials read again.

The dialogs themselves store nothing. Keyring reads and writes run on their own lane (`SecretsLane`,
one thread, in order), never on the store's writer: an OS unlock prompt must not hold up saving a
chat. The settings file is written on the store's writer lane as before.

`CredentialsKeeper` hands the window credentials that are valid now through the window's contract,
`window.set_credentials(credentials_or_None)`: an OAuth token's IAM token is renewed on the lane
before less than an hour of it is left; a pasted IAM token is warned about an hour before its end
and taken away (with a plain sentence) when it has ended, so no request goes out with it.
`keeper_for(window).current_credentials` is a callable returning Credentials valid now, for
code that sends requests itself (it may block on the network: call it off the GUI thread).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from desktop_chat.settings import Settings
from desktop_chat.ui.main_window import MainWindow, Services

if TYPE_CHECKING:
    from desktop_chat.api.client import Credentials, YandexGptClient
    from desktop_chat.secrets import CredentialSource, SecretKind, SecretStore

log = logging.getLogger(__name__)
FIRST_RUN_DONE = "first_run_done"  # in Settings.ui_state: the guide was finished or skipped once
RETRY_RENEWAL_MS = 60_000  # a renewal that failed for want of a network is tried again after this


class SecretsLane(QObject):
    """Keyring work, one call at a time in the order queued, on its own thread; callbacks on the GUI thread."""

    _deliver = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("secretsLane")
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")
        self._deliver.connect(self._run_callback, Qt.ConnectionType.QueuedConnection)
        state = self._state = {"closed": False}
        pool = self._pool

        def close() -> None:  # touches no Qt object: this one is going away
            state["closed"] = True
            pool.shutdown(wait=False)  # queued keyring writes still run to the end

        self.destroyed.connect(close)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> Future:
        future = self._pool.submit(fn)

        def finished(f: Future) -> None:
            if self._state["closed"]:
                return
            error = f.exception()
            if error is not None:
                log.warning("keyring task failed: %s", type(error).__name__)
                if on_error is not None:
                    self._deliver.emit(lambda: on_error(error))
            elif on_done is not None:
                result = f.result()
                self._deliver.emit(lambda: on_done(result))

        future.add_done_callback(finished)
        return future

    def _run_callback(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:  # an exception escaping a Qt slot would abort the app
            log.exception("a keyring task's callback failed")


def secrets_lane(window: QObject) -> SecretsLane:
    lane = window.findChild(SecretsLane, "secretsLane")
    return lane if isinstance(lane, SecretsLane) else SecretsLane(window)


class CredentialsKeeper(QObject):
    """Keeps the window's credentials valid: see the module's docstring."""

    def __init__(self, window: MainWindow, lane: SecretsLane, clock: Callable[[], float] = time.time) -> None:
        super().__init__(window)
        self.setObjectName("credentialsKeeper")
        self._window = window
        self._lane = lane
        self._clock = clock
        self._source: CredentialSource | None = None
        self._warned = False
        self._given = False
        self.last_message = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.on_timer)

    @property
    def source(self) -> CredentialSource | None:
        return self._source

    def current_credentials(self) -> Credentials | None:
        """Credentials valid now (renewing the IAM token if due); None without an account. May block."""
        source = self._source
        return source.current() if source is not None else None

    def set_source(self, source: CredentialSource | None) -> None:
        self.timer.stop()
        self._source = source
        self._warned = False
        self._given = False  # the window has had credentials from this source
        if source is None:
            self._window.set_credentials(None)
            return
        self.refresh()

    def refresh(self) -> None:
        source = self._source
        if source is None:
            return
        self._lane.run(source.current, lambda credentials: self._got(source, credentials),
                       lambda error: self._failed(source, error))

    def _got(self, source: CredentialSource, credentials: Credentials) -> None:
        if source is not self._source:
            return  # other settings were applied meanwhile
        self._given = True
        self._window.set_credentials(credentials)
        self._schedule()

    def _failed(self, source: CredentialSource, error: BaseException) -> None:
        from desktop_chat.api.iam import IamError

        if source is not self._source:
            return
        kind = error.kind if isinstance(error, IamError) else "unexpected"
        if kind == "revoked":
            self._take_away(QCoreApplication.translate(
                "Setup", "Yandex ID no longer accepts your OAuth token. Paste a new one, or an API key, in Settings."))
        elif kind == "expired":
            self._take_away(QCoreApplication.translate(
                "Setup", "Your IAM token has expired. Paste a new one, or an API key, in Settings."))
        else:  # no network, a busy service: the token in use (if any) is still valid; try again soon
            if not self._given:  # nothing valid yet: the window must not wait for it
                self._window.set_credentials(None)
            self._status(QCoreApplication.translate(
                "Setup", "Could not renew the IAM token; trying again in a minute."))
            self.timer.start(RETRY_RENEWAL_MS)

    def _schedule(self) -> None:
        from desktop_chat.api.iam import REFRESH_BEFORE, SAFETY_MARGIN, WARN_BEFORE

        source = self._source
        expires = source.expires_at if source is not None else None
        if source is None or expires is None:
            return
        left = expires - self._clock()
        if source.renews:
            due = left - REFRESH_BEFORE + 5  # once less than an hour is left
        elif left - SAFETY_MARGIN <= 0:
            due = 0
        elif left > WARN_BEFORE and not self._warned:
            due = left - WARN_BEFORE
        else:
            if not self._warned:
                self.warn()
            due = left - SAFETY_MARGIN
        self.timer.start(int(max(due, 0) * 1000))

    def on_timer(self) -> None:
        """Renew, warn or take away, as the clock says (tests call this after moving their clock)."""
        from desktop_chat.api.iam import SAFETY_MARGIN, WARN_BEFORE

        source = self._source
        if source is None:
            return
        expires = source.expires_at
        if source.renews or expires is None:
            self.refresh()
            return
        left = expires - self._clock()
        if left <= SAFETY_MARGIN:
            self.refresh()  # current() refuses it: the failure says so plainly
        elif left <= WARN_BEFORE and not self._warned:
            self.warn()
            self._schedule()
        else:
            self._schedule()

    def warn(self) -> None:
        from PySide6.QtCore import QDateTime

        self._warned = True
        expires = self._source.expires_at if self._source is not None else None
        when = QDateTime.fromSecsSinceEpoch(int(expires or 0)).toString("HH:mm")
        self._status(QCoreApplication.translate(
            "Setup", "Your IAM token stops working at {0}. Paste a new one in Settings, or use an API "
            "key, which does not expire.").format(when))

    def _take_away(self, sentence: str) -> None:
        self.timer.stop()
        self._window.set_credentials(None)  # no request may go out with it
        self._status(sentence)

    def _status(self, sentence: str) -> None:
        self.last_message = sentence
        self._window.statusBar().showMessage(sentence)


def keeper_for(window: MainWindow) -> CredentialsKeeper:
    keeper = window.findChild(CredentialsKeeper, "credentialsKeeper")
    if isinstance(keeper, CredentialsKeeper):
        return keeper
    return CredentialsKeeper(window, secrets_lane(window))


def client_factory(services: Services) -> Callable[[Credentials, str], YandexGptClient]:
    """The dialogs' client maker; `--api-base` (this run's override) wins over the address they show."""
    def make_client(credentials: Credentials, base_url: str) -> YandexGptClient:
        from desktop_chat.api.client import YandexGptClient

        return YandexGptClient(credentials, services.api_base_override or base_url)

    return make_client


def _secrets(services: Services) -> SecretStore:
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
    apply(window, services, result.settings, result.secret, result.secret_kind)


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
                apply(window, services, result.settings, result.secret, result.secret_kind)
    finally:
        dialog.deleteLater()


def apply(window: MainWindow, services: Services, settings: Settings, secret: str | None,
          secret_kind: SecretKind | None = None) -> None:
    """Makes new settings (and a new secret, if given) take effect now and stores them."""
    from desktop_chat.secrets import credential_source, sign_in_of
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
    kind = secret_kind or sign_in_of(settings)
    services.credentials_generation += 1
    generation = services.credentials_generation

    if services.settings_store is not None:  # the settings file: the store's writer, as before
        settings_store = services.settings_store

        def not_saved(error: BaseException) -> None:
            log.warning("settings could not be saved: %s", type(error).__name__)
            text = QCoreApplication.translate("MainWindow", "The settings could not be saved: %s") % error
            window.statusBar().showMessage(text, 10000)

        services.tasks.write(lambda: settings_store.save(settings), None, not_saved)

    def store_and_reload() -> tuple[Any, str]:  # the keyring: its own lane
        if secret is not None:
            secrets.set_secret(kind, secret)  # "" deletes the saved one
        return credential_source(settings, secrets, services.environ), secrets.problem_kind

    def stored(result: tuple[Any, str]) -> None:
        if generation != services.credentials_generation:
            return
        source, window.keyring_problem = result
        keeper_for(window).set_source(source)

    def failed(error: BaseException) -> None:
        log.warning("the key could not be stored: %s", type(error).__name__)

    secrets_lane(window).run(store_and_reload, stored, failed)
    window.settings_changed()
