"""The settings dialog: account (the shared account form), model, appearance, and "Check connection".

Services come in through the constructor (settings value, SecretStore, environment overrides and a
client factory), so tests hand in fakes. The dialog itself writes nothing: on accept,
`settings_result()` gives the new Settings and the secret, and the caller saves them (the secret on
the secrets lane, never the store's writer):

    dialog = SettingsDialog(settings, secrets, env, make_client, parent)
    if dialog.exec():
        r = dialog.settings_result()
        settings_store.save(r.settings)
        if r.secret is not None:
            secrets.set_secret(r.secret_kind, r.secret)   # "" deletes it

Keyring reads can block (D-Bus, an unlock prompt), so the saved key is read on a worker thread and
filled in when it arrives; the connection check runs on a worker thread too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from PySide6.QtCore import QSize, QTimer, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.api.models import MODELS, model_uri
from desktop_chat.secrets import EnvOverrides, SecretKind, SecretStore, SignIn, with_sign_in
from desktop_chat.settings import MAX_TOKENS_LIMIT, Settings, validate
from desktop_chat.ui.account_form import AccountForm
from desktop_chat.ui.connection_check import ConnectionCheck, MakeClient, credentials_for_check
from desktop_chat.ui.i18n import ui_language
from desktop_chat.ui.number_input import DecimalSpinBox
from desktop_chat.ui.setup_parts import (
    FormScroll,
    StatusLine,
    align_label_columns,
    check_failure_text,
    notice_panel,
)


@dataclass(frozen=True)
class SettingsResult:
    """What the user chose. `secret`: None = leave the stored one alone; "" = delete it.

    `secret_kind`: the keyring entry the secret goes to ("api_key", "iam_token", "oauth_token").
    """

    settings: Settings
    secret: str | None = field(default=None, repr=False)
    secret_kind: SecretKind = "api_key"


class SettingsDialog(QDialog):
    """Settings with the account form and a "Check connection" that never blocks the window.

    `focus_secret=True` opens it on the key field (the place to fix an expired or revoked key);
    `notice` is an optional sentence shown on top. The dialog opens at a size that fits the form and
    the screen, and keeps it: notes have room kept for them, and past that the form scrolls.
    """

    secrets_loaded = Signal()  # the saved keys were read from the keyring (or it failed)

    NOTE_RESERVE_LINES = 3  # room for the check's note (the fields' notes keep their own room)

    def __init__(self, settings: Settings, secrets: SecretStore, env_overrides: EnvOverrides | None,
                 make_client: MakeClient, parent: QWidget | None = None, *, focus_secret: bool = False,
                 notice: str = "", lang: str | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._secrets = secrets
        self._env = env_overrides or EnvOverrides()
        self._lang = lang or ui_language(settings.language)
        self._result: SettingsResult | None = None
        self._sized = False
        self._armed: set[str] = set()  # fields whose errors show before Save (after leaving them)
        self._focus_secret = focus_secret and not self._env.secret

        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("SettingsDialog")
        self._check = ConnectionCheck(make_client, self._lang, self)
        self._check.succeeded.connect(self._on_check_ok)
        self._check.failed.connect(self._on_check_failed)
        self._check.finished.connect(self._on_check_finished)

        self._build(notice, settings)
        self._fill(settings)
        if not self._focus_secret:
            self.folder_edit.setFocus()

    # --- building --------------------------------------------------------------------------------

    def _build(self, notice: str, settings: Settings) -> None:
        root = QVBoxLayout(self)
        root.setSpacing(10)
        self.notice_frame, self.notice = notice_panel(self, notice)  # why the dialog opened, on top
        root.addWidget(self.notice_frame)

        content = QWidget(self)
        content.setObjectName("SettingsForm")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        self._scroll = FormScroll(content, self)
        root.addWidget(self._scroll, 1)

        # Account: the form shared with the first-run guide, then "Check connection".
        account = QGroupBox(self.tr("Yandex AI Studio account"), content)
        box = QVBoxLayout(account)
        self.account = AccountForm(settings, self._secrets, self._env, account)
        self.account.changed.connect(self._inputs_changed)
        self.account.secrets_loaded.connect(self._on_secrets_loaded)
        box.addWidget(self.account)
        a = self.account  # the names tests and callers know
        self.folder_edit, self.folder_note, self.kind_combo = a.folder_edit, a.folder_note, a.kind_combo
        self.secret_edit, self.secret_note, self.storage_note = a.secret_edit, a.secret_note, a.storage_note
        self.api_base_edit, self.api_base_note = a.api_base_edit, a.api_base_note
        check_row = self.account.toggle_row
        # Alt+O: Alt+C is Cancel where the system puts shortcuts on the dialog's buttons (GNOME).
        self.check_button = QPushButton(self.tr("Check c&onnection"), account)
        self.check_button.setAccessibleName(self.tr("Check connection"))
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.start_check)
        check_row.addWidget(self.check_button)
        self.check_status = StatusLine(account, grow_window=False)
        box.addWidget(self.check_status)
        column.addWidget(account)

        # Model
        model_box = QGroupBox(self.tr("Model"), content)
        form = QFormLayout(model_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.model_combo = QComboBox(model_box)
        for key, info in MODELS.items():
            self.model_combo.addItem(info.title, key)
        self.model_combo.addItem(self.tr("Custom model URI…"), None)
        self.model_combo.setAccessibleName(self.tr("Model"))
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        form.addRow(self.tr("&Model:"), self.model_combo)
        self.custom_model_edit = QLineEdit(model_box)
        self.custom_model_edit.setPlaceholderText("gpt://<folder>/yandexgpt-lite/latest@…")
        self.custom_model_edit.setAccessibleName(self.tr("Custom model URI"))
        self.custom_model_edit.textEdited.connect(self._on_model_text_edited)
        self.custom_model_edit.editingFinished.connect(lambda: self._arm("model"))
        self.custom_model_label = QLabel(self.tr("Model &URI:"), model_box)
        self.custom_model_label.setBuddy(self.custom_model_edit)
        form.addRow(self.custom_model_label, self.custom_model_edit)
        self.model_note = StatusLine(model_box, grow_window=False)
        form.addRow("", self.model_note)

        self.temperature_spin = DecimalSpinBox(self._lang, model_box)
        self.temperature_spin.setRange(0.0, 1.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(2)
        self.temperature_spin.setAccessibleName(self.tr("Temperature"))
        self.temperature_spin.setToolTip(self.tr("Lower values give more focused answers, "
                                                 "higher values more varied ones."))
        self.temperature_note = StatusLine(model_box, grow_window=False)  # what was corrected, if anything
        self.temperature_spin.corrected.connect(lambda text: self.temperature_note.set(StatusLine.WARNING, text))
        self.temperature_spin.lineEdit().textEdited.connect(
            lambda _t: self.temperature_note.set(StatusLine.NONE, ""))
        form.addRow(self.tr("Tem&perature:"), self.temperature_spin)
        form.addRow("", self.temperature_note)
        self.max_tokens_spin = QSpinBox(model_box)
        self.max_tokens_spin.setRange(1, MAX_TOKENS_LIMIT)
        self.max_tokens_spin.setSingleStep(100)
        self.max_tokens_spin.setLocale(self.temperature_spin.locale())
        self.max_tokens_spin.setAccessibleName(self.tr("Maximum reply length in tokens"))
        form.addRow(self.tr("Max reply &length (tokens):"), self.max_tokens_spin)
        self.data_logging_check = QCheckBox(self.tr("Let &Yandex log my requests"), model_box)
        self.data_logging_check.setAccessibleName(self.tr("Let Yandex log my requests"))
        self.data_logging_check.setToolTip(self.tr("Yandex may keep the requests and use them to improve "
                                                   "its models. Off unless you turn it on."))
        form.addRow("", self.data_logging_check)
        column.addWidget(model_box)

        # Appearance
        look = QGroupBox(self.tr("Appearance"), content)
        form = QFormLayout(look)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.language_combo = QComboBox(look)
        self.language_combo.addItem(self.tr("Same as the system"), "system")
        self.language_combo.addItem("Русский", "ru")  # each language named in itself
        self.language_combo.addItem("English", "en")
        self.language_combo.setAccessibleName(self.tr("Language"))
        self.theme_combo = QComboBox(look)
        self.theme_combo.addItem(self.tr("Same as the system"), "system")
        self.theme_combo.addItem(self.tr("Light"), "light")
        self.theme_combo.addItem(self.tr("Dark"), "dark")
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        theme_label = QLabel(self.tr("T&heme:"), look)
        theme_label.setBuddy(self.theme_combo)
        row = QHBoxLayout()  # one row: the dialog must fit a small laptop screen
        row.addWidget(self.language_combo, 1)
        row.addSpacing(12)
        row.addWidget(theme_label)
        row.addWidget(self.theme_combo, 1)
        language_label = QLabel(self.tr("La&nguage:"), look)
        language_label.setBuddy(self.language_combo)
        form.addRow(language_label, row)
        column.addWidget(look)

        self.form_error = StatusLine(content, grow_window=False)  # a problem no field shows
        column.addWidget(self.form_error)
        column.addStretch(1)

        align_label_columns([self.account.form, self.account.advanced_form, model_box.layout(), look.layout()])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        self.setMinimumWidth(600)  # Russian labels are longer than English ones

    def _fill(self, settings: Settings) -> None:
        index = self.model_combo.findData(settings.model)
        if index < 0:
            self.model_combo.setCurrentIndex(self.model_combo.count() - 1)
            self.custom_model_edit.setText(settings.model)
        else:
            self.model_combo.setCurrentIndex(index)
        self._on_model_changed()
        self.temperature_spin.setValue(settings.temperature)
        self.max_tokens_spin.setValue(settings.max_tokens)
        self.data_logging_check.setChecked(settings.data_logging)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))

    # --- size ------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized:  # once: later notes must not make the window jump
            self._sized = True
            self.resize(self.initial_size())
            QTimer.singleShot(0, self, lambda: self._scroll.grow_once(self))
        super().showEvent(event)

    def initial_size(self) -> QSize:
        """The whole form plus room for a few lines of notes, but never taller than the screen."""
        return self._scroll.dialog_size(self, self.NOTE_RESERVE_LINES)

    # --- the saved key ---------------------------------------------------------------------------

    @Slot()
    def _on_secrets_loaded(self) -> None:
        if self.isVisible():  # the storage note may have just appeared: room for it, once, before typing
            QTimer.singleShot(0, self, lambda: self._scroll.grow_once(self))
        if self._focus_secret:
            self.secret_edit.edit.setFocus()
            self.secret_edit.edit.selectAll()
        self.secrets_loaded.emit()

    def is_loading(self) -> bool:
        return self.account.is_loading()

    @property
    def _loader(self) -> object:  # the keyring read (scripts wait for it)
        return self.account._loader

    # --- reactions -------------------------------------------------------------------------------

    def current_kind(self) -> SignIn:
        return self.account.sign_in()

    def _on_model_changed(self) -> None:
        custom = self.model_combo.currentData() is None
        self.custom_model_edit.setVisible(custom)
        self.custom_model_label.setVisible(custom)
        self._refresh_field_notes()
        self._inputs_changed()

    def _on_model_text_edited(self, _text: str) -> None:
        self._refresh_field_notes()
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        """What the connection check said was about other values: drop it (and a check still running)."""
        if self._check.is_running():
            self._check.abandon()
            self.check_button.setEnabled(True)
        self.check_status.set(StatusLine.NONE, "")
        self.form_error.set(StatusLine.NONE, "")

    def _arm(self, field_name: str) -> None:
        self._armed.add(field_name)
        self._refresh_field_notes()

    def _refresh_field_notes(self) -> None:
        problems = [p.split(":", 1)[0] for p in validate(self.collect().settings)]
        shown = "model" in problems and "model" in self._armed and self.model_combo.currentData() is None
        self.model_note.set(StatusLine.ERROR if shown else StatusLine.NONE,
                            self.tr("Enter a model URI that starts with gpt:// or ds://.") if shown else "")

    # --- check connection ------------------------------------------------------------------------

    def _model(self) -> str:
        key = self.model_combo.currentData()
        return key if key is not None else self.custom_model_edit.text().strip()

    @Slot()
    def start_check(self) -> None:
        form = self.account
        folder, secret = form.folder_id(), form.secret()
        if not folder:
            self.check_status.set(StatusLine.ERROR, self.tr("Enter the folder ID first."))
            return
        if form.folder_problem():
            self.check_status.set(StatusLine.ERROR, form.folder_problem())
            return
        if not secret:
            self.check_status.set(StatusLine.ERROR, self.tr("Paste the API key first."))
            return
        try:
            uri = model_uri(folder, self._model())
        except ValueError:
            self.check_status.set(StatusLine.ERROR, self.tr("Choose a model, or enter a model URI "
                                                            "that starts with gpt:// or ds://."))
            return
        self.check_button.setEnabled(False)
        self.check_status.set(StatusLine.BUSY, self.tr("Checking the connection…"))
        credentials = credentials_for_check(self._env.secret_kind or form.sign_in(), secret, folder,
                                            form.iam_expires_at(), self._settings)
        self._check.start(credentials, form.api_base(), uri)

    @Slot()
    def _on_check_ok(self) -> None:
        self.check_status.set(StatusLine.OK, self.tr("Connected. The key, the folder and the model work."))
        self.notice_frame.hide()  # whatever brought the user here is fixed now

    @Slot(str, str)
    def _on_check_failed(self, message: str, kind: str) -> None:
        # Nothing here may send the user to "Settings": they are in it.
        if kind == "network":
            message = self.tr("Could not connect to Yandex Cloud. Check your internet connection "
                              "and the API address under “Advanced”, then try again.")
        elif kind == "bad_request":
            message = self.tr("Yandex Cloud rejected the request. Check the folder ID and the model, "
                              "then try again.")
        self.check_status.set(StatusLine.ERROR, check_failure_text(message, kind))

    @Slot()
    def _on_check_finished(self) -> None:
        self.check_button.setEnabled(True)

    def check_connection_running(self) -> bool:
        return self._check.is_running()

    # --- result ----------------------------------------------------------------------------------

    def collect(self) -> SettingsResult:
        """The settings and secret as they are in the form now (not validated)."""
        base, form = self._settings, self.account
        folder = base.folder_id if self._env.folder_id else form.folder_id()
        new = dataclasses.replace(
            base, folder_id=folder, model=self._model(),
            temperature=round(self.temperature_spin.value(), 2), max_tokens=self.max_tokens_spin.value(),
            data_logging=self.data_logging_check.isChecked(), api_base=form.api_base(),
            language=self.language_combo.currentData(), theme=self.theme_combo.currentData())
        if self._env.secret:  # a sign-in forced by the environment is not saved
            return SettingsResult(settings=new)
        sign_in = form.sign_in()
        new = with_sign_in(new, sign_in, iam_expires_at=form.iam_expires_at())
        return SettingsResult(settings=new, secret=form.secret_change(), secret_kind=sign_in)

    def settings_result(self) -> SettingsResult:
        """The accepted settings and secret (after exec() returned Accepted)."""
        if self._result is None:
            raise RuntimeError("the dialog was not accepted")
        return self._result

    def accept(self) -> None:
        self.temperature_spin.commit()  # a value still being typed counts (and a correction is said)
        result = self.collect()
        problems = [problem.split(":", 1)[0] for problem in validate(result.settings)]
        if problems:
            self._armed.update(problems)
            self.account.show_errors(problems)
            self._refresh_field_notes()
            fields: dict[str, QWidget] = {"folder_id": self.folder_edit, "model": self.custom_model_edit,
                                          "api_base": self.api_base_edit}
            widget = fields.get(problems[0])
            if widget is None or not widget.isVisibleTo(self):
                self.form_error.set(StatusLine.ERROR, self.tr("Some values are not valid; please check them."))
                widget = self.form_error
            else:
                widget.setFocus()
            self._scroll.ensureWidgetVisible(widget)
            return
        self._result = result
        super().accept()

    def done(self, code: int) -> None:
        self._check.abandon()  # a check still running finishes on its own; its result is not wanted
        self.account.abandon()
        super().done(code)


def open_credentials_fix(parent: QWidget | None, settings: Settings, secrets: SecretStore,
                         env_overrides: EnvOverrides | None, make_client: MakeClient,
                         notice: str = "", lang: str | None = None) -> SettingsResult | None:
    """Open the settings on the key field (after an AuthenticationError); the result, or None if cancelled."""
    dialog = SettingsDialog(settings, secrets, env_overrides, make_client, parent, focus_secret=True,
                            notice=notice, lang=lang)
    try:
        return dialog.settings_result() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
