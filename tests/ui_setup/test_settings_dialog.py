"""The settings dialog, driven with pytest-qt: fields, masked key, connection check, env overrides."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from desktop_chat.api.errors import AuthenticationError, PermissionDeniedError
from desktop_chat.secrets import EnvOverrides, SecretStore
from desktop_chat.settings import Settings, validate
from desktop_chat.ui.settings_dialog import SettingsDialog, StatusLine, open_credentials_fix
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

IAM_TOKEN = "t1.9euelZqPnZ." + "A" * 86


def make_dialog(qtbot, settings=None, secrets=None, env=None, make_client=None, **kw) -> SettingsDialog:
    dialog = SettingsDialog(settings or Settings(), secrets or SecretStore(), env, make_client or _unused,
                            **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    if dialog.is_loading():
        with qtbot.waitSignal(dialog.secrets_loaded, timeout=5000):
            pass
    return dialog


def _unused(credentials, base_url):
    raise AssertionError("this test makes no request")


def all_text(widget: QWidget) -> str:
    """Every visible string in the dialog (labels, line edits, window title)."""
    parts = [widget.windowTitle()]
    parts += [label.text() for label in widget.findChildren(QLabel)]
    parts += [edit.text() for edit in widget.findChildren(QLineEdit)
              if edit.echoMode() == QLineEdit.EchoMode.Normal]
    return "\n".join(parts)


def paste(edit: QLineEdit, text: str) -> None:
    """Paste through the clipboard, as a person does with a key."""
    QApplication.clipboard().setText(text)
    edit.setFocus()
    edit.paste()


def check(qtbot, dialog: SettingsDialog) -> None:
    with qtbot.waitSignal(dialog._check.finished, timeout=10000):
        dialog.check_button.click()


# --- fields -----------------------------------------------------------------------------------------


def test_fields_show_the_settings(qtbot, memory_keyring):
    SecretStore().set_secret("api_key", FAKE_API_KEY)
    settings = Settings(folder_id=FAKE_FOLDER_ID, model="yandexgpt/rc", temperature=0.7, max_tokens=1234,
                        data_logging=True, language="ru", theme="dark", api_base="https://example.test")
    dialog = make_dialog(qtbot, settings)
    assert dialog.folder_edit.text() == FAKE_FOLDER_ID
    assert dialog.secret_edit.text() == FAKE_API_KEY  # read from the keyring off the GUI thread
    assert dialog.model_combo.currentData() == "yandexgpt/rc"
    assert dialog.temperature_spin.value() == pytest.approx(0.7)
    assert dialog.max_tokens_spin.value() == 1234
    assert dialog.data_logging_check.isChecked()
    assert dialog.language_combo.currentData() == "ru" and dialog.theme_combo.currentData() == "dark"
    assert dialog.api_base_edit.text() == "https://example.test"
    assert dialog.storage_note.state == StatusLine.OK


def test_key_is_masked_with_a_show_toggle(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    edit = dialog.secret_edit.edit
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.secret_edit.toggle.click()
    assert edit.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.secret_edit.toggle.text() == "Hide"
    dialog.secret_edit.toggle.click()
    assert edit.echoMode() == QLineEdit.EchoMode.Password


def test_every_input_has_an_accessible_name(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    inputs = [dialog.folder_edit, dialog.kind_combo, dialog.secret_edit.edit, dialog.secret_edit.toggle,
              dialog.check_button, dialog.model_combo, dialog.custom_model_edit, dialog.temperature_spin,
              dialog.max_tokens_spin, dialog.data_logging_check, dialog.api_base_edit, dialog.language_combo,
              dialog.theme_combo]
    assert [w.objectName() or type(w).__name__ for w in inputs if not w.accessibleName()] == []


def test_pasting_an_iam_token_switches_the_key_type(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    assert dialog.current_kind() == "api_key"
    qtbot.keyClicks(dialog.secret_edit.edit, IAM_TOKEN)
    assert dialog.current_kind() == "iam_token"
    assert "IAM token" in dialog.secret_note.text()


def test_odd_key_shape_warns_but_does_not_block(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.secret_edit.edit, "AQVN-short")
    assert dialog.secret_note.state == StatusLine.WARNING and "copied completely" in dialog.secret_note.text()
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    dialog.accept()
    assert dialog.settings_result().secret == "AQVN-short"


def test_pasting_an_oauth_token_chooses_oauth_and_keeps_it_apart(qtbot, memory_keyring):
    oauth = "y0_" + "A" * 55
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    paste(dialog.secret_edit.edit, oauth)
    assert dialog.current_kind() == "oauth_token"
    assert dialog.secret_note.state == StatusLine.INFO and "OAuth" in dialog.secret_note.text()
    assert dialog.account.secret_label.text() == "OAuth &token:"
    dialog.accept()
    result = dialog.settings_result()
    assert result.secret == oauth and result.secret_kind == "oauth_token"
    # The API sees IAM tokens; the choice of OAuth is kept apart until settings.py has a field for it.
    assert result.settings.auth_kind == "iam_token" and result.settings.ui_state["sign_in"] == "oauth_token"
    assert validate(result.settings) == []


# --- result -------------------------------------------------------------------------------------------


def test_accept_returns_new_settings_and_secret(qtbot, memory_keyring):
    store = SecretStore()
    store.set_secret("api_key", "AQVN-old")
    base = Settings(folder_id="b1gold", ui_state={"geometry": "abc"})
    dialog = make_dialog(qtbot, base, store)
    dialog.folder_edit.clear()
    qtbot.keyClicks(dialog.folder_edit, f"  {FAKE_FOLDER_ID} ")
    dialog.secret_edit.edit.clear()
    paste(dialog.secret_edit.edit, f" {FAKE_API_KEY}\n")  # as copied from a web page
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(None))
    qtbot.keyClicks(dialog.custom_model_edit, "ds://bt1abc/my-model")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    result = dialog.settings_result()
    assert result.settings == dataclasses.replace(base, folder_id=FAKE_FOLDER_ID, theme="light",
                                                  model="ds://bt1abc/my-model")
    assert result.secret == FAKE_API_KEY
    assert FAKE_API_KEY not in repr(result)
    assert memory_keyring.items[("desktop-chat", "api_key")] == "AQVN-old"  # the dialog stores nothing


def test_unchanged_key_is_not_returned_and_a_cleared_one_is_deleted(qtbot, memory_keyring):
    SecretStore().set_secret("api_key", FAKE_API_KEY)
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID))
    dialog.accept()
    assert dialog.settings_result().secret is None
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID))
    dialog.secret_edit.edit.clear()
    dialog.accept()
    assert dialog.settings_result().secret == ""


def test_invalid_address_blocks_saving(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    dialog.api_base_edit.setText("llm.api.cloud.yandex.net")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    # The error is said under the field it is about, and the field has the focus.
    assert dialog.api_base_note.state == StatusLine.ERROR and "https://" in dialog.api_base_note.text()
    assert dialog.focusWidget() is dialog.api_base_edit


def test_focus_secret_opens_on_the_key(qtbot, memory_keyring):
    notice = "The key was not accepted. Paste a valid key and press Save."
    dialog = make_dialog(qtbot, focus_secret=True, notice=notice)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.secret_edit.edit)
    assert dialog.notice.isVisible() and dialog.notice.text() == notice


def test_open_credentials_fix_returns_none_when_cancelled(qtbot, memory_keyring):
    seen = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SettingsDialog):
            QTimer.singleShot(10, cancel)  # not shown yet
            return
        if dialog.is_loading():
            QTimer.singleShot(10, cancel)
            return
        seen.append(dialog.focusWidget() is dialog.secret_edit.edit)
        dialog.reject()

    QTimer.singleShot(0, cancel)
    assert open_credentials_fix(None, Settings(), SecretStore(), None, _unused) is None
    assert seen == [True]


# --- messages stay current ---------------------------------------------------------------------------

SAVE = QDialogButtonBox.StandardButton.Save


def test_folder_error_shows_as_you_type_and_goes_once_fixed(qtbot, memory_keyring, gated_client):
    """The UX test's case: a space in the folder ID, Save refused, ID fixed, check passes: no old error left."""
    gated_client.release.set()  # the check answers at once
    dialog = make_dialog(qtbot, make_client=gated_client.factory)
    qtbot.keyClicks(dialog.folder_edit, "abc 123")
    assert dialog.folder_note.state == StatusLine.ERROR
    assert dialog.folder_note.message == "The folder ID cannot contain spaces."
    dialog.buttons.button(SAVE).click()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert dialog.focusWidget() is dialog.folder_edit

    dialog.folder_edit.selectAll()
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    assert dialog.folder_note.state == StatusLine.NONE and not dialog.folder_note.text()
    paste(dialog.secret_edit.edit, FAKE_API_KEY)
    check(qtbot, dialog)
    assert dialog.check_status.state == StatusLine.OK
    errors = [note for note in dialog.findChildren(StatusLine) if note.state == StatusLine.ERROR]
    assert errors == [] and "spaces" not in all_text(dialog)
    dialog.buttons.button(SAVE).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert validate(dialog.settings_result().settings) == []


def test_quotes_and_spaces_around_a_pasted_folder_id_are_dropped(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    paste(dialog.folder_edit, f' \u00ab{FAKE_FOLDER_ID}\u00bb\n')
    assert dialog.folder_note.state == StatusLine.NONE  # not an error, not even a warning
    dialog.folder_edit.editingFinished.emit()  # leaving the field shows what will be saved
    assert dialog.folder_edit.text() == FAKE_FOLDER_ID
    dialog.accept()
    assert dialog.settings_result().settings.folder_id == FAKE_FOLDER_ID


@pytest.mark.parametrize("change", ["folder", "key", "key type", "address", "model"])
def test_check_result_goes_when_what_it_checked_changes(qtbot, memory_keyring, gated_client, change):
    gated_client.release.set()
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), make_client=gated_client.factory)
    paste(dialog.secret_edit.edit, FAKE_API_KEY)
    check(qtbot, dialog)
    assert dialog.check_status.state == StatusLine.OK and dialog.check_status.isVisible()
    if change == "folder":
        qtbot.keyClicks(dialog.folder_edit, "x")
    elif change == "key":
        qtbot.keyClicks(dialog.secret_edit.edit, "x")
    elif change == "key type":
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("iam_token"))
    elif change == "address":
        qtbot.keyClicks(dialog.api_base_edit, "/")
    else:
        dialog.model_combo.setCurrentIndex(dialog.model_combo.findData("yandexgpt"))
    assert dialog.check_status.state == StatusLine.NONE and not dialog.check_status.isVisible()


def test_address_error_waits_for_the_user_to_leave_the_field_then_follows_the_typing(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    dialog.api_base_edit.clear()
    qtbot.keyClicks(dialog.api_base_edit, "llm.api")
    assert dialog.api_base_note.state == StatusLine.NONE  # still typing: no error yet
    dialog.api_base_edit.editingFinished.emit()
    assert dialog.api_base_note.state == StatusLine.ERROR and "https://" in dialog.api_base_note.text()
    dialog.api_base_edit.clear()
    qtbot.keyClicks(dialog.api_base_edit, "https://")
    assert dialog.api_base_note.state == StatusLine.ERROR  # a scheme without an address
    assert "llm.api.cloud.yandex.net" in dialog.api_base_note.text()
    qtbot.keyClicks(dialog.api_base_edit, "llm.api.cloud.yandex.net")
    assert dialog.api_base_note.state == StatusLine.NONE and not dialog.api_base_note.text()


def test_custom_model_error_is_under_its_field_and_clears(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(None))
    assert dialog.model_note.state == StatusLine.NONE  # an empty field just chosen is not an error yet
    dialog.accept()
    assert dialog.model_note.state == StatusLine.ERROR and "gpt://" in dialog.model_note.text()
    assert dialog.focusWidget() is dialog.custom_model_edit
    qtbot.keyClicks(dialog.custom_model_edit, "gpt://b1gfolder/yandexgpt-lite")
    assert dialog.model_note.state == StatusLine.NONE
    dialog.model_combo.setCurrentIndex(0)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_problem_no_field_shows_is_said_at_the_bottom_and_cleared_by_a_change(qtbot, memory_keyring):
    dialog = make_dialog(qtbot, Settings(ui_state={"broken": object()}))
    dialog.accept()
    assert dialog.form_error.state == StatusLine.ERROR and dialog.result() != QDialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.folder_edit, "b")
    assert dialog.form_error.state == StatusLine.NONE


# --- no keyring ----------------------------------------------------------------------------------------


def test_no_keyring_shows_the_session_only_warning(qtbot, no_keyring):
    dialog = make_dialog(qtbot)
    assert dialog.storage_note.state == StatusLine.WARNING
    assert dialog.storage_note.isVisible()
    assert "no password storage" in dialog.storage_note.text()
    assert "until you close the app" in dialog.storage_note.text()


def test_locked_keyring_is_said_plainly(qtbot):
    from keyring.errors import KeyringLocked

    from tests.secrets_settings.test_secrets import RaisingKeyring

    dialog = make_dialog(qtbot, secrets=SecretStore(RaisingKeyring(KeyringLocked("locked"))))
    assert dialog.storage_note.state == StatusLine.WARNING and "locked" in dialog.storage_note.text()
    assert dialog.secret_edit.isEnabled()  # the user can still paste a key for this session


# --- environment overrides ---------------------------------------------------------------------------


def test_env_overrides_are_shown_and_not_saved(qtbot, memory_keyring):
    SecretStore().set_secret("iam_token", IAM_TOKEN)
    saved = Settings(folder_id="b1gsavedfolder000000", auth_kind="iam_token")
    env = EnvOverrides.from_environ({"YC_API_KEY": FAKE_API_KEY, "YC_FOLDER_ID": FAKE_FOLDER_ID})
    dialog = make_dialog(qtbot, saved, env=env)
    assert dialog.folder_edit.text() == FAKE_FOLDER_ID and dialog.folder_edit.isReadOnly()
    assert "YC_FOLDER_ID" in dialog.folder_note.text()
    assert "YC_API_KEY" in dialog.secret_note.text()
    assert not dialog.secret_edit.isEnabled() and not dialog.kind_combo.isEnabled()
    assert dialog.secret_edit.text() == ""  # the env key is never put in a field
    assert dialog.current_kind() == "api_key"
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    dialog.accept()
    result = dialog.settings_result()
    assert result.settings == dataclasses.replace(saved, theme="dark")  # saved folder and auth kind kept
    assert result.secret is None
    assert FAKE_API_KEY not in all_text(dialog)


def test_env_credentials_are_used_for_the_check(qtbot, memory_keyring, fake_server, real_client_factory):
    fake_server.api_key = FAKE_API_KEY
    env = EnvOverrides.from_environ({"YC_API_KEY": FAKE_API_KEY, "YC_FOLDER_ID": FAKE_FOLDER_ID})
    dialog = make_dialog(qtbot, Settings(api_base=fake_server.url), env=env, make_client=real_client_factory)
    check(qtbot, dialog)
    assert dialog.check_status.state == StatusLine.OK


# --- check connection against the fake server ---------------------------------------------------------


def test_check_connection_succeeds(qtbot, memory_keyring, fake_server, real_client_factory):
    dialog = make_dialog(qtbot, Settings(api_base=fake_server.url), make_client=real_client_factory)
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    check(qtbot, dialog)
    assert dialog.check_status.state == StatusLine.OK
    assert "Connected" in dialog.check_status.text()
    assert dialog.check_button.isEnabled()
    request = fake_server.last_request
    assert request.headers["authorization"] == f"Api-Key {FAKE_API_KEY}"
    assert request.body["modelUri"] == f"gpt://{FAKE_FOLDER_ID}/yandexgpt-lite/latest"


def test_wrong_key_is_said_in_plain_words(qtbot, memory_keyring, fake_server, real_client_factory):
    fake_server.api_key = FAKE_API_KEY  # the server accepts only this key
    wrong = "AQVNwrong-key-0123456789abcdefghijklmn"
    dialog = make_dialog(qtbot, Settings(api_base=fake_server.url), make_client=real_client_factory)
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    qtbot.keyClicks(dialog.secret_edit.edit, wrong)
    check(qtbot, dialog)
    assert dialog.check_status.state == StatusLine.ERROR
    assert dialog.check_status.message.startswith("The key was not accepted.")
    assert "Settings" not in dialog.check_status.message  # the API's "Open Settings": we are in Settings
    assert wrong not in all_text(dialog)  # the server echoed the key; it must not reach the screen


def test_no_check_message_sends_the_user_to_settings(qtbot, memory_keyring, gated_client):
    """The API's own texts say "Open Settings" / "in Settings"; inside Settings that makes no sense."""
    from desktop_chat.api.errors import BadRequestError, NetworkError

    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), make_client=gated_client.factory)
    for error in (AuthenticationError(), PermissionDeniedError(), NetworkError(), BadRequestError()):
        assert "Settings" in error.user_message("en")
        dialog._on_check_failed(error.user_message("en"), error.kind)
        assert dialog.check_status.state == StatusLine.ERROR
        assert "Settings" not in dialog.check_status.message, error.kind


def test_messages_follow_the_ui_language(qtbot, memory_keyring, fake_server, real_client_factory):
    from desktop_chat.api.errors import ServerError

    fake_server.fail_next(500)
    dialog = make_dialog(qtbot, Settings(api_base=fake_server.url, folder_id=FAKE_FOLDER_ID),
                         make_client=real_client_factory, lang="ru")
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    check(qtbot, dialog)
    assert dialog.check_status.message == ServerError().user_message("ru")


def test_no_network_is_said_plainly(qtbot, memory_keyring, real_client_factory):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dialog = make_dialog(qtbot, Settings(api_base=f"http://127.0.0.1:{port}", folder_id=FAKE_FOLDER_ID),
                         make_client=real_client_factory)
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    check(qtbot, dialog)
    assert "Could not connect" in dialog.check_status.message


def test_quota_is_said_plainly(qtbot, memory_keyring, fake_server, real_client_factory):
    fake_server.fail_next(429)
    dialog = make_dialog(qtbot, Settings(api_base=fake_server.url, folder_id=FAKE_FOLDER_ID),
                         make_client=real_client_factory)
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    check(qtbot, dialog)
    assert "quota" in dialog.check_status.message


def test_missing_fields_are_asked_for_before_any_request(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)  # _unused raises if a request is attempted
    dialog.check_button.click()
    assert "folder ID" in dialog.check_status.text()
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    dialog.check_button.click()
    assert "API key" in dialog.check_status.text()
    assert not dialog.check_connection_running()


# --- the GUI thread is never blocked ------------------------------------------------------------------


def test_check_runs_off_the_gui_thread(qtbot, memory_keyring, gated_client):
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), make_client=gated_client.factory)
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    dialog.check_button.click()
    qtbot.waitUntil(gated_client.entered.is_set)
    # The request is in flight, and the window still handles events: a timer fires, typing works.
    ticks = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1])
    assert dialog.check_status.state == StatusLine.BUSY and not dialog.check_button.isEnabled()
    with qtbot.waitSignal(dialog._check.finished, timeout=5000):
        gated_client.release.set()
    assert gated_client.closed == 1
    assert dialog.check_status.state == StatusLine.OK and dialog.check_button.isEnabled()
    credentials, _, uri = gated_client.calls[0]
    assert credentials.secret == FAKE_API_KEY and uri.startswith(f"gpt://{FAKE_FOLDER_ID}")


def test_typing_during_a_check_drops_its_answer(qtbot, memory_keyring, gated_client):
    """The answer would be about the old folder ID: it is dropped, and a new check can start at once."""
    from desktop_chat.ui.connection_check import _Orphan

    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), make_client=gated_client.factory)
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    dialog.check_button.click()
    qtbot.waitUntil(gated_client.entered.is_set)
    qtbot.keyClicks(dialog.folder_edit, "x")
    assert dialog.check_status.state == StatusLine.NONE and dialog.check_button.isEnabled()
    assert not dialog.check_connection_running()
    gated_client.release.set()
    qtbot.waitUntil(lambda: not _Orphan.alive)
    assert gated_client.closed == 1
    assert dialog.check_status.state == StatusLine.NONE  # the late "Connected" never appears


def test_closing_during_a_check_drops_the_late_answer(qtbot, memory_keyring, gated_client):
    from desktop_chat.ui.connection_check import _Orphan

    gated_client.error = AuthenticationError()
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), make_client=gated_client.factory)
    qtbot.keyClicks(dialog.secret_edit.edit, FAKE_API_KEY)
    dialog.check_button.click()
    qtbot.waitUntil(gated_client.entered.is_set)
    failures = []
    dialog._check.failed.connect(lambda *a: failures.append(a))
    dialog.reject()
    gated_client.release.set()
    qtbot.waitUntil(lambda: not _Orphan.alive)  # the thread ended and was released
    assert failures == []
