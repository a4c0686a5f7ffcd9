"""Keyring work on its own lane (never the store's writer), and credentials kept valid in the window:
OAuth IAM tokens renewed before they end, a pasted IAM token warned about and then taken away."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QMainWindow

from desktop_chat.api.iam import IAM_TOKEN_LIFETIME
from desktop_chat.secrets import CredentialSource, SecretStore
from desktop_chat.settings import Settings
from desktop_chat.ui import setup_flow
from desktop_chat.ui.tasks import BackgroundTasks
from tests.fakes.iam_server import FakeIamServer
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID
from tests.fixtures.keyring_service import _use_keyring

OAUTH = "y0_" + "AgAAAAB" + "k" * 50
WAIT = 8000


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


class FakeWindow(QMainWindow):
    """What the setup code needs of the main window: its contract, nothing more."""

    def __init__(self) -> None:
        super().__init__()
        self.given: list[object] = []
        self.keyring_problem = ""

    def set_credentials(self, credentials) -> None:
        self.given.append(credentials)

    def settings_changed(self) -> None:
        pass


class SlowKeyring(KeyringBackend):
    """A keyring whose calls wait for `unlock` (an OS unlock prompt nobody has answered yet)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.unlock = threading.Event()
        self.items: dict[tuple[str, str], str] = {}
        self.threads: list[str] = []

    def _wait(self) -> None:
        self.threads.append(threading.current_thread().name)
        assert self.unlock.wait(10)

    def get_password(self, service, username):
        self._wait()
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self._wait()
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self._wait()
        self.items.pop((service, username), None)


@dataclass
class FakeServices:
    settings: Settings
    tasks: BackgroundTasks
    secrets: SecretStore | None = None
    settings_store: object = None
    environ: dict = field(default_factory=dict)
    language: str = "en"
    credentials_generation: int = 0
    api_base_override: str | None = None


@pytest.fixture
def window(qtbot):
    w = FakeWindow()
    qtbot.addWidget(w)
    return w


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def iam(clock):
    server = FakeIamServer({OAUTH}, clock=clock).start()
    try:
        yield server
    finally:
        server.stop()


def test_an_unanswered_unlock_prompt_does_not_hold_up_the_store_writer(qtbot, window, tmp_path):
    slow = SlowKeyring()
    tasks = BackgroundTasks()
    services = FakeServices(settings=Settings(), tasks=tasks, secrets=SecretStore())
    try:
        with _use_keyring(slow):
            setup_flow.apply(window, services, Settings(folder_id=FAKE_FOLDER_ID), FAKE_API_KEY, "api_key")
            qtbot.waitUntil(lambda: bool(slow.threads), timeout=WAIT)  # the keyring call is waiting for the user
            saved = []
            tasks.write(lambda: saved.append("chat saved"))  # a chat being saved meanwhile
            qtbot.waitUntil(lambda: saved == ["chat saved"], timeout=WAIT)
            assert not window.given  # the key is still being stored
            slow.unlock.set()
            qtbot.waitUntil(lambda: bool(window.given), timeout=WAIT)
        assert all(name.startswith("keyring") for name in slow.threads)
        assert slow.items[("desktop-chat", "api_key")] == FAKE_API_KEY
        assert window.given[-1].secret == FAKE_API_KEY and window.given[-1].kind == "api_key"
    finally:
        slow.unlock.set()
        tasks.shutdown()


def test_oauth_iam_tokens_are_renewed_before_they_end(qtbot, window, clock, iam):
    keeper = setup_flow.CredentialsKeeper(window, setup_flow.secrets_lane(window), clock)
    keeper.set_source(CredentialSource(FAKE_FOLDER_ID, "oauth_token", OAUTH, iam_base=iam.url, clock=clock))
    qtbot.waitUntil(lambda: len(window.given) == 1, timeout=WAIT)
    first = window.given[0]
    assert first.kind == "iam_token" and first.secret == iam.issued[0].token
    # Renewal is planned for when less than an hour is left, not at the end.
    assert 0 < keeper.timer.interval() / 1000 <= IAM_TOKEN_LIFETIME - 3600 + 10
    for day in range(3):  # time passes; each planned renewal hands the window a fresh token
        clock.now += keeper.timer.interval() / 1000
        keeper.on_timer()
        qtbot.waitUntil(lambda d=day: len(window.given) == d + 2, timeout=WAIT)
        token = window.given[-1].secret
        issued = next(i for i in iam.issued if i.token == token)
        assert issued.expires_at - clock() > 3600 - 10  # never handed out near or past its end
    assert len(iam.issued) == 4
    assert keeper.current_credentials().secret == window.given[-1].secret


def test_a_revoked_oauth_token_takes_the_credentials_away_with_words(qtbot, window, clock, iam):
    keeper = setup_flow.CredentialsKeeper(window, setup_flow.secrets_lane(window), clock)
    keeper.set_source(CredentialSource(FAKE_FOLDER_ID, "oauth_token", OAUTH, iam_base=iam.url, clock=clock))
    qtbot.waitUntil(lambda: len(window.given) == 1, timeout=WAIT)
    iam.revoke(OAUTH)
    clock.now += keeper.timer.interval() / 1000
    keeper.on_timer()
    qtbot.waitUntil(lambda: len(window.given) == 2, timeout=WAIT)
    assert window.given[-1] is None
    assert "no longer accepts your OAuth token" in window.statusBar().currentMessage()
    assert OAUTH not in window.statusBar().currentMessage()


def test_a_pasted_iam_token_is_warned_about_then_taken_away(qtbot, window, clock):
    keeper = setup_flow.CredentialsKeeper(window, setup_flow.secrets_lane(window), clock)
    expires = clock() + 5 * 3600
    keeper.set_source(CredentialSource(FAKE_FOLDER_ID, "iam_token", "t1.abc", expires_at=expires, clock=clock))
    qtbot.waitUntil(lambda: len(window.given) == 1, timeout=WAIT)
    assert window.given[0].secret == "t1.abc"
    assert keeper.timer.interval() == 4 * 3600 * 1000  # the warning comes an hour before the end
    clock.now += 4 * 3600
    keeper.on_timer()
    assert "stops working at" in window.statusBar().currentMessage()
    clock.now = expires - 30
    keeper.on_timer()
    qtbot.waitUntil(lambda: len(window.given) == 2, timeout=WAIT)
    assert window.given[-1] is None
    assert "has expired" in window.statusBar().currentMessage()


def test_an_api_key_needs_no_timer(qtbot, window):
    keeper = setup_flow.keeper_for(window)
    assert setup_flow.keeper_for(window) is keeper
    keeper.set_source(CredentialSource(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY))
    qtbot.waitUntil(lambda: len(window.given) == 1, timeout=WAIT)
    assert window.given[0].kind == "api_key" and not keeper.timer.isActive()
    assert FAKE_API_KEY not in repr(keeper.source)


def test_no_network_at_the_first_exchange_leaves_no_one_waiting_and_tries_again(qtbot, window, clock, iam):
    keeper = setup_flow.CredentialsKeeper(window, setup_flow.secrets_lane(window), clock)
    iam.fail_next_status = 503
    keeper.set_source(CredentialSource(FAKE_FOLDER_ID, "oauth_token", OAUTH, iam_base=iam.url, clock=clock))
    qtbot.waitUntil(lambda: len(window.given) == 1, timeout=WAIT)
    assert window.given[0] is None and "trying again" in keeper.last_message
    assert keeper.timer.interval() == setup_flow.RETRY_RENEWAL_MS
    keeper.on_timer()
    qtbot.waitUntil(lambda: len(window.given) == 2, timeout=WAIT)
    assert window.given[-1].secret == iam.issued[0].token
