"""The first-run guide, driven as a person would: read, paste, check, finish (or skip)."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWizard

from desktop_chat.secrets import SecretStore
from desktop_chat.settings import Settings, validate
from desktop_chat.ui.first_run import API_KEY_HELP_URL, CONSOLE_URL, FirstRunWizard, run_first_run
from desktop_chat.ui.settings_dialog import StatusLine
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

IAM_TOKEN = "t1.9euelZqPnZ." + "A" * 86


def make_wizard(qtbot, make_client, settings=None, secrets=None, **kw) -> FirstRunWizard:
    wizard = FirstRunWizard(settings or Settings(), secrets or SecretStore(), make_client, **kw)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def paste(edit: QLineEdit, text: str) -> None:
    QApplication.clipboard().setText(text)
    edit.setFocus()
    edit.paste()


def go_to_check(qtbot, wizard: FirstRunWizard, folder: str, secret: str) -> None:
    """Intro → details (fill in) → check page, waiting for the check to end."""
    wizard.next()
    assert wizard.currentPage() is wizard.details
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # nothing typed yet
    qtbot.keyClicks(wizard.details.folder_edit, folder)
    paste(wizard.details.secret_edit.edit, secret)
    assert next_button.isEnabled()
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        next_button.click()
    assert wizard.currentPage() is wizard.check_page


def test_intro_explains_where_to_get_the_key_with_links(qtbot, memory_keyring):
    wizard = make_wizard(qtbot, None)
    texts = " ".join(label.text() for label in wizard.intro.findChildren(QLabel))
    assert CONSOLE_URL in texts and API_KEY_HELP_URL in texts
    assert "Create API key" in texts and "folder ID" in texts and "AQVN" in texts and "b1g" in texts
    linked = [label for label in wizard.intro.findChildren(QLabel) if CONSOLE_URL in label.text()]
    assert linked[0].openExternalLinks()
    assert linked[0].textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard


def test_happy_path_against_the_fake_server(qtbot, memory_keyring, fake_server, real_client_factory):
    fake_server.api_key = FAKE_API_KEY
    wizard = make_wizard(qtbot, real_client_factory, Settings(api_base=fake_server.url, theme="dark"))
    go_to_check(qtbot, wizard, FAKE_FOLDER_ID, FAKE_API_KEY)
    page = wizard.check_page
    assert page.status.state == StatusLine.OK and "It works" in page.status.text()
    assert page.storage_note.state == StatusLine.OK
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled() and finish.text() == "Start chatting"
    finish.click()
    result = wizard.first_run_result()
    assert result is not None and result.checked
    assert result.settings == Settings(api_base=fake_server.url, theme="dark", folder_id=FAKE_FOLDER_ID,
                                       auth_kind="api_key")
    assert result.secret == FAKE_API_KEY and FAKE_API_KEY not in repr(result)
    assert memory_keyring.items == {}  # the guide stores nothing itself: the app does
    assert fake_server.last_request.headers["authorization"] == f"Api-Key {FAKE_API_KEY}"


def test_wrong_key_then_fixed(qtbot, memory_keyring, fake_server, real_client_factory):
    fake_server.api_key = FAKE_API_KEY
    wrong = "AQVNwrong-key-0123456789abcdefghijklmn"
    wizard = make_wizard(qtbot, real_client_factory, Settings(api_base=fake_server.url))
    go_to_check(qtbot, wizard, FAKE_FOLDER_ID, wrong)
    page = wizard.check_page
    assert page.status.state == StatusLine.ERROR
    assert page.status.message.startswith("The key was not accepted")
    assert "Go back" in page.status.message
    assert wrong not in page.status.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()

    wizard.back()
    assert wizard.currentPage() is wizard.details
    wizard.details.secret_edit.edit.clear()
    paste(wizard.details.secret_edit.edit, FAKE_API_KEY)
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        wizard.next()
    assert page.status.state == StatusLine.OK
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_no_network_may_finish_anyway(qtbot, memory_keyring, real_client_factory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    wizard = make_wizard(qtbot, real_client_factory, Settings(api_base=f"http://127.0.0.1:{port}"))
    go_to_check(qtbot, wizard, FAKE_FOLDER_ID, FAKE_API_KEY)
    page = wizard.check_page
    assert page.status.state == StatusLine.WARNING and "finish anyway" in page.status.text()
    assert page.retry_button.isVisible()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    result = wizard.first_run_result()
    assert result is not None and not result.checked


def test_iam_token_is_detected(qtbot, memory_keyring, fake_server, real_client_factory):
    wizard = make_wizard(qtbot, real_client_factory, Settings(api_base=fake_server.url))
    go_to_check(qtbot, wizard, FAKE_FOLDER_ID, f"Bearer {IAM_TOKEN}")
    assert wizard.details.kind() == "iam_token"
    assert "IAM token" in wizard.details.secret_note.text()
    assert fake_server.last_request.headers["authorization"] == f"Bearer {IAM_TOKEN}"
    assert fake_server.last_request.headers["x-folder-id"] == FAKE_FOLDER_ID
    wizard.button(QWizard.WizardButton.FinishButton).click()
    result = wizard.first_run_result()
    assert result is not None and result.settings.auth_kind == "iam_token" and result.secret == IAM_TOKEN


def test_odd_folder_id_warns_but_allows(qtbot, memory_keyring, gated_client):
    wizard = make_wizard(qtbot, gated_client.factory)
    wizard.next()
    qtbot.keyClicks(wizard.details.folder_edit, "my-folder")
    assert wizard.details.folder_note.state == StatusLine.WARNING
    assert "20 lowercase letters" in wizard.details.folder_note.text()
    paste(wizard.details.secret_edit.edit, FAKE_API_KEY)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


class AnsweringClient:
    """Says yes to every check at once."""

    def __init__(self, credentials, base_url) -> None:
        pass

    def check_connection(self, model_uri: str) -> None:
        pass


def test_folder_id_with_a_space_cannot_go_on(qtbot, memory_keyring):
    """The UX test's case: "abc 123" used to pass the guide and then fail to save, losing key and folder."""
    wizard = make_wizard(qtbot, AnsweringClient)
    wizard.next()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    paste(wizard.details.secret_edit.edit, FAKE_API_KEY)
    qtbot.keyClicks(wizard.details.folder_edit, "abc 123")
    note = wizard.details.folder_note
    assert note.state == StatusLine.ERROR and note.message == "The folder ID cannot contain spaces."
    assert note.isVisible() and not next_button.isEnabled()
    wizard.next()  # Enter, or anything else that asks for the next page, does nothing
    assert wizard.currentPage() is wizard.details

    wizard.details.folder_edit.selectAll()
    qtbot.keyClicks(wizard.details.folder_edit, FAKE_FOLDER_ID)
    assert note.state == StatusLine.NONE and not note.text()  # empty; its room is kept
    assert next_button.isEnabled()


def test_quotes_and_spaces_around_a_pasted_folder_id_are_dropped(qtbot, memory_keyring):
    wizard = make_wizard(qtbot, AnsweringClient)
    wizard.next()
    paste(wizard.details.folder_edit, f'  "{FAKE_FOLDER_ID}"\n')
    paste(wizard.details.secret_edit.edit, FAKE_API_KEY)
    assert wizard.details.folder_id() == FAKE_FOLDER_ID
    assert wizard.details.folder_note.state == StatusLine.NONE  # no error and no odd-shape warning
    wizard.details.folder_edit.editingFinished.emit()
    assert wizard.details.folder_edit.text() == FAKE_FOLDER_ID  # the field shows what will be saved
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    result = wizard.first_run_result()
    assert result is not None and result.settings.folder_id == FAKE_FOLDER_ID


FOLDER_INPUTS = [
    FAKE_FOLDER_ID, f" {FAKE_FOLDER_ID} ", f"'{FAKE_FOLDER_ID}'", f'"{FAKE_FOLDER_ID}"',
    f"\u00ab{FAKE_FOLDER_ID}\u00bb", f"\u201c{FAKE_FOLDER_ID}\u201d", f"\t{FAKE_FOLDER_ID}\r\n",
    f"\u00a0{FAKE_FOLDER_ID}\u200b", f"{FAKE_FOLDER_ID[:10]}\u200b{FAKE_FOLDER_ID[10:]}", "my-folder",
    "abc 123", "abc\t123", "abc\u00a0123", "b1g one", '" "', "''", " ", "\u200b",
]


@pytest.mark.parametrize("folder", FOLDER_INPUTS)
@pytest.mark.parametrize("base", [Settings(), Settings(model="not-a-model", api_base="ftp://x")],
                         ids=["defaults", "broken-base"])
def test_what_the_guide_returns_always_saves(qtbot, memory_keyring, folder, base):
    """Whatever is typed: either the guide cannot finish, or its settings pass the settings' validation."""
    wizard = make_wizard(qtbot, AnsweringClient, base)
    wizard.next()
    wizard.details.folder_edit.setText(folder)
    paste(wizard.details.secret_edit.edit, FAKE_API_KEY)
    if not wizard.button(QWizard.WizardButton.NextButton).isEnabled():
        if wizard.details.folder_id():  # something was typed: the reason is said
            assert wizard.details.folder_note.state == StatusLine.ERROR
        return
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    result = wizard.first_run_result()
    assert result is not None
    assert validate(result.settings) == []
    assert result.settings.folder_id == wizard.details.folder_id() and result.secret == FAKE_API_KEY


def test_no_keyring_warning_before_the_key_is_pasted(qtbot, no_keyring):
    wizard = make_wizard(qtbot, None)
    wizard.next()
    note = wizard.details.storage_note
    assert note.isVisible() and note.state == StatusLine.WARNING
    assert "no password storage" in note.text()


def test_skip_button_is_there_and_skips(qtbot, memory_keyring):
    wizard = make_wizard(qtbot, None)
    skip = wizard.button(QWizard.WizardButton.CustomButton1)
    assert skip.isVisible() and "browse my chats offline" in skip.text()
    skip.click()
    assert wizard.skipped and wizard.first_run_result() is None and not wizard.isVisible()


def test_keyboard_only(qtbot, memory_keyring, fake_server, real_client_factory):
    """Enter goes to the next page; typing goes where the focus is."""
    wizard = make_wizard(qtbot, real_client_factory, Settings(api_base=fake_server.url))
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    qtbot.keyClick(wizard, Qt.Key.Key_Return)
    assert wizard.currentPage() is wizard.details
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.details.folder_edit)
    qtbot.keyClicks(wizard.details.folder_edit, FAKE_FOLDER_ID)
    qtbot.keyClick(wizard.details.folder_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is wizard.details.secret_edit.edit
    qtbot.keyClicks(wizard.details.secret_edit.edit, FAKE_API_KEY)
    assert wizard.details.secret() == FAKE_API_KEY
    with qtbot.waitSignal(wizard.check.finished, timeout=10000):
        qtbot.keyClick(wizard.details.secret_edit.edit, Qt.Key.Key_Return)
    assert wizard.check_page.outcome == "ok"


def test_check_runs_off_the_gui_thread_and_back_abandons_it(qtbot, memory_keyring, gated_client):
    wizard = make_wizard(qtbot, gated_client.factory, Settings(folder_id=FAKE_FOLDER_ID))
    wizard.next()
    paste(wizard.details.secret_edit.edit, FAKE_API_KEY)
    wizard.next()
    qtbot.waitUntil(gated_client.entered.is_set)
    assert wizard.check_page.status.state == StatusLine.BUSY
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    wizard.back()  # changed my mind while it was checking
    assert not wizard.check.is_running()
    gated_client.release.set()


def test_run_first_run_returns_none_when_skipped(qtbot, memory_keyring):
    def skip() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, FirstRunWizard):
            QTimer.singleShot(10, skip)
            return
        wizard.button(QWizard.WizardButton.CustomButton1).click()

    QTimer.singleShot(0, skip)
    assert run_first_run(None, Settings(), SecretStore(), lambda c, u: None) is None
