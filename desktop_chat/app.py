"""Start-up: build the services, show the window, then do the slower work after the first paint.

The budget is a painted window in well under half a second even with a thousand chats on disk,
so nothing here reads chat files (the store lists chats from its index), and the keyring, the
first-run check and the store's upkeep run only once the window is on screen.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from desktop_chat.paths import AppPaths, resolve_paths

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

log = logging.getLogger("desktop_chat")
_STARTED = time.perf_counter()


def setup_logging(paths: AppPaths) -> None:
    """Logs go to a small rotating file in the data folder. Nothing logged carries a secret."""
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_dir / "desktop-chat.log", maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def create_main_window(args: argparse.Namespace) -> MainWindow:
    """Builds the services and the main window, not yet shown, in the running QApplication.

    Used by `run_app` and by `--smoke-test` (which passes throwaway folders).
    """
    from desktop_chat.settings import SettingsStore
    from desktop_chat.store import ChatStore
    from desktop_chat.ui.i18n import install_translator, ui_language
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import apply_theme, current_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication), "create a QApplication first"
    paths = resolve_paths(args.data_dir, args.config_dir)
    settings_store = SettingsStore(paths.config_dir)
    settings = settings_store.load()
    language = ui_language(settings.language)
    install_translator(app, language)
    apply_theme(app, settings.theme)

    store = ChatStore(paths.data_dir)
    report = store.open()
    services = Services(store=store, settings=settings, tasks=BackgroundTasks(), settings_store=settings_store,
                        api_base_override=getattr(args, "api_base", None), language=language)
    window = MainWindow(services, current_theme())
    window.store_report = report
    return window


def run_app(args: argparse.Namespace) -> int:
    paths = resolve_paths(args.data_dir, args.config_dir)
    setup_logging(paths)

    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon

    from desktop_chat import __version__
    from desktop_chat.resources import icon_path
    from desktop_chat.ui.startup import after_first_paint, report_first_paint

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Desktop Chat")
    app.setOrganizationName("DesktopChat")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("desktop-chat")
    if icon_path().exists():
        app.setWindowIcon(QIcon(str(icon_path())))

    from desktop_chat.ui.single_instance import SingleInstance, hand_over, server_name
    if hand_over(server_name(paths.data_dir), sys.argv[1:]):  # a window on this folder is open: it comes forward
        return 0
    instance = SingleInstance(server_name(paths.data_dir), app)
    instance.listen()
    from desktop_chat.store import StoreError

    try:
        window = create_main_window(args)
    except StoreError as error:  # an unreadable data folder: say what is wrong, never a traceback
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Desktop Chat", str(error))
        return 1

    def bring_forward(_arguments: object = None) -> None:
        if window.isMinimized():
            window.showNormal()  # a maximized window stays maximized
        window.raise_()
        window.activateWindow()

    instance.activated.connect(bring_forward)
    window.show()
    window.composer.edit.setFocus()
    report_first_paint(window, _STARTED)
    QTimer.singleShot(0, lambda: after_first_paint(window))
    code = app.exec()
    window.services.store.close()
    return code
