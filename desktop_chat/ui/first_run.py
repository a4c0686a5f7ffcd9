"""The first-run guide: where to get a folder ID and an API key, paste them, check they work.

Three short pages in a QWizard (keyboard-friendly: Enter goes on, Alt+B goes back, Esc cancels):
1. what is needed and where to find it in the Yandex Cloud console (clickable links);
2. paste the folder ID and the key (the shape is checked as you type, API key vs IAM token is
   detected from the key itself; odd shapes only warn, but a folder ID the settings could not
   save, e.g. one with a space inside, keeps Next disabled);
3. a real connection check on a worker thread, in plain words.
"Skip — just browse my chats offline" is there on every page.

The guide writes nothing. The app saves what it returns (its settings always pass
`desktop_chat.settings.validate`):

    result = run_first_run(window, settings, secrets, make_client)
    if result is not None:
        settings_store.save(result.settings)
        secrets.set_secret(result.settings.auth_kind, result.secret)
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_chat.api.client import Credentials
from desktop_chat.api.models import model_uri
from desktop_chat.secrets import SecretKind, SecretStore
from desktop_chat.settings import (
    HINT_OK,
    Settings,
    classify_secret,
    normalize_secret,
    secret_hint,
    validate,
)
from desktop_chat.ui.connection_check import ConnectionCheck, MakeClient
from desktop_chat.ui.i18n import ui_language
from desktop_chat.ui.settings_dialog import (
    SecretField,
    StatusLine,
    check_failure_text,
    clean_folder_id,
    folder_note,
    folder_problem_text,
    hint_text,
    storage_text,
)

log = logging.getLogger(__name__)

CONSOLE_URL = "https://console.yandex.cloud"
API_KEY_HELP_URL = "https://yandex.cloud/en/docs/iam/operations/authentication/manage-api-keys"

# Failures where the key may well be fine (no network, a busy server): the user may finish anyway.
SOFT_FAILURES = frozenset({"network", "timeout", "server", "gateway_timeout", "rate_limit",
                           "connection_lost", "malformed"})


@dataclass(frozen=True)
class FirstRunResult:
    """The settings with folder ID and auth kind filled in, and the key to store for that kind."""

    settings: Settings
    secret: str = field(repr=False)
    checked: bool = True  # False when the user finished after a "no network"-type failure


class IntroPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Connect Desktop Chat to YandexGPT"))
        self.setSubTitle(self.tr("You need a folder ID and an API key from Yandex Cloud."))
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        intro = QLabel(self.tr(
            "Desktop Chat talks to YandexGPT through your own Yandex Cloud account. "
            "Getting the two things it needs takes about five minutes:"), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        steps = QLabel(self)
        steps.setWordWrap(True)
        steps.setTextFormat(Qt.TextFormat.RichText)
        steps.setOpenExternalLinks(True)
        steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # links reachable by Tab
        steps.setText(
            "<ol style='margin-top: 0px; -qt-list-indent: 1;'>"
            + "<li style='margin-bottom: 6px'>" + self.tr(
                "Open the <a href='{0}'>Yandex Cloud console</a> and sign in with your Yandex account. "
                "Choose a folder (the one called <i>default</i> is fine).").format(CONSOLE_URL) + "</li>"
            + "<li style='margin-bottom: 6px'>" + self.tr(
                "Copy the <b>folder ID</b>: it is shown on the folder's page, next to its name. "
                "It has 20 letters and digits and usually starts with <tt>b1g</tt>.") + "</li>"
            + "<li style='margin-bottom: 6px'>" + self.tr(
                "In that folder, open <i>Service accounts</i> and create one with the role "
                "<tt>ai.languageModels.user</tt>.") + "</li>"
            + "<li>" + self.tr(
                "Open the service account, choose <i>Create new key → Create API key</i>, and copy the key. "
                "It is shown only once. (<a href='{0}'>Step-by-step help</a>)").format(API_KEY_HELP_URL)
            + "</li></ol>")
        layout.addWidget(steps)
        privacy = QLabel(self.tr(
            "Your chats stay on this computer. The key is kept in your system's password storage, "
            "never in a file."), self)
        privacy.setWordWrap(True)
        layout.addWidget(privacy)
        layout.addStretch(1)


class DetailsPage(QWizardPage):
    def __init__(self, settings: Settings, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Paste your folder ID and key"))
        self.setSubTitle(self.tr("Copy them from the Yandex Cloud console and paste them here."))
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.folder_edit = QLineEdit(settings.folder_id, self)
        self.folder_edit.setPlaceholderText("b1g…")
        self.folder_edit.setAccessibleName(self.tr("Folder ID"))
        self.folder_edit.textChanged.connect(self._on_folder_changed)
        self.folder_edit.editingFinished.connect(self._on_folder_finished)
        form.addRow(self.tr("&Folder ID:"), self.folder_edit)
        self.folder_note = StatusLine(self)
        form.addRow("", self.folder_note)

        self.secret_edit = SecretField(self)
        self.secret_edit.edit.setPlaceholderText(self.tr("AQVN… (an API key) or t1.… (an IAM token)"))
        self.secret_edit.edit.setAccessibleName(self.tr("API key or IAM token"))
        self.secret_edit.edit.textChanged.connect(self._on_secret_changed)
        key_label = QLabel(self.tr("API &key:"), self)
        key_label.setBuddy(self.secret_edit.edit)
        form.addRow(key_label, self.secret_edit)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(self.tr("API key"), "api_key")
        self.kind_combo.addItem(self.tr("IAM token"), "iam_token")
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(settings.auth_kind)))
        self.kind_combo.setAccessibleName(self.tr("Key type"))
        kind_row = QHBoxLayout()  # a short choice: keep it short instead of stretching it across
        kind_row.addWidget(self.kind_combo)
        kind_row.addStretch(1)
        kind_label = QLabel(self.tr("Key &type:"), self)
        kind_label.setBuddy(self.kind_combo)
        form.addRow(kind_label, kind_row)
        self.secret_note = StatusLine(self)
        form.addRow("", self.secret_note)
        self.storage_note = StatusLine(self)
        form.addRow("", self.storage_note)
        if not secrets.persistent:  # only worth saying when the key cannot be kept
            self.storage_note.set(*storage_text(secrets))
        if settings.folder_id:
            self._on_folder_changed(settings.folder_id)

    def folder_id(self) -> str:
        """The folder ID as it will be saved (quotes and spaces around a pasted one removed)."""
        return clean_folder_id(self.folder_edit.text())

    def secret(self) -> str:
        return normalize_secret(self.secret_edit.text())

    def kind(self) -> SecretKind:
        return "iam_token" if self.kind_combo.currentData() == "iam_token" else "api_key"

    def isComplete(self) -> bool:
        # A folder ID the settings would refuse (a space inside) must not get as far as saving.
        return bool(self.folder_id() and self.secret()) and not folder_problem_text(self.folder_edit.text())

    def validatePage(self) -> bool:
        return self.isComplete()  # also when going on is asked for in code (QWizard.next())

    def _on_folder_changed(self, text: str) -> None:
        self.folder_note.set(*folder_note(text))  # an error keeps Next disabled; an odd shape only warns
        self.completeChanged.emit()

    def _on_folder_finished(self) -> None:
        """Show what will be saved: quotes and spaces around a pasted ID go away."""
        text = self.folder_edit.text()
        if self.folder_id() != text and not folder_problem_text(text):
            self.folder_edit.setText(self.folder_id())

    def _on_secret_changed(self, text: str) -> None:
        detected = classify_secret(text)
        if detected is not None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(detected))
        ok = secret_hint(text) == HINT_OK
        self.secret_note.set(StatusLine.INFO if ok else StatusLine.WARNING, hint_text(text))
        self.completeChanged.emit()


class CheckPage(QWizardPage):
    """Runs the check as soon as it is shown; Finish is enabled once the key is known to work."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Checking the connection"))
        self.setSubTitle(self.tr("Desktop Chat sends a tiny request to YandexGPT with your key."))
        layout = QVBoxLayout(self)
        self.status = StatusLine(self)
        layout.addWidget(self.status)
        self.storage_note = StatusLine(self)
        layout.addWidget(self.storage_note)
        self.retry_button = QPushButton(self.tr("&Try again"), self)
        self.retry_button.setAccessibleName(self.tr("Try the connection again"))
        self.retry_button.clicked.connect(self.start)
        self.retry_button.hide()
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.outcome = ""  # "", "running", "ok", "soft" (may finish anyway), "failed"

    def initializePage(self) -> None:
        self.start()

    def cleanupPage(self) -> None:
        self._wizard.check.abandon()
        self.outcome = ""

    def isComplete(self) -> bool:
        return self.outcome in ("ok", "soft")

    @Slot()
    def start(self) -> None:
        details = self._wizard.details
        self.retry_button.hide()
        self.storage_note.set(StatusLine.NONE, "")
        try:
            uri = model_uri(details.folder_id(), self._wizard.base_settings.model)
        except ValueError:  # the key cannot be checked, but can be kept: the model is chosen in Settings
            self._finish("soft", StatusLine.WARNING, self.tr(
                "The model in your settings is not valid. Finish here and choose a model in Settings."))
            return
        self.outcome = "running"
        self.status.set(StatusLine.BUSY, self.tr("Checking… This usually takes a second or two."))
        self.completeChanged.emit()
        credentials = Credentials(kind=details.kind(), secret=details.secret(), folder_id=details.folder_id())
        self._wizard.check.start(credentials, self._wizard.base_settings.api_base, uri)

    @Slot()
    def on_ok(self) -> None:
        self._finish("ok", StatusLine.OK, self.tr("It works! YandexGPT answered with your key."))
        self.storage_note.set(*storage_text(self._wizard.secrets))

    @Slot(str, str)
    def on_failed(self, message: str, kind: str) -> None:
        # The API's own texts point to Settings; here the place to fix it is the previous page.
        message = check_failure_text(message, kind)
        if kind in SOFT_FAILURES:
            message += "\n\n" + self.tr("You can finish anyway: the key is saved, and Desktop Chat will try "
                                        "again when you send a message.")
            self._finish("soft", StatusLine.WARNING, message)
        else:
            message += "\n\n" + self.tr("Go back to correct the folder ID or the key.")
            self._finish("failed", StatusLine.ERROR, message)
        self.retry_button.show()

    def _finish(self, outcome: str, state: int, text: str) -> None:
        self.outcome = outcome
        self.status.set(state, text)
        self.completeChanged.emit()


class FirstRunWizard(QWizard):
    """The guide. `first_run_result()` after it was accepted; None if skipped or cancelled."""

    def __init__(self, settings: Settings, secrets: SecretStore, make_client: MakeClient,
                 parent: QWidget | None = None, *, lang: str | None = None) -> None:
        super().__init__(parent)
        self.base_settings = settings_that_save(settings)
        self.secrets = secrets
        self.skipped = False
        self._result: FirstRunResult | None = None
        self.setObjectName("FirstRunWizard")
        self.setWindowTitle(self.tr("Welcome to Desktop Chat"))
        # Classic style everywhere: plain, readable, and the same on every OS for the help pages.
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Skip — just browse my chats offline"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Start chatting"))
        skip = self.button(QWizard.WizardButton.CustomButton1)
        skip.setAccessibleName(self.tr("Skip the setup and browse saved chats offline"))
        self.customButtonClicked.connect(self._on_custom_button)
        self.setButtonLayout([QWizard.WizardButton.CustomButton1, QWizard.WizardButton.Stretch,
                              QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                              QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton])

        self.check = ConnectionCheck(make_client, lang or ui_language(settings.language), self)
        self.intro = IntroPage(self)
        self.details = DetailsPage(settings, secrets, self)
        self.check_page = CheckPage(self)
        self.check.succeeded.connect(self.check_page.on_ok)
        self.check.failed.connect(self.check_page.on_failed)
        for page in (self.intro, self.details, self.check_page):
            self.addPage(page)
        self.setMinimumSize(700, 440)  # the Russian button row needs the width

    def _on_custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.skip()

    @Slot()
    def skip(self) -> None:
        self.skipped = True
        self.reject()

    def result_settings(self) -> Settings:
        """The settings as the guide would return them now."""
        return dataclasses.replace(self.base_settings, folder_id=self.details.folder_id(),
                                   auth_kind=self.details.kind())

    def accept(self) -> None:
        settings = self.result_settings()
        problems = validate(settings)
        if problems:  # the details page does not let this happen; never hand the app settings it cannot save
            log.error("first-run result would not save: %s", "; ".join(problems))
            self.check_page.status.set(StatusLine.ERROR, self.tr(
                "These settings cannot be saved. Go back and check the folder ID."))
            return
        self._result = FirstRunResult(settings=settings, secret=self.details.secret(),
                                      checked=self.check_page.outcome == "ok")
        super().accept()

    def done(self, code: int) -> None:
        self.check.abandon()  # a check still running ends on its own; nobody needs its answer
        super().done(code)

    def first_run_result(self) -> FirstRunResult | None:
        return self._result


def settings_that_save(settings: Settings) -> Settings:
    """These settings with every value the settings file would refuse put back to its default.

    The guide only fills in the folder ID and the key type; the rest comes from the caller, and
    what the guide returns must be saveable whatever that was.
    """
    defaults = Settings()
    bad = {problem.split(":", 1)[0] for problem in validate(settings)} - {"folder_id"}
    if not bad:
        return settings
    log.warning("first-run guide: resetting invalid settings to defaults: %s", ", ".join(sorted(bad)))
    return dataclasses.replace(settings, **{name: getattr(defaults, name) for name in bad})


def run_first_run(parent: QWidget | None, settings: Settings, secrets: SecretStore,
                  make_client: MakeClient, *, lang: str | None = None) -> FirstRunResult | None:
    """Show the guide (modal); what to save, or None when the user skipped or cancelled it."""
    wizard = FirstRunWizard(settings, secrets, make_client, parent, lang=lang)
    try:
        wizard.exec()
        return wizard.first_run_result()
    finally:
        wizard.deleteLater()
