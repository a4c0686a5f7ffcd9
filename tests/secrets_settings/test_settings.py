"""SettingsStore: defaults, round trip, broken files, newer versions, migrations, no secrets."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from desktop_chat import settings as settings_module
from desktop_chat.settings import (
    CURRENT_VERSION,
    MIGRATIONS,
    Settings,
    SettingsStore,
    migrate,
    settings_from_dict,
    validate,
)

FOLDER = "b1g0123456789abcdefg"


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)


def broken_copies(config: Path) -> list[Path]:
    return sorted(config.glob("settings.json.broken-*"))


def test_defaults_when_there_is_no_file(tmp_path):
    store = SettingsStore(tmp_path / "config")
    settings = store.load()
    assert settings == Settings()
    assert settings.model == "yandexgpt-lite" and settings.temperature == 0.3 and settings.max_tokens == 2000
    assert settings.data_logging is False and settings.language == "system" and settings.theme == "system"
    assert settings.api_base.startswith("https://")
    assert store.warnings == [] and not store.read_only
    assert not (tmp_path / "config").exists()  # loading alone creates nothing


def test_round_trip(tmp_path):
    store = SettingsStore(tmp_path)
    settings = Settings(folder_id=FOLDER, auth_kind="iam_token", api_base="http://127.0.0.1:8080",
                        model="yandexgpt/rc", temperature=0.7, max_tokens=500, data_logging=True,
                        language="ru", theme="dark",
                        ui_state={"geometry": "AdnQywAD", "splitter": [200, 800]})
    store.save(settings)
    assert SettingsStore(tmp_path).load() == settings
    document = json.loads((tmp_path / "settings.json").read_text())
    assert document["version"] == CURRENT_VERSION
    assert set(document) == {"version"} | {f.name for f in dataclasses.fields(Settings)}
    assert list(tmp_path.iterdir()) == [tmp_path / "settings.json"]  # no temp files left behind


def test_custom_model_uri_is_kept(tmp_path):
    store = SettingsStore(tmp_path)
    store.save(Settings(model="ds://bt1abcdef/my-tuned-model"))
    assert store.load().model == "ds://bt1abcdef/my-tuned-model"


def test_no_secret_can_be_a_setting(tmp_path, memory_keyring):
    from desktop_chat.secrets import SecretStore

    secret = "AQVN" + "x" * 36
    SecretStore().set_secret("api_key", secret)
    store = SettingsStore(tmp_path)
    store.save(Settings(folder_id=FOLDER))
    text = (tmp_path / "settings.json").read_text()
    assert secret not in text
    names = {f.name for f in dataclasses.fields(Settings)}
    assert not names & {"api_key", "iam_token", "secret", "token", "password"}
    # A secret pasted into the file by hand is not read as a setting, and the next save drops it.
    document = json.loads(text)
    document["api_key"] = secret
    write(tmp_path / "settings.json", json.dumps(document))
    loaded = store.load()
    assert secret not in repr(loaded)
    store.save(loaded)
    assert secret not in (tmp_path / "settings.json").read_text()


def test_invalid_settings_are_not_saved(tmp_path):
    store = SettingsStore(tmp_path)
    for bad in (Settings(temperature=1.5), Settings(max_tokens=0), Settings(theme="pink"),  # type: ignore[arg-type]
                Settings(api_base="ftp://x"), Settings(folder_id="b1g with space"), Settings(model=""),
                Settings(ui_state={"x": object()})):
        assert validate(bad)
        with pytest.raises(ValueError):
            store.save(bad)
    assert not (tmp_path / "settings.json").exists()
    assert validate(Settings()) == []


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    store = SettingsStore(tmp_path)
    store.save(Settings(theme="dark"))
    before = (tmp_path / "settings.json").read_bytes()

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)  # the one atomic_write (store.fileio) uses os.replace
    with pytest.raises(OSError):
        store.save(Settings(theme="light"))
    assert (tmp_path / "settings.json").read_bytes() == before
    assert list(tmp_path.iterdir()) == [tmp_path / "settings.json"]


# --- broken files --------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["{not json", b"\xff\xfe\x00garbage", "", "[1, 2, 3]", "null"])
def test_unreadable_file_falls_back_to_defaults(tmp_path, content):
    path = tmp_path / "settings.json"
    write(path, content)
    original = path.read_bytes()
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert len(store.warnings) == 1 and "settings.json.broken-" in store.warnings[0]
    [kept] = broken_copies(tmp_path)
    assert kept.read_bytes() == original
    # The file was replaced by valid defaults, so the next start is quiet.
    again = SettingsStore(tmp_path)
    assert again.load() == Settings() and again.warnings == []


def test_wrong_types_keep_the_valid_values(tmp_path):
    document = {"version": CURRENT_VERSION, "folder_id": FOLDER, "theme": "dark", "language": "klingon",
                "temperature": "hot", "max_tokens": 1000, "data_logging": "yes", "ui_state": [1],
                "model": "yandexgpt", "unknown_key": 1}
    write(tmp_path / "settings.json", json.dumps(document))
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert (settings.folder_id, settings.theme, settings.max_tokens, settings.model) == (
        FOLDER, "dark", 1000, "yandexgpt")
    assert (settings.language, settings.temperature, settings.data_logging, settings.ui_state) == (
        "system", 0.3, False, {})
    assert len(store.warnings) == 5  # language, temperature, data_logging, ui_state + "kept as"
    assert any("'temperature'" in w for w in store.warnings)
    assert not any("hot" in w or "klingon" in w for w in store.warnings)  # values are not echoed
    assert len(broken_copies(tmp_path)) == 1
    assert SettingsStore(tmp_path).load() == settings


def test_out_of_range_values_fall_back(tmp_path):
    write(tmp_path / "settings.json", json.dumps({"version": CURRENT_VERSION, "temperature": 3,
                                                  "max_tokens": True, "api_base": "not a url"}))
    settings, warnings = settings_from_dict(json.loads((tmp_path / "settings.json").read_text()))
    assert (settings.temperature, settings.max_tokens, settings.api_base) == (0.3, 2000, Settings().api_base)
    assert len(warnings) == 3


def test_int_temperature_is_accepted(tmp_path):
    write(tmp_path / "settings.json", json.dumps({"version": CURRENT_VERSION, "temperature": 1}))
    store = SettingsStore(tmp_path)
    assert store.load().temperature == 1.0 and store.warnings == []


def test_bad_version_number_salvages_values(tmp_path):
    write(tmp_path / "settings.json", json.dumps({"version": "two", "theme": "light"}))
    store = SettingsStore(tmp_path)
    assert store.load().theme == "light"
    assert store.warnings and len(broken_copies(tmp_path)) == 1


def test_unreadable_path_is_a_warning(tmp_path):
    (tmp_path / "settings.json").mkdir()  # a folder where the file should be
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.warnings


def test_two_broken_files_in_one_second_both_kept(tmp_path):
    for _ in range(2):
        write(tmp_path / "settings.json", "{oops")
        SettingsStore(tmp_path).load()
    assert len(broken_copies(tmp_path)) == 2


# --- a file from a newer version -----------------------------------------------------------------


def test_newer_version_is_read_but_never_overwritten(tmp_path):
    document = {"version": CURRENT_VERSION + 1, "theme": "dark", "folder_id": FOLDER, "new_option": {"a": 1}}
    write(tmp_path / "settings.json", json.dumps(document))
    before = (tmp_path / "settings.json").read_bytes()
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert settings.theme == "dark" and settings.folder_id == FOLDER
    assert store.read_only and "newer version" in store.warnings[0]
    store.save(dataclasses.replace(settings, theme="light"))
    assert (tmp_path / "settings.json").read_bytes() == before
    assert broken_copies(tmp_path) == []


# --- migrations ----------------------------------------------------------------------------------


def test_every_old_version_has_a_migration():
    assert sorted(MIGRATIONS) == list(range(1, CURRENT_VERSION))


def test_v1_to_v2_renames_endpoint_and_model_uri():
    v1 = {"version": 1, "endpoint": "https://llm.api.cloud.yandex.net/foundationModels/v1/completion",
          "model_uri": f"gpt://{FOLDER}/yandexgpt-lite/latest", "temperature": 0.5}
    v2 = MIGRATIONS[1](v1)
    assert v2 == {"version": 1, "api_base": "https://llm.api.cloud.yandex.net", "folder_id": FOLDER,
                  "model": "yandexgpt-lite", "temperature": 0.5}
    assert "endpoint" in v1  # the input is not modified


@pytest.mark.parametrize(("uri", "folder", "expected"), [
    (f"gpt://{FOLDER}/yandexgpt/rc", FOLDER, "yandexgpt/rc"),
    (f"gpt://{FOLDER}/yandexgpt-lite", FOLDER, "yandexgpt-lite"),
    (f"gpt://{FOLDER}/yandexgpt-lite/latest@tuned123", FOLDER, f"gpt://{FOLDER}/yandexgpt-lite/latest@tuned123"),
    ("gpt://b1gotherfolder000000/yandexgpt/rc", FOLDER, "gpt://b1gotherfolder000000/yandexgpt/rc"),
    ("ds://bt1datasphere/model", FOLDER, "ds://bt1datasphere/model"),
])
def test_v1_to_v2_model_uri_forms(uri, folder, expected):
    v2 = MIGRATIONS[1]({"version": 1, "folder_id": folder, "model_uri": uri})
    assert v2["model"] == expected and v2["folder_id"] == folder


def test_v1_file_is_migrated_with_a_backup(tmp_path):
    v1_text = json.dumps({"endpoint": "http://127.0.0.1:9000/foundationModels/v1/completion/",
                          "model_uri": f"gpt://{FOLDER}/yandexgpt-lite/latest", "theme": "dark"})
    write(tmp_path / "settings.json", v1_text)  # v1 files may have no version key
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert (settings.api_base, settings.folder_id) == ("http://127.0.0.1:9000", FOLDER)
    assert settings.theme == "dark"
    assert store.warnings == []
    assert (tmp_path / "settings.json.v1.bak").read_text() == v1_text
    assert json.loads((tmp_path / "settings.json").read_text())["version"] == CURRENT_VERSION
    current = {"version": CURRENT_VERSION, "theme": "dark"}
    assert migrate(current) == current


def test_failed_migration_falls_back_and_keeps_the_file(tmp_path, monkeypatch):
    def broken(data: dict) -> dict:
        raise KeyError("bug")

    monkeypatch.setitem(MIGRATIONS, 1, broken)
    write(tmp_path / "settings.json", json.dumps({"version": 1, "theme": "dark"}))
    store = SettingsStore(tmp_path)
    assert store.load() == Settings()
    assert store.warnings and len(broken_copies(tmp_path)) == 1
    assert (tmp_path / "settings.json.v1.bak").exists()


def test_settings_file_is_plain_utf8_json(tmp_path):
    store = SettingsStore(tmp_path)
    store.save(Settings(ui_state={"last_chat_title": "Привет"}))
    text = (tmp_path / "settings.json").read_text(encoding="utf-8")
    assert "Привет" in text and text.endswith("\n")
    assert os.stat(tmp_path / "settings.json").st_size > 0


# --- hostile files (issue 17) ----------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("content", [
    '{"version": 2, "ui_state": {"a": ' + DEEP + "}}",
    '{"version": 2, "temperature": NaN}',
    '{"version": 2, "temperature": Infinity}',
    '{"version": 2, "temperature": 1e400}',
    '{"version": 2, "max_tokens": ' + str(10**400) + "}",
    '{"version": ' + str(10**400) + "}",
    '{"version": 2, "ui_state": {"w": -Infinity}}',
])
def test_poisoned_settings_fall_back_to_defaults(tmp_path, content):
    write(tmp_path / "settings.json", content)
    store = SettingsStore(tmp_path)
    settings = store.load()  # never raises
    assert settings == Settings()
    assert store.warnings and "broken-" in store.warnings[0]
    store.save(Settings(theme="dark"))
    assert SettingsStore(tmp_path).load().theme == "dark"


def test_huge_but_finite_numbers_are_out_of_range(tmp_path):
    write(tmp_path / "settings.json", json.dumps({"version": 2, "max_tokens": 10**25, "temperature": 1e300,
                                                   "theme": "dark"}))
    store = SettingsStore(tmp_path)
    settings = store.load()
    assert settings.max_tokens == Settings().max_tokens and settings.temperature == Settings().temperature
    assert settings.theme == "dark" and len(store.warnings) == 3


def test_one_atomic_write(tmp_path):
    from desktop_chat.store import fileio

    assert settings_module.atomic_write is fileio.atomic_write
    assert not hasattr(settings_module, "tempfile")
    SettingsStore(tmp_path / "a" / "b").save(Settings())  # creates the folders it needs
    assert (tmp_path / "a" / "b" / "settings.json").is_file()
