"""The account form shared by the settings dialog and the first-run guide: stable layout, the Advanced
section, IAM tokens with their expiry, OAuth tokens exchanged through a fake IAM service."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QLabel, QWizard

from desktop_chat.secrets import IAM_EXPIRY_STATE, SecretStore
from desktop_chat.settings import Settings, validate
from desktop_chat.ui.account_form import AccountForm, StatusLine
from desktop_chat.ui.first_run import FirstRunWizard
from tests.fakes.iam_server import FakeIamServer
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID
from tests.ui_setup.test_settings_dialog import make_dialog, paste

IAM_TOKEN = "t1.9euelZqPnZ." + "A" * 86
OAUTH = "y0_" + "AgAAAAB" + "q" * 50


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def top(widget, ancestor) -> int:
    return widget.mapTo(ancestor, QPoint(0, 0)).y()


@pytest.fixture
def iam_server():
    server = FakeIamServer({OAUTH}).start()
    try:
        yield server
    finally:
        server.stop()


def make_wizard(qtbot, make_client, settings=None, secrets=None) -> FirstRunWizard:
    wizard = FirstRunWizard(settings or Settings(), secrets or SecretStore(), make_client, lang="en")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


# --- fields that do not jump ------------------------------------------------------------------------


def test_notes_appearing_never_move_the_fields_below_them_in_the_dialog(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    settle()
    secret_y, toggle_y = top(dialog.secret_edit, dialog), top(dialog.account.advanced_toggle, dialog)
    qtbot.keyClicks(dialog.folder_edit, "abc")  # an odd shape: a two-line warning appears
    qtbot.keyClicks(dialog.secret_edit.edit, "something-odd")  # and one under the key
    settle()
    assert dialog.folder_note.text() and dialog.secret_note.text()
    assert top(dialog.secret_edit, dialog) == secret_y
    assert top(dialog.account.advanced_toggle, dialog) == toggle_y


def test_notes_appearing_never_move_the_fields_in_the_guide(qtbot, memory_keyring):
    wizard = make_wizard(qtbot, None)
    wizard.next()
    settle()
    page = wizard.details
    secret_y = top(page.secret_edit, wizard)
    qtbot.keyClicks(page.folder_edit, "abc 1")  # an error this time
    settle()
    assert page.folder_note.state == StatusLine.ERROR
    assert top(page.secret_edit, wizard) == secret_y


# --- advanced ---------------------------------------------------------------------------------------


def test_advanced_is_collapsed_for_an_api_key_and_open_for_anything_else(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    assert not dialog.account.advanced.isVisible() and not dialog.kind_combo.isVisible()
    assert dialog.account.secret_label.text() == "API &key:"
    dialog.account.advanced_toggle.click()
    assert dialog.kind_combo.isVisible() and dialog.api_base_edit.isVisible()
    other = make_dialog(qtbot, Settings(auth_kind="iam_token"))
    assert other.account.advanced.isVisible() and other.account.secret_label.text() == "IAM &token:"


def test_a_bad_api_address_opens_advanced_on_save(qtbot, memory_keyring):
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID, api_base="https://example.test"))
    dialog.api_base_edit.setText("ftp://nowhere")
    dialog.account.advanced_toggle.setChecked(False)
    dialog.accept()
    assert dialog.isVisible() and dialog.account.advanced.isVisible()
    assert dialog.api_base_note.state == StatusLine.ERROR


# --- IAM token expiry -------------------------------------------------------------------------------


def test_a_pasted_iam_token_is_given_twelve_hours_and_says_until_when(qtbot, memory_keyring):
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID))
    before = time.time()
    paste(dialog.secret_edit.edit, IAM_TOKEN)
    note = dialog.secret_note
    assert note.state == StatusLine.INFO and "works until" in note.text()
    dialog.accept()
    result = dialog.settings_result()
    assert result.secret_kind == "iam_token" and result.settings.auth_kind == "iam_token"
    expires = result.settings.ui_state[IAM_EXPIRY_STATE]
    assert before + 12 * 3600 - 1 <= expires <= time.time() + 12 * 3600
    assert validate(result.settings) == []


def test_a_saved_iam_token_keeps_its_expiry_and_an_ended_one_is_said(qtbot, memory_keyring):
    SecretStore().set_secret("iam_token", IAM_TOKEN)
    soon = time.time() + 1800
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID, auth_kind="iam_token",
                                         ui_state={IAM_EXPIRY_STATE: soon}))
    assert dialog.secret_note.state == StatusLine.WARNING and "less than an hour" in \
        dialog.secret_note.text()
    dialog.accept()
    assert dialog.settings_result().secret is None
    assert dialog.settings_result().settings.ui_state[IAM_EXPIRY_STATE] == soon

    ended = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID, auth_kind="iam_token",
                                        ui_state={IAM_EXPIRY_STATE: time.time() - 10}))
    assert ended.secret_note.state == StatusLine.ERROR and "expired" in ended.secret_note.text()


def test_checking_an_ended_iam_token_sends_nothing_and_says_so(qtbot, memory_keyring, fake_server,
                                                                real_client_factory):
    SecretStore().set_secret("iam_token", IAM_TOKEN)
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID, auth_kind="iam_token", api_base=fake_server.url,
                                         ui_state={IAM_EXPIRY_STATE: time.time() - 10}),
                         make_client=real_client_factory)
    with qtbot.waitSignal(dialog._check.finished, timeout=10000):
        dialog.check_button.click()
    assert dialog.check_status.state == StatusLine.ERROR and "expired" in dialog.check_status.text()
    assert fake_server.requests == []


# --- OAuth ------------------------------------------------------------------------------------------


def test_oauth_token_in_the_guide_is_exchanged_and_only_the_iam_token_reaches_the_api(
        qtbot, memory_keyring, fake_server, real_client_factory, iam_server):
    settings = Settings(api_base=fake_server.url, ui_state={"iam_base": iam_server.url})
    wizard = make_wizard(qtbot, real_client_factory, settings)
    wizard.next()
    qtbot.keyClicks(wizard.details.folder_edit, FAKE_FOLDER_ID)
    paste(wizard.details.secret_edit.edit, OAUTH)
    assert wizard.details.kind() == "oauth_token"
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        wizard.next()
    assert wizard.check_page.outcome == "ok", wizard.check_page.status.text()
    sent = fake_server.last_request.headers["authorization"]
    assert sent == f"Bearer {iam_server.issued[0].token}" and OAUTH not in sent
    assert not wizard.button(QWizard.WizardButton.CustomButton1).isVisible()  # no skip after success
    wizard.button(QWizard.WizardButton.FinishButton).click()
    result = wizard.first_run_result()
    assert result is not None and result.secret == OAUTH and result.secret_kind == "oauth_token"
    assert result.settings.ui_state["sign_in"] == "oauth_token" and validate(result.settings) == []
    assert memory_keyring.items == {}


def test_a_revoked_oauth_token_has_its_own_words(qtbot, memory_keyring, fake_server, real_client_factory,
                                                 iam_server):
    iam_server.revoke(OAUTH)
    settings = Settings(api_base=fake_server.url, ui_state={"iam_base": iam_server.url})
    wizard = make_wizard(qtbot, real_client_factory, settings)
    wizard.next()
    qtbot.keyClicks(wizard.details.folder_edit, FAKE_FOLDER_ID)
    paste(wizard.details.secret_edit.edit, OAUTH)
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        wizard.next()
    status = wizard.check_page.status
    assert status.state == StatusLine.ERROR and "Yandex ID did not accept the OAuth token" in status.text()
    assert OAUTH not in status.text() and fake_server.requests == []
    assert wizard.button(QWizard.WizardButton.CustomButton1).isVisible()  # skipping is still possible


def test_each_sign_in_keeps_its_own_saved_secret(qtbot, memory_keyring):
    store = SecretStore()
    store.set_secret("api_key", FAKE_API_KEY)
    store.set_secret("oauth_token", OAUTH)
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), store)
    assert dialog.secret_edit.text() == FAKE_API_KEY
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("oauth_token"))
    assert dialog.secret_edit.text() == OAUTH and dialog.account.secret_label.text() == "OAuth &token:"
    dialog.accept()
    assert dialog.settings_result().secret is None  # nothing new to store


def test_the_form_alone_reports_completeness(qtbot, memory_keyring):
    form = AccountForm(Settings(), SecretStore(), load_saved=False)
    qtbot.addWidget(form)
    assert not form.is_complete()
    form.folder_edit.setText(f"«{FAKE_FOLDER_ID}»")
    paste(form.secret_edit.edit, f"Api-Key {FAKE_API_KEY}")
    assert form.is_complete() and form.folder_id() == FAKE_FOLDER_ID and form.secret() == FAKE_API_KEY
    form.api_base_edit.setText("ftp://x")
    assert not form.is_complete()


# --- values pasted into the wrong field ---------------------------------------------------------------


def test_a_key_pasted_into_the_folder_field_is_hidden_and_moved(qtbot, memory_keyring):
    wizard = make_wizard(qtbot, None)
    wizard.next()
    page = wizard.details
    paste(page.folder_edit, FAKE_API_KEY)
    assert page.folder_edit.text() == "" and page.secret() == FAKE_API_KEY
    assert page.secret_edit.edit.echoMode() == page.secret_edit.edit.EchoMode.Password
    assert page.folder_note.state == StatusLine.INFO and "key field" in page.folder_note.text()
    paste(page.folder_edit, FAKE_FOLDER_ID)
    assert page.folder_id() == FAKE_FOLDER_ID and page.folder_note.text() == ""
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_the_folder_id_pasted_into_the_key_field_is_moved(qtbot, memory_keyring):
    dialog = make_dialog(qtbot)
    paste(dialog.secret_edit.edit, FAKE_FOLDER_ID)
    assert dialog.folder_edit.text() == FAKE_FOLDER_ID and dialog.secret_edit.text() == ""
    assert dialog.folder_note.state == StatusLine.INFO and "its own field" in dialog.folder_note.text()
    paste(dialog.secret_edit.edit, FAKE_API_KEY)
    dialog.accept()
    result = dialog.settings_result()
    assert result.settings.folder_id == FAKE_FOLDER_ID and result.secret == FAKE_API_KEY


def test_no_password_storage_is_never_promised(qtbot, no_keyring):
    wizard = make_wizard(qtbot, None)
    intro = " ".join(label.text() for label in wizard.intro.findChildren(QLabel))
    assert "no password storage" in intro and "kept in your system's password storage" not in intro
