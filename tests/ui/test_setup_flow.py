"""Start-up without credentials, the first run's result taking effect, and a full session that
leaves the secret in the keyring only: in no file, log or export."""

from __future__ import annotations

import logging
from pathlib import Path

from desktop_chat.settings import Settings, SettingsStore
from desktop_chat.ui import setup_flow, startup
from tests.fixtures.fake_server import FAKE_FOLDER_ID

WAIT = 8000
SECRET = "AQVNsecret-never-in-a-file-0123456789abcd"


def test_full_session_keeps_the_secret_out_of_every_file(qtbot, make_window, fake_server, tmp_path: Path,
                                                         secret_service_keyring) -> None:
    config = SettingsStore(tmp_path / "config")
    window = make_window(fake_server, online=False, settings=config.load())
    window.services.settings_store = config
    log_file = tmp_path / "data" / "logs" / "everything.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)  # everything, including urllib3's request lines
    try:
        # What the first-run guide returns, applied the way the app applies it.
        setup_flow.apply(window, window.services,
                         Settings(folder_id=FAKE_FOLDER_ID, auth_kind="api_key", api_base=fake_server.url), SECRET)
        qtbot.waitUntil(lambda: window.credentials is not None, timeout=WAIT)
        assert window.credentials.secret == SECRET
        assert secret_service_keyring.get_password("desktop-chat", "api_key") == SECRET

        fake_server.script_reply("Ответ", chunks=2)
        window.composer.edit.setPlainText("Вопрос")
        window.composer.sendRequested.emit("Вопрос")
        qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)
        # A rejected key whose error text echoes the key back, as the real service does.
        fake_server.fail_next(401, f"Unknown api key '{SECRET}'", path="/foundationModels/v1/completion")
        window.composer.sendRequested.emit("Ещё вопрос")
        qtbot.waitUntil(lambda: len(window.chat_model.messages) == 4 and window.stream is None, timeout=WAIT)
        shown = window.notices.error_text(window.chat_model.messages[-1])
        assert shown and SECRET not in shown

        exports = tmp_path / "exports"
        exports.mkdir()
        store = window.store
        for name, text in (("chat.md", store.export_markdown(window.chat_id)),
                           ("chat.html", store.export_html(window.chat_id)),
                           ("chat.json", store.export_json(window.chat_id))):
            (exports / name).write_text(text, encoding="utf-8")
        window.close()
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)

    assert (tmp_path / "config" / "settings.json").exists()
    assert log_file.stat().st_size > 0
    needle = SECRET.encode()
    checked = 0
    for path in tmp_path.rglob("*"):
        if path.is_file():
            checked += 1
            assert needle not in path.read_bytes(), f"the secret leaked into {path}"
    assert checked >= 8  # settings, chat file, index, drafts, search index, log, three exports


def test_first_run_is_offered_once_and_skipping_is_remembered(qtbot, make_window, tmp_path, memory_keyring,
                                                               monkeypatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr("desktop_chat.ui.first_run.run_first_run", lambda *a, **k: shown.append(a) or None)
    config = SettingsStore(tmp_path / "config")
    window = make_window(None, online=False, settings=config.load())
    window.services.settings_store = config
    window.services.environ = {}
    startup.after_first_paint(window)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=WAIT)
    assert window.credentials is None and window.banner.isVisible()
    window.close()

    again = make_window(None, online=False, settings=SettingsStore(tmp_path / "config").load())
    again.services.environ = {}
    startup.after_first_paint(again)
    qtbot.waitUntil(lambda: again.credentials_checked, timeout=WAIT)
    assert len(shown) == 1  # not asked again after a skip
    assert again.banner.isVisible()


def test_credentials_from_the_environment_open_straight_to_the_chat(qtbot, make_window, memory_keyring,
                                                                    monkeypatch) -> None:
    monkeypatch.setattr("desktop_chat.ui.first_run.run_first_run",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("no guide expected")))
    window = make_window(None, online=False)
    window.services.environ = {"YC_API_KEY": SECRET, "YC_FOLDER_ID": FAKE_FOLDER_ID}
    window.composer.edit.setFocus()
    startup.after_first_paint(window)
    qtbot.waitUntil(lambda: window.credentials is not None, timeout=WAIT)
    assert window.credentials.folder_id == FAKE_FOLDER_ID
    assert not window.banner.isVisible()
    assert memory_keyring.items == {}  # environment values are never stored
    assert window.composer.edit.hasFocus() or window.focusWidget() is window.composer.edit


def test_a_setup_error_is_shown_in_the_chat_and_fixed_from_it(qtbot, make_window, fake_server, tmp_path,
                                                              memory_keyring, monkeypatch) -> None:
    """The commonest first-day mistake: a folder ID the key cannot use. The reply says so in plain words,
    offers Settings, the folder is corrected there, and Retry gets the answer; the question was kept."""
    from desktop_chat.ui.settings_dialog import SettingsDialog

    config = SettingsStore(tmp_path / "config")
    window = make_window(fake_server, online=False, settings=config.load())
    window.services.settings_store = config
    setup_flow.apply(window, window.services, Settings(folder_id="b1gwrongfolder000000", auth_kind="api_key",
                                                       api_base=fake_server.url), SECRET)
    qtbot.waitUntil(lambda: window.credentials is not None, timeout=WAIT)
    window.settings_opener = lambda focus_secret=False, notice="": setup_flow.run_settings(
        window, window.services, focus_secret=focus_secret, notice=notice)
    fake_server.fail_with("folder_mismatch", path="/foundationModels/v1/completion")
    window.composer.sendRequested.emit("Привет")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)
    failed = window.chat_model.messages[-1]
    assert failed.status == "error" and failed.error == "folder_mismatch"
    shown = window.notices.error_text(failed)
    assert "folder ID" in shown and "temperature" not in shown
    row = window.chat_model.row_at(window.chat_model.row_of_message(failed.id))
    assert ("action:settings", "Open settings") in row.actions and ("action:retry", "Retry") in row.actions

    def fix_the_folder(dialog: SettingsDialog) -> int:
        qtbot.waitUntil(lambda: not dialog.account.is_loading(), timeout=WAIT)
        dialog.folder_edit.setText(FAKE_FOLDER_ID)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SettingsDialog, "exec", fix_the_folder)
    window.message_actions.on_link(row, "action:settings")
    qtbot.waitUntil(lambda: window.credentials is not None and window.credentials.folder_id == FAKE_FOLDER_ID,
                    timeout=WAIT)
    fake_server.script_reply("Здравствуйте!")
    window.message_actions.on_link(row, "action:retry")
    qtbot.waitUntil(lambda: window.chat_model.messages[-1].text == "Здравствуйте!" and window.stream is None,
                    timeout=WAIT)
    assert [m.text for m in window.store.load_chat(window.chat_id).messages] == ["Привет", "Здравствуйте!"]
    assert FAKE_FOLDER_ID in fake_server.completion_requests()[-1].body["modelUri"]
