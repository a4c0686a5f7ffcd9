"""A main window wired to a store in a temporary folder and, when asked, to the fake server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop_chat.api import Credentials
from desktop_chat.settings import Settings
from desktop_chat.store import ChatStore
from desktop_chat.ui.main_window import MainWindow, Services
from desktop_chat.ui.tasks import BackgroundTasks
from desktop_chat.ui.theme import LIGHT
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot, tmp_path: Path) -> Iterator[MakeWindow]:
    windows: list[MainWindow] = []

    def make(server=None, *, data_dir: Path | None = None, online: bool = True,
             settings: Settings | None = None) -> MainWindow:
        store = ChatStore(data_dir or tmp_path / "data")
        store.open()
        # A new chat's automatic name is a request of its own: off unless a test is about it.
        services = Services(store=store, settings=settings or Settings(auto_titles=False), tasks=BackgroundTasks(),
                            api_base_override=server.url if server is not None else "http://127.0.0.1:9",
                            language="en", environ={}, client_options={"timeout": 5.0, "backoff": 0.01})
        window = MainWindow(services, LIGHT)
        qtbot.addWidget(window)
        if not services.settings.ui_state.get("geometry"):
            window.resize(900, 700)
        window.show()
        window.set_credentials(Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID) if online else None)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.isVisible():
            window.close()
        window.services.store.close()
