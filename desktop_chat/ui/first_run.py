"""The first-run guide: make an API key in AI Studio, paste it with the folder ID, check they work.

Three short pages in a QWizard (keyboard-friendly: Enter goes on, Alt+B goes back, Esc cancels):
1. where to get both, as numbered steps with a link and a small picture of where they are;
2. the account form shared with the settings dialog (folder ID + API key; an IAM token, an OAuth
   token and the API address under "Advanced"), checked as it is typed;
3. a real connection check on a worker thread (free: the tokenizer), in plain words.
"Skip — just browse my chats offline" is offered until the check has succeeded, not after.

The guide writes nothing. The app saves what it returns (its settings always pass
`desktop_chat.settings.validate`):

    result = run_first_run(window, settings, secrets, make_client)
    if result is not None:
        settings_store.save(result.settings)
        secrets.set_secret(result.secret_kind, result.secret)    # on the secrets lane
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget, QWizard, QWizardPage

from desktop_chat.api.models import model_uri
from desktop_chat.secrets import SecretKind, SecretStore, SignIn, with_sign_in
from desktop_chat.settings import Settings, validate
from desktop_chat.ui.account_form import AccountForm, StatusLine, check_failure_text, storage_text
from desktop_chat.ui.connection_check import ConnectionCheck, MakeClient, credentials_for_check
from desktop_chat.ui.i18n import ui_language

log = logging.getLogger(__name__)

CONSOLE_URL = "https://aistudio.yandex.ru/"
API_KEY_HELP_URL = "https://aistudio.yandex.ru/docs/en/ai-studio/quickstart/"

# Failures where the key may well be fine (no network, a busy server): the user may finish anyway.
SOFT_FAILURES = frozenset({"network", "timeout", "server", "gateway_timeout", "rate_limit",
                           "connection_lost", "malformed"})


@dataclass(frozen=True)
class FirstRunResult:
    """The settings with folder ID and sign-in filled in, and the secret to store (under `secret_kind`)."""

    settings: Settings
    secret: str = field(repr=False)
    checked: bool = True  # False when the user finished after a "no network"-type failure
    secret_kind: SecretKind = "api_key"


def _pen(color: QColor, width: float) -> QPen:
    """Not QPen(color, width): that overload calls a null converter in PySide 6.11 now and then
    (a segfault seen in the tests under load; gdb: a null function pointer in QtGui.abi3.so)."""
    pen = QPen()
    pen.setColor(QColor(color))
    pen.setWidthF(width)
    return pen


class WhereToFind(QWidget):
    """A small schematic picture of AI Studio's page: where the folder ID is and the "Create API key" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(96)
        self.setAccessibleName(self.tr("Picture: the folder name and its ID at the top of AI Studio, "
                                       "the Create API key button below"))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        accent = pal.color(QPalette.ColorRole.Highlight)
        frame = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(_pen(pal.color(QPalette.ColorRole.Mid), 1.0))
        painter.setBrush(pal.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(frame, 8, 8)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        painter.drawText(QRectF(14, 10, 110, 22), Qt.AlignmentFlag.AlignVCenter, "AI Studio")
        painter.setFont(self.font())
        # The folder and its ID at the top of the page (step 3).
        folder = QRectF(130, 8, min(330, frame.width() - 170), 26)
        painter.setPen(_pen(accent, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(folder, 6, 6)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        painter.drawText(folder.adjusted(8, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter,
                         self.tr("Folder: default · ID b1g…"))
        self._badge(painter, folder.right() + 16, folder.center().y(), "3", accent)
        # The one-step "Create API key" button (step 2).
        button = QRectF(14, 52, 170, 30)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(button, 6, 6)
        painter.setPen(pal.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(button, Qt.AlignmentFlag.AlignCenter, self.tr("Create API key"))
        self._badge(painter, button.right() + 16, button.center().y(), "2", accent)
        painter.end()

    @staticmethod
    def _badge(painter: QPainter, x: float, y: float, text: str, color: QColor) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(QRectF(x - 10, y - 10, 20, 20))
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(x - 10, y - 10, 20, 20), Qt.AlignmentFlag.AlignCenter, text)


class IntroPage(QWizardPage):
    def __init__(self, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Connect Desktop Chat to Yandex AI Studio"))
        self.setSubTitle(self.tr("You need two things from AI Studio: an API key and a folder ID."))
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        steps = QLabel(self)
        steps.setWordWrap(True)
        steps.setTextFormat(Qt.TextFormat.RichText)
        steps.setOpenExternalLinks(True)
        steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # links reachable by Tab
        item = "<li style='margin-bottom: 6px'>"
        steps.setText(
            "<ol style='margin-top: 0px; -qt-list-indent: 1;'>"
            + item + self.tr(
                "Open <a href='{0}'>AI Studio</a> and sign in with your Yandex ID. The first time, it asks "
                "for a name and a bank card (a billing account): the models answer only with one.").format(
                    CONSOLE_URL) + "</li>"
            + item + self.tr(
                "Press <b>Create API key</b> and copy the key. It starts with <tt>AQVN</tt> "
                "and is shown only once.") + "</li>"
            + "<li>" + self.tr(
                "Copy the <b>folder ID</b> shown next to the folder's name at the top (the folder is "
                "usually called <i>default</i>): 20 letters and digits starting with <tt>b1g</tt>. "
                "(<a href='{0}'>Help with pictures</a>)").format(API_KEY_HELP_URL)
            + "</li></ol>")
        layout.addWidget(steps)
        layout.addWidget(WhereToFind(self))
        if secrets.persistent:
            privacy_text = self.tr("Your chats stay on this computer. The key is kept in your system's "
                                   "password storage, never in a file.")
        else:  # no promise the computer cannot keep
            privacy_text = self.tr("Your chats stay on this computer. This computer has no password "
                                   "storage, so the key is kept only until you close the app.")
        privacy = QLabel(privacy_text, self)
        privacy.setWordWrap(True)
        layout.addWidget(privacy)
        layout.addStretch(1)


class DetailsPage(QWizardPage):
    def __init__(self, settings: Settings, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Paste your API key and folder ID"))
        self.setSubTitle(self.tr("Copy them from AI Studio and paste them here."))
        layout = QVBoxLayout(self)
        self.form = AccountForm(settings, secrets, None, self, load_saved=False, grow_window=True)
        self.form.changed.connect(self.completeChanged)
        layout.addWidget(self.form)
        layout.addStretch(1)
        f = self.form  # the names tests and callers know
        self.folder_edit, self.folder_note, self.secret_edit = f.folder_edit, f.folder_note, f.secret_edit
        self.secret_note, self.storage_note, self.kind_combo = f.secret_note, f.storage_note, f.kind_combo
        self.setTabOrder(self.folder_edit, self.secret_edit.edit)

    def folder_id(self) -> str:
        """The folder ID as it will be saved (quotes and spaces around a pasted one removed)."""
        return self.form.folder_id()

    def secret(self) -> str:
        return self.form.secret()

    def kind(self) -> SignIn:
        return self.form.sign_in()

    def isComplete(self) -> bool:
        return self.form.is_complete()  # a folder ID the settings would refuse never gets to saving

    def validatePage(self) -> bool:
        return self.isComplete()  # also when going on is asked for in code (QWizard.next())


class CheckPage(QWizardPage):
    """Runs the check as soon as it is shown; Finish is enabled once the key is known to work."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Checking the connection"))
        self.setSubTitle(self.tr("Desktop Chat asks AI Studio to count the tokens of one word. It is free."))
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
        self._set_outcome("")

    def isComplete(self) -> bool:
        return self.outcome in ("ok", "soft")

    @Slot()
    def start(self) -> None:
        form = self._wizard.details.form
        self.retry_button.hide()
        self.storage_note.set(StatusLine.NONE, "")
        try:
            uri = model_uri(form.folder_id(), self._wizard.base_settings.model)
        except ValueError:  # the key cannot be checked, but can be kept: the model is chosen in Settings
            self._finish("soft", StatusLine.WARNING, self.tr(
                "The model in your settings is not valid. Finish here and choose a model in Settings."))
            return
        self._set_outcome("running")
        self.status.set(StatusLine.BUSY, self.tr("Checking… This usually takes a second or two."))
        credentials = credentials_for_check(form.sign_in(), form.secret(), form.folder_id(), form.iam_expires_at(),
                                            self._wizard.base_settings)
        self._wizard.check.start(credentials, form.api_base() or self._wizard.base_settings.api_base, uri)

    @Slot()
    def on_ok(self) -> None:
        self._finish("ok", StatusLine.OK, self.tr("It works! AI Studio answered with your key."))
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
        self.status.set(state, text)
        self._set_outcome(outcome)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        # After a success there is nothing to skip: only "Start chatting" is left.
        self._wizard.button(QWizard.WizardButton.CustomButton1).setVisible(outcome != "ok")
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
        self.intro = IntroPage(secrets, self)
        self.details = DetailsPage(self.base_settings, secrets, self)
        self.check_page = CheckPage(self)
        self.check.succeeded.connect(self.check_page.on_ok)
        self.check.failed.connect(self.check_page.on_failed)
        for page in (self.intro, self.details, self.check_page):
            self.addPage(page)
        self.setMinimumSize(700, 480)  # the Russian button row needs the width

    def _on_custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.skip()

    @Slot()
    def skip(self) -> None:
        self.skipped = True
        self.reject()

    def result_settings(self) -> Settings:
        """The settings as the guide would return them now."""
        form = self.details.form
        settings = dataclasses.replace(self.base_settings, folder_id=form.folder_id())
        if form.api_base():
            settings = dataclasses.replace(settings, api_base=form.api_base())
        return with_sign_in(settings, form.sign_in(), iam_expires_at=form.iam_expires_at())

    def accept(self) -> None:
        settings = self.result_settings()
        problems = validate(settings)
        if problems:  # the details page does not let this happen; never hand the app settings it cannot save
            log.error("first-run result would not save: %s", "; ".join(problems))
            self.check_page.status.set(StatusLine.ERROR, self.tr(
                "These settings cannot be saved. Go back and check the folder ID and the API address."))
            return
        self._result = FirstRunResult(settings=settings, secret=self.details.secret(),
                                      checked=self.check_page.outcome == "ok", secret_kind=self.details.kind())
        super().accept()

    def done(self, code: int) -> None:
        self.check.abandon()  # a check still running ends on its own; nobody needs its answer
        super().done(code)

    def first_run_result(self) -> FirstRunResult | None:
        return self._result


def settings_that_save(settings: Settings) -> Settings:
    """These settings with every value the settings file would refuse put back to its default."""
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
