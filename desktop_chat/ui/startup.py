"""What happens once the window is on screen: credentials from the keyring (which may block on
D-Bus), the first-run setup when there are none, and plain words about anything the store had
to set aside."""

from __future__ import annotations

import gc
import logging
import os
import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_chat.settings import SettingsStore
from desktop_chat.ui.main_window import MainWindow, Services

log = logging.getLogger(__name__)


class _FirstPaintProbe(QObject):
    """Prints the seconds from process start to the window's first paint (for bench/), if asked."""

    def __init__(self, window: QWidget, started: float) -> None:
        super().__init__(window)
        self._started = started
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            elapsed = time.perf_counter() - self._started
            # And the process's CPU time so far: on a shared machine it varies much less than the clock.
            print(f"first-paint {elapsed:.4f} cpu {time.process_time():.4f}", flush=True)
            if os.environ.get("DESKTOP_CHAT_EXIT_AFTER_PAINT") == "1":
                QTimer.singleShot(0, QApplication.quit)
        return False


def report_first_paint(window: QWidget, started: float) -> None:
    if os.environ.get("DESKTOP_CHAT_PRINT_FIRST_PAINT") == "1" or \
            os.environ.get("DESKTOP_CHAT_EXIT_AFTER_PAINT") == "1":
        _FirstPaintProbe(window, started)


def after_first_paint(window: MainWindow) -> None:
    if os.environ.get("DESKTOP_CHAT_EXIT_AFTER_PAINT") == "1":
        return
    services = window.services
    if services.settings_store is not None:
        settings_store = services.settings_store
        if window.store.listing_complete:
            _report_store_problems(window, window.store_report, settings_store)
        else:  # a big store lists the rest in the background: report once everything has been read
            window.sidebar.listCompleted.connect(
                lambda: _report_store_problems(window, window.store_report, settings_store))
    window.settings_opener = lambda focus_secret=False, notice="": open_settings(window, services,
                                                                              focus_secret, notice)
    future = window.prewarm()
    # The objects made at start live as long as the app: out of the collector's way, a full collection
    # no longer walks them (12-30 ms at a random moment of a streaming reply, bench_stream --gc-freeze).
    future.add_done_callback(lambda _f: gc.freeze())

    from desktop_chat.secrets import SecretStore

    if services.secrets is None:
        services.secrets = SecretStore()  # cheap: it touches the keyring only when asked for a secret
    secrets = services.secrets
    generation = services.credentials_generation

    def load() -> tuple[object, str]:
        from desktop_chat.secrets import credential_source

        source = credential_source(services.settings, secrets, services.environ)  # may block on D-Bus
        return source, secrets.problem_kind

    def loaded(result: tuple[object, str]) -> None:
        if generation != services.credentials_generation:
            return  # the person saved other settings meanwhile; that result already applies
        source, keyring_problem = result
        window.keyring_problem = keyring_problem
        from desktop_chat.secrets import EnvOverrides
        from desktop_chat.ui.setup_flow import FIRST_RUN_DONE, keeper_for, run_first_run

        keeper_for(window).set_source(source)  # type: ignore[arg-type]  # credentials once valid
        # A secret from the environment without a folder ID: the banner explains; no guide on top.
        env_secret = EnvOverrides.from_environ(services.environ).secret
        if source is None and not env_secret and not services.settings.ui_state.get(FIRST_RUN_DONE):
            run_first_run(window, services)

    def failed(error: BaseException) -> None:
        log.warning("credentials could not be loaded: %s", type(error).__name__)
        if generation == services.credentials_generation:
            window.set_credentials(None)

    # The keyring has its own lane: an unlock prompt must not hold up the store's writer or searches.
    from desktop_chat.ui.setup_flow import secrets_lane

    secrets_lane(window).run(load, loaded, failed)


def open_settings(window: MainWindow, services: Services, focus_secret: bool = False, notice: str = "") -> None:
    from desktop_chat.ui.setup_flow import run_settings

    run_settings(window, services, focus_secret=focus_secret, notice=notice)


def _report_store_problems(window: MainWindow, report: object, settings_store: SettingsStore) -> None:
    lines: list[str] = []
    quarantined = getattr(report, "quarantined", [])
    read_only = getattr(report, "read_only", [])
    # One wording fits any number here (the count is put in by hand, not as a Qt plural).
    moved, newer = len(quarantined), len(read_only)
    if moved:
        folder = os.path.dirname(str(quarantined[0][0]))
        text = QCoreApplication.translate(
            "Startup", "%n chat file(s) could not be read and were moved aside, so the other chats open "
                       "normally. They are kept in: %1")
        lines.append(text.replace("%n", str(moved)).replace("%1", folder))
    if newer:
        lines.append(QCoreApplication.translate(
            "Startup", "%n chat(s) were saved by a newer version of Desktop Chat. You can read them, but "
                       "changes need the newer version.").replace("%n", str(newer)))
    for warning in settings_store.warnings:
        lines.append(QCoreApplication.translate("Startup", "Settings: %s") % warning)
    if lines:
        # Not modal: the chats that did open are usable while the person reads this.
        box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("Startup", "Desktop Chat"),
                          "\n\n".join(lines), QMessageBox.StandardButton.Ok, window)
        box.setModal(False)
        box.show()
        log.warning("store problems reported: %d quarantined, %d read-only", moved, newer)
