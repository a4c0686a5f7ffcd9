"""SecretStore and effective_credentials: a real Secret Service, no keyring, and env overrides."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

from desktop_chat.secrets import (
    PROBLEM_ERROR,
    PROBLEM_LOCKED,
    PROBLEM_NO_KEYRING,
    SERVICE_NAME,
    EnvOverrides,
    SecretStore,
    effective_credentials,
)
from desktop_chat.settings import Settings, SettingsStore

API_KEY = "AQVN" + "SecretApiKeyValue_0123456789abcdefgh"  # 40 characters, the real shape
IAM_TOKEN = "t1." + "9euelZqPnZ" + "." + "A" * 86
REPO = Path(__file__).resolve().parents[2]


def files_containing(roots: list[Path], needle: str) -> list[Path]:
    """Every file under `roots` whose bytes contain the secret (plain, UTF-16, or JSON-escaped)."""
    patterns = {needle.encode(), needle.encode("utf-16-le"), json.dumps(needle).encode()}
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    data = path.read_bytes()
                    if any(p in data for p in patterns):
                        found.append(path)
    return found


class RaisingKeyring(KeyringBackend):
    """A keyring whose every call raises `exc` (locked, D-Bus errors, ...)."""

    priority = 1

    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.exc


# --- a real Secret Service ------------------------------------------------------------------------


def test_round_trip_in_real_secret_service(secret_service_keyring):
    store = SecretStore(secret_service_keyring)
    assert store.persistent and store.problem == "" and store.problem_kind == ""

    store.set_secret("api_key", API_KEY)
    store.set_secret("iam_token", IAM_TOKEN)
    # A new store (as after a restart) reads it back from the keyring, not from memory.
    again = SecretStore(secret_service_keyring)
    assert again.get_secret("api_key") == API_KEY
    assert again.get_secret("iam_token") == IAM_TOKEN
    assert again.persistent

    again.delete_secret("api_key")
    again.delete_secret("api_key")  # deleting what is not there is fine
    assert SecretStore(secret_service_keyring).get_secret("api_key") is None
    again.delete_secret("iam_token")


def test_secret_is_stored_under_the_documented_names(secret_service_keyring):
    import secretstorage

    SecretStore(secret_service_keyring).set_secret("api_key", API_KEY)
    with contextlib.closing(secretstorage.dbus_init()) as conn:
        collection = secretstorage.get_default_collection(conn)
        items = list(collection.search_items({"service": "desktop-chat", "username": "api_key"}))
        assert len(items) == 1
        assert items[0].get_secret().decode() == API_KEY
    assert SERVICE_NAME == "desktop-chat"
    SecretStore(secret_service_keyring).delete_secret("api_key")


def test_default_backend_is_the_current_keyring(secret_service_keyring):
    store = SecretStore()  # what the app does: whatever keyring.get_keyring() gives
    assert "SecretService" in store.backend_name
    store.set_secret("api_key", API_KEY)
    assert SecretStore().get_secret("api_key") == API_KEY
    store.delete_secret("api_key")


def test_app_processes_share_the_keyring(secret_service, tmp_path):
    """Two separate processes (as two app starts) on the same bus: the second reads what the first stored."""
    script = textwrap.dedent("""
        import sys
        from desktop_chat.secrets import SecretStore
        store = SecretStore()
        if sys.argv[1] == "set":
            store.set_secret("api_key", sys.argv[2])
        else:
            print(store.get_secret("api_key"))
        print("persistent" if store.persistent else "session-only:" + store.problem_kind)
    """)
    env = dict(secret_service.env, PYTHONPATH=str(REPO))
    first = subprocess.run([sys.executable, "-c", script, "set", API_KEY], env=env, capture_output=True,
                           text=True, timeout=60, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == ["persistent"]
    second = subprocess.run([sys.executable, "-c", script, "get"], env=env, capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == [API_KEY, "persistent"]
    # The keyring file is encrypted: the secret's bytes are nowhere in the throwaway HOME.
    assert files_containing([*secret_service.dirs, tmp_path], API_KEY) == []


# --- no keyring ------------------------------------------------------------------------------------


def test_no_keyring_keeps_the_secret_for_this_session_only(no_keyring):
    store = SecretStore()
    assert not store.persistent
    assert store.problem_kind == PROBLEM_NO_KEYRING
    assert "no password storage" in store.problem

    store.set_secret("api_key", API_KEY)
    assert store.get_secret("api_key") == API_KEY
    assert SecretStore().get_secret("api_key") is None  # a restart forgets it
    store.delete_secret("api_key")
    assert store.get_secret("api_key") is None


def test_no_keyring_writes_nothing_to_disk(no_keyring, tmp_path, monkeypatch):
    home, config, data = tmp_path / "home", tmp_path / "config", tmp_path / "data"
    for d in (home, config, data):
        d.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))

    store = SecretStore()
    store.set_secret("api_key", API_KEY)
    settings_store = SettingsStore(config / "DesktopChat")
    settings_store.save(Settings(folder_id="b1g0123456789abcdefg"))
    assert settings_store.load().folder_id == "b1g0123456789abcdefg"
    assert store.get_secret("api_key") == API_KEY
    assert files_containing([tmp_path], API_KEY) == []
    assert (config / "DesktopChat" / "settings.json").exists()


def run_headless(tmp_path: Path, extra_env: dict[str, str]) -> tuple[list[str], subprocess.CompletedProcess]:
    """The store in a fresh process with only the given bus (keyring picks its backend itself)."""
    home = tmp_path / "home"
    run = tmp_path / "run"
    home.mkdir(exist_ok=True)
    run.mkdir(mode=0o700, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_RUNTIME_DIR=str(run), PYTHONPATH=str(REPO), **extra_env)
    script = textwrap.dedent("""
        import sys
        from desktop_chat.secrets import SecretStore
        store = SecretStore()
        store.set_secret("api_key", sys.argv[1])
        assert store.get_secret("api_key") == sys.argv[1]
        print(store.persistent, store.problem_kind, repr(store))
    """)
    proc = subprocess.run([sys.executable, "-c", script, API_KEY], env=env, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split(maxsplit=2), proc


def test_headless_linux_without_a_bus(tmp_path):
    words, proc = run_headless(tmp_path, {})
    assert words[:2] == ["False", PROBLEM_NO_KEYRING]
    assert API_KEY not in proc.stdout + proc.stderr
    assert files_containing([tmp_path], API_KEY) == []


def test_headless_linux_with_a_bus_but_no_secret_service(tmp_path):
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    started = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                             capture_output=True, text=True, timeout=20, check=True,
                             env=dict(os.environ, XDG_RUNTIME_DIR=str(run), HOME=str(tmp_path)))
    address, pid = started.stdout.split()[:2]
    try:
        words, _ = run_headless(tmp_path, {"DBUS_SESSION_BUS_ADDRESS": address})
    finally:
        os.kill(int(pid), signal.SIGTERM)
    assert words[0] == "False"
    assert words[1] in (PROBLEM_NO_KEYRING, PROBLEM_ERROR)
    assert files_containing([tmp_path], API_KEY) == []


def test_null_keyring_counts_as_no_keyring():
    from keyring.backends import null

    store = SecretStore(null.Keyring())  # it would silently drop the key: must not count as storage
    store.set_secret("api_key", API_KEY)
    assert not store.persistent and store.problem_kind == PROBLEM_NO_KEYRING
    assert store.get_secret("api_key") == API_KEY


def test_locked_keyring_falls_back_to_session(memory_keyring):
    backend = RaisingKeyring(KeyringLocked("Failed to unlock the collection!"))
    store = SecretStore(backend)
    assert store.persistent  # not known until the first call
    store.set_secret("iam_token", IAM_TOKEN)
    assert not store.persistent
    assert store.problem_kind == PROBLEM_LOCKED
    assert "locked" in store.problem
    assert store.get_secret("iam_token") == IAM_TOKEN
    calls = backend.calls
    store.get_secret("api_key")  # once it failed, later calls do not knock on it again
    assert backend.calls == calls


@pytest.mark.parametrize("exc", [RuntimeError("dbus went away"), OSError(13, "Permission denied")])
def test_any_keyring_error_falls_back_to_session(exc):
    store = SecretStore(RaisingKeyring(exc))
    assert store.get_secret("api_key") is None  # a read error: nothing, and no exception
    assert store.problem_kind == PROBLEM_ERROR
    store.set_secret("api_key", API_KEY)
    assert store.get_secret("api_key") == API_KEY
    store.delete_secret("api_key")
    assert store.get_secret("api_key") is None


def test_secret_service_errors_are_handled():
    from secretstorage.exceptions import SecretServiceNotAvailableException

    store = SecretStore(RaisingKeyring(SecretServiceNotAvailableException("no daemon")))
    store.set_secret("api_key", API_KEY)
    assert store.problem_kind == PROBLEM_ERROR and store.get_secret("api_key") == API_KEY


def test_delete_of_missing_secret_is_not_a_problem(memory_keyring):
    store = SecretStore()
    store.delete_secret("api_key")
    assert store.persistent and store.problem_kind == ""


def test_empty_secret_deletes(memory_keyring):
    store = SecretStore()
    store.set_secret("api_key", API_KEY)
    assert memory_keyring.items == {(SERVICE_NAME, "api_key"): API_KEY}
    store.set_secret("api_key", "")
    assert memory_keyring.items == {}


def test_unknown_kind_is_a_programming_error(memory_keyring):
    with pytest.raises(ValueError):
        SecretStore().get_secret("password")
    with pytest.raises(ValueError):
        SecretStore().set_secret("oauth", "x")


def test_probe_reports_persistence(memory_keyring, no_keyring):
    # no_keyring was set last, so it is the current keyring
    assert SecretStore().probe() is False
    assert SecretStore(memory_keyring).probe() is True


# --- environment overrides ---------------------------------------------------------------------------


def test_env_overrides_win_and_are_never_stored(memory_keyring, tmp_path):
    store = SecretStore()
    store.set_secret("api_key", "AQVN-saved-key")
    settings_store = SettingsStore(tmp_path)
    settings = Settings(folder_id="b1gsavedfolder000000", auth_kind="api_key")
    settings_store.save(settings)
    before = (tmp_path / "settings.json").read_bytes()

    env = {"YC_API_KEY": API_KEY, "YC_FOLDER_ID": "b1genvfolder00000000"}
    creds = effective_credentials(settings, store, env)
    assert creds is not None
    assert (creds.kind, creds.secret, creds.folder_id) == ("api_key", API_KEY, "b1genvfolder00000000")
    # Nothing from the environment went to the keyring or the settings file.
    assert memory_keyring.items == {(SERVICE_NAME, "api_key"): "AQVN-saved-key"}
    assert (tmp_path / "settings.json").read_bytes() == before


def test_env_secret_does_not_touch_the_keyring():
    backend = RaisingKeyring(RuntimeError("must not be called"))
    store = SecretStore(backend)
    creds = effective_credentials(Settings(folder_id="b1gsavedfolder000000"), store,
                                  {"YC_IAM_TOKEN": IAM_TOKEN})
    assert creds is not None and creds.kind == "iam_token" and creds.folder_id == "b1gsavedfolder000000"
    assert backend.calls == 0


def test_env_folder_alone_uses_the_saved_secret(memory_keyring):
    store = SecretStore()
    store.set_secret("iam_token", IAM_TOKEN)
    creds = effective_credentials(Settings(folder_id="b1gsaved", auth_kind="iam_token"), store,
                                  {"YC_FOLDER_ID": "b1genv"})
    assert creds is not None
    assert (creds.kind, creds.secret, creds.folder_id) == ("iam_token", IAM_TOKEN, "b1genv")


def test_api_key_beats_iam_token_and_empty_variables_are_unset():
    env = EnvOverrides.from_environ({"YC_API_KEY": API_KEY, "YC_IAM_TOKEN": IAM_TOKEN, "YC_FOLDER_ID": " "})
    assert env.secret_kind == "api_key" and env.secret == API_KEY
    assert env.secret_variable == "YC_API_KEY"
    assert env.folder_id is None
    assert env.variables == ["YC_API_KEY"]
    assert not EnvOverrides.from_environ({"YC_API_KEY": "", "YC_FOLDER_ID": ""})


def test_no_credentials_without_folder_or_secret(memory_keyring):
    store = SecretStore()
    assert effective_credentials(Settings(folder_id="b1gx"), store, {}) is None  # no secret
    store.set_secret("api_key", API_KEY)
    assert effective_credentials(Settings(folder_id=""), store, {}) is None  # no folder
    assert effective_credentials(Settings(folder_id="b1gx"), store, {}) is not None
    # The saved auth kind chooses which secret is used.
    assert effective_credentials(Settings(folder_id="b1gx", auth_kind="iam_token"), store, {}) is None


# --- the secret never shows ------------------------------------------------------------------------


def test_secret_never_in_repr_or_str(no_keyring, memory_keyring):
    session_store = SecretStore(no_keyring)
    session_store.set_secret("api_key", API_KEY)
    kept_store = SecretStore(memory_keyring)
    kept_store.set_secret("api_key", API_KEY)
    env = EnvOverrides.from_environ({"YC_API_KEY": API_KEY, "YC_IAM_TOKEN": IAM_TOKEN})
    creds = effective_credentials(Settings(folder_id="b1gx"), kept_store, {})
    assert creds is not None
    for obj in (session_store, kept_store, env, creds, Settings(folder_id="b1gx")):
        for text in (repr(obj), str(obj), f"{obj!r} {obj}"):
            assert API_KEY not in text and IAM_TOKEN not in text, text


def test_missing_gnome_keyring_fails_loudly(monkeypatch):
    """Without the daemon the keyring tests must fail (naming the package), never be skipped."""
    from tests.fixtures import keyring_service

    monkeypatch.setattr(keyring_service.shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install .*gnome-keyring"):
        keyring_service._require("gnome-keyring-daemon", "gnome-keyring")


# --- OAuth tokens and credential sources ------------------------------------------------------------

OAUTH_TOKEN = "y0_" + "AgAAAAB" + "o" * 50


def test_oauth_token_round_trip_in_real_secret_service(secret_service_keyring):
    store = SecretStore(secret_service_keyring)
    store.set_secret("oauth_token", OAUTH_TOKEN)
    assert SecretStore(secret_service_keyring).get_secret("oauth_token") == OAUTH_TOKEN
    assert secret_service_keyring.get_password(SERVICE_NAME, "oauth_token") == OAUTH_TOKEN
    store.delete_secret("oauth_token")
    assert SecretStore(secret_service_keyring).get_secret("oauth_token") is None


def test_sign_in_lives_beside_the_settings_until_they_have_a_field(memory_keyring, tmp_path):
    from desktop_chat.secrets import sign_in_of, with_sign_in

    settings = with_sign_in(Settings(folder_id="b1gfolder0000000000a"), "oauth_token")
    assert settings.auth_kind == "iam_token" and sign_in_of(settings) == "oauth_token"
    config = SettingsStore(tmp_path)
    config.save(settings)  # the settings file takes it as it is today
    assert sign_in_of(SettingsStore(tmp_path).load()) == "oauth_token"
    back = with_sign_in(settings, "api_key")
    assert back.auth_kind == "api_key" and "sign_in" not in back.ui_state and sign_in_of(back) == "api_key"
    iam = with_sign_in(settings, "iam_token", iam_expires_at=123.0)
    assert sign_in_of(iam) == "iam_token" and iam.ui_state["iam_token_expires_at"] == 123.0


def test_credential_source_for_each_sign_in(memory_keyring):
    from desktop_chat.api.iam import IamTokenExpiredError
    from desktop_chat.secrets import credential_source, with_sign_in

    secrets = SecretStore()
    secrets.set_secret("api_key", API_KEY)
    secrets.set_secret("iam_token", IAM_TOKEN)
    secrets.set_secret("oauth_token", OAUTH_TOKEN)
    folder = Settings(folder_id="b1gfolder0000000000a")
    source = credential_source(folder, secrets, {})
    assert source is not None and source.current().secret == API_KEY and source.expires_at is None

    now = [1000.0]
    iam = with_sign_in(folder, "iam_token", iam_expires_at=2000.0)
    source = credential_source(iam, secrets, {}, clock=lambda: now[0])
    assert source is not None and source.current().secret == IAM_TOKEN and source.expires_at == 2000.0
    now[0] = 1990.0
    with pytest.raises(IamTokenExpiredError):
        source.current()  # never handed out at its end

    oauth = with_sign_in(folder, "oauth_token")
    source = credential_source(oauth, secrets, {})
    assert source is not None and source.renews and OAUTH_TOKEN not in repr(source)
    assert effective_credentials(oauth, secrets, {}) is None  # needs the network: the source does it
    # The environment still wins, and is never an OAuth token.
    env = credential_source(oauth, secrets, {"YC_API_KEY": API_KEY})
    assert env is not None and env.sign_in == "api_key" and env.from_environment
