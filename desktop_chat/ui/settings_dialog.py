"""The settings dialog: account (folder ID + key), model, appearance, and "Check connection".

Services come in through the constructor (settings value, SecretStore, environment overrides and a
client factory), so tests hand in fakes. The dialog itself writes nothing: on accept,
`settings_result()` gives the new Settings and the secret, and the caller saves them (off the GUI
thread if it likes):

    dialog = SettingsDialog(settings, secrets, env, make_client, parent)
    if dialog.exec():
        r = dialog.settings_result()
        settings_store.save(r.settings)
        if r.secret is not None:
            secrets.set_secret(r.settings.auth_kind, r.secret)   # "" deletes it

Keyring reads can block (D-Bus, an unlock prompt), so the saved key is read on a worker thread and
filled in when it arrives; the connection check runs on a worker thread too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.api.client import Credentials
from desktop_chat.api.models import DEFAULT_API_BASE, MODELS, model_uri
from desktop_chat.secrets import (
    PROBLEM_LOCKED,
    PROBLEM_NO_KEYRING,
    SECRET_KINDS,
    EnvOverrides,
    SecretKind,
    SecretStore,
)
from desktop_chat.settings import (
    HINT_INCOMPLETE,
    HINT_OAUTH,
    HINT_OK,
    HINT_STATIC_KEY,
    MAX_TOKENS_LIMIT,
    Settings,
    classify_secret,
    looks_like_folder_id,
    normalize_folder_id,
    normalize_secret,
    secret_hint,
    validate,
)
from desktop_chat.ui.connection_check import BackgroundCall, ConnectionCheck, MakeClient
from desktop_chat.ui.i18n import ui_language


@dataclass(frozen=True)
class SettingsResult:
    """What the user chose. `secret`: None = leave the stored one alone; "" = delete it."""

    settings: Settings
    secret: str | None = field(default=None, repr=False)


class StatusLine(QLabel):
    """A wrapped sentence with a sign in front: "Checking…", "✔ Connected", "⚠ …", "✖ …".

    A plain QLabel (not an icon widget beside a label) so Qt's height-for-width wrapping works.
    """

    NONE, BUSY, OK, WARNING, ERROR, INFO = range(6)
    _SIGNS: ClassVar[dict[int, str]] = {
        OK: "\u2714\u2002", WARNING: "\u26a0\u2002", ERROR: "\u2716\u2002", INFO: "\u2139\u2002"}

    def __init__(self, parent: QWidget | None = None, *, grow_window: bool = True) -> None:
        super().__init__(parent)
        # False where the window keeps its size and the text has room to grow into (a scroll area).
        self._grow_window = grow_window
        self.setWordWrap(True)
        # Expanding: a form only widens fields that ask for it, and a narrow label wraps into a tower.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = self.NONE
        self.message = ""
        self.set(self.NONE, "")

    # QFormLayout sizes a row by the label's sizeHint, which QLabel computes for a narrow made-up
    # width (a tall tower of short lines, shown as empty space). So the hints below use the width
    # the label really has, and a change of width asks the layout to look again.
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self.width() > hint.width():
            return QSize(hint.width(), self.heightForWidth(self.width()))
        return hint

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(hint.width(), min(hint.height(), self.sizeHint().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()

    def set(self, state: int, text: str) -> None:
        self.state = state
        self.message = text
        self.setText(self._SIGNS.get(state, "") + text if text else "")
        self.setAccessibleName(text)  # the sign is decoration; screen readers get the sentence
        self.setVisible(bool(text))
        if self._grow_window:
            grow_to_fit_later(self)


TITLE_BAR_ALLOWANCE = 40  # px a window frame adds above a dialog's own height, roughly


def grow_to_fit_later(widget: QWidget) -> None:
    """After the layout settles, make the window tall enough for wrapped text that just changed.

    Qt sizes a window's minimum height without height-for-width, so a label that wraps onto one
    more line after the window is shown would be clipped.
    """
    def grow() -> None:
        window = widget.window()
        layout = window.layout()
        if layout is None or not layout.hasHeightForWidth() or not window.isVisible():
            return
        needed = layout.totalHeightForWidth(window.width())
        screen = window.screen()
        if screen is not None:  # never past the bottom of the screen (leave room for the title bar)
            needed = min(needed, screen.availableGeometry().height() - TITLE_BAR_ALLOWANCE)
        if needed > window.height():
            window.resize(window.width(), needed)

    QTimer.singleShot(0, widget, grow)


class SecretField(QWidget):
    """A masked line edit with a Show/Hide toggle (the key is never shown unless asked for)."""

    textEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        # A key is never typed with an input method, and must not be offered for autocompletion.
        hint = Qt.InputMethodHint
        self.edit.setInputMethodHints(hint.ImhHiddenText | hint.ImhNoPredictiveText | hint.ImhSensitiveData)
        self.toggle = QToolButton(self)
        self.toggle.setCheckable(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.toggled.connect(self._on_toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.toggle)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self.textEdited)
        self._on_toggled(False)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def _on_toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setText(self.tr("Hide") if shown else self.tr("Show"))
        self.toggle.setAccessibleName(self.tr("Hide the key") if shown else self.tr("Show the key"))
        self.toggle.setToolTip(self.toggle.accessibleName())


# Helpers shared with the first-run guide use one fixed translation context, "Setup": self.tr() would
# take the calling widget's class as context, which lupdate cannot know for a module-level function.

def storage_text(secrets: SecretStore) -> tuple[int, str]:
    """(StatusLine state, sentence) about where the key will be kept."""
    kind = secrets.problem_kind
    if not kind:
        return StatusLine.OK, QCoreApplication.translate(
            "Setup", "The key is kept in your system's password storage.")
    if kind == PROBLEM_NO_KEYRING:
        return StatusLine.WARNING, QCoreApplication.translate(
            "Setup", "Your system has no password storage; the key will be kept until you close the app.")
    if kind == PROBLEM_LOCKED:
        return StatusLine.WARNING, QCoreApplication.translate(
            "Setup", "Your system's password storage is locked; the key will be kept until you close the app.")
    return StatusLine.WARNING, QCoreApplication.translate(
        "Setup", "Your system's password storage is not responding; the key will be kept until you close the app.")


def hint_text(text: str) -> str:
    """A plain-words note about the shape of a pasted key ("" when empty)."""
    if not normalize_secret(text):
        return ""
    hint = secret_hint(text)
    if hint == HINT_OK:
        if classify_secret(text) == "api_key":
            return QCoreApplication.translate("Setup", "This looks like an API key.")
        return QCoreApplication.translate(
            "Setup", "This looks like an IAM token. IAM tokens stop working after 12 hours at most; "
            "an API key does not.")
    if hint == HINT_INCOMPLETE:
        return QCoreApplication.translate(
            "Setup", "This looks shorter or longer than a key should be. Was it copied completely?")
    if hint == HINT_OAUTH:
        return QCoreApplication.translate(
            "Setup", "This looks like an OAuth token, which this app cannot use. "
            "Create an API key for a service account instead.")
    if hint == HINT_STATIC_KEY:
        return QCoreApplication.translate(
            "Setup", "This looks like a static access key (for Object Storage), not an API key. "
            "Create an API key for a service account instead.")
    return QCoreApplication.translate(
        "Setup", "This does not look like a Yandex Cloud API key (they start with AQVN) "
        "or IAM token (they start with t1.). You can still try it.")


# What copying from a web page or a chat may leave around an ID: quotes of any kind, invisible spaces.
_AROUND_ID = "\"'`\u00ab\u00bb\u201c\u201d\u201e\u2018\u2019\u201a\u2039\u203a"
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")  # zero-width characters


def clean_folder_id(text: str) -> str:
    """The folder ID as it will be saved: spaces, line breaks and quotes around it removed."""
    text = "".join(ch for ch in text if ch not in _INVISIBLE)
    previous = None
    while text != previous:
        previous = text
        text = normalize_folder_id(text).strip(_AROUND_ID)
    return text


def folder_problem_text(text: str) -> str:
    """Why this folder ID cannot be saved ("" when it can): the settings' own check, in plain words."""
    folder = clean_folder_id(text)
    if not any(p.startswith("folder_id:") for p in validate(Settings(folder_id=folder))):
        return ""
    if any(ch.isspace() for ch in folder):
        return QCoreApplication.translate("Setup", "The folder ID cannot contain spaces.")
    return QCoreApplication.translate(
        "Setup", "This folder ID cannot be used. Copy it again from the Yandex Cloud console.")


def check_failure_text(message: str, kind: str) -> str:
    """A failed connection check in words for the place where the key is typed.

    The API's own texts for a refused key or folder say "Open Settings"; the setup UI is that place.
    Other failures keep the API's message.
    """
    if kind == "auth":
        return QCoreApplication.translate(
            "Setup", "The key was not accepted. Check that you copied the whole key, "
            "and that it is an API key of a service account (or a fresh IAM token).")
    if kind == "permission":
        return QCoreApplication.translate(
            "Setup", "The key works, but it has no access to this folder. Check the folder ID, "
            "and that the service account has the role ai.languageModels.user in it.")
    return message


def folder_hint_text(text: str) -> str:
    """A note when the folder ID does not have the usual shape ("" when it does, or is empty)."""
    folder = clean_folder_id(text)
    if not folder or looks_like_folder_id(folder):
        return ""
    return QCoreApplication.translate(
        "Setup", "A folder ID is 20 lowercase letters and digits, usually starting with b1g. "
        "You can still try this one.")


def folder_note(text: str) -> tuple[int, str]:
    """(StatusLine state, sentence) for a typed folder ID: an error that blocks saving, a warning
    about an unusual shape, or nothing."""
    problem = folder_problem_text(text)
    if problem:
        return StatusLine.ERROR, problem
    hint = folder_hint_text(text)
    return (StatusLine.WARNING, hint) if hint else (StatusLine.NONE, "")


class _FormScroll(QScrollArea):
    """The dialog's form, scrollable when the screen is too small for it.

    QScrollArea's own size hint is capped at a few hundred pixels; this one asks for the whole form at
    the width `hint_width` (set by the dialog before it picks its size) plus `reserve` pixels for notes
    that appear later, so the dialog opens big enough and then keeps its size.
    """

    def __init__(self, content: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)
        self.hint_width = 0
        self.reserve = 0

    def content_height(self, width: int) -> int:
        content = self.widget()
        layout = content.layout() if content is not None else None
        if layout is None:
            return 0
        if width > 0 and layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

    def sizeHint(self) -> QSize:
        content = self.widget()
        width = content.sizeHint().width() if content is not None else 0
        return QSize(width, self.content_height(max(width, self.hint_width)) + self.reserve)


class SettingsDialog(QDialog):
    """Settings with a masked key field and a "Check connection" that never blocks the window.

    `focus_secret=True` opens it on the key field (the place to fix an expired or revoked key);
    `notice` is an optional sentence shown on top (for example "The key was not accepted. Paste a
    valid key and press Save.").

    The dialog opens at a size that fits the form and the screen, and keeps it: notes that appear
    later use room kept free for them below the form, and past that the form scrolls; Save and
    Cancel never move.
    """

    secrets_loaded = Signal()  # the saved keys were read from the keyring (or it failed)

    NOTE_RESERVE_LINES = 3  # room kept for notes that appear after the dialog has opened

    def __init__(self, settings: Settings, secrets: SecretStore, env_overrides: EnvOverrides | None,
                 make_client: MakeClient, parent: QWidget | None = None, *, focus_secret: bool = False,
                 notice: str = "", lang: str | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._secrets = secrets
        self._env = env_overrides or EnvOverrides()
        self._lang = lang or ui_language(settings.language)
        self._saved: dict[str, str | None] = {}
        self._focus_secret = False
        self._loading = True
        self._secret_edited = False
        self._result: SettingsResult | None = None
        self._sized = False
        # Fields whose errors are shown: the folder ID at once (a space is never right), the others
        # once the user has left the field or pressed Save (no error for a half-typed address).
        self._armed: set[str] = {"folder_id"}

        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("SettingsDialog")
        self._check = ConnectionCheck(make_client, self._lang, self)
        self._check.succeeded.connect(self._on_check_ok)
        self._check.failed.connect(self._on_check_failed)
        self._check.finished.connect(self._on_check_finished)

        self._build(notice)
        self._fill(settings)
        # Where the key is kept is said once the keyring has answered (that first call may block).
        self._load_saved_secrets()
        # The key field is enabled once the saved key has been read; it takes the focus then.
        self._focus_secret = focus_secret and not self._env.secret
        if not self._focus_secret:
            self.folder_edit.setFocus()

    # --- building --------------------------------------------------------------------------------

    def _build(self, notice: str) -> None:
        root = QVBoxLayout(self)
        root.setSpacing(10)

        self._build_notice(notice)
        root.addWidget(self.notice_frame)

        content = QWidget(self)
        content.setObjectName("SettingsForm")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        self._scroll = _FormScroll(content, self)
        root.addWidget(self._scroll, 1)

        def note(parent: QWidget) -> StatusLine:
            return StatusLine(parent, grow_window=False)

        # Account
        account = QGroupBox(self.tr("Yandex Cloud account"), content)
        form = QFormLayout(account)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.folder_edit = QLineEdit(account)
        self.folder_edit.setPlaceholderText("b1g…")
        self.folder_edit.setAccessibleName(self.tr("Folder ID"))
        self.folder_edit.textEdited.connect(self._on_folder_edited)
        self.folder_edit.editingFinished.connect(self._on_folder_finished)
        self.folder_note = note(account)
        form.addRow(self.tr("&Folder ID:"), self.folder_edit)
        form.addRow("", self.folder_note)

        self.kind_combo = QComboBox(account)
        self.kind_combo.addItem(self.tr("API key"), "api_key")
        self.kind_combo.addItem(self.tr("IAM token"), "iam_token")
        self.kind_combo.setAccessibleName(self.tr("Key type"))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        form.addRow(self.tr("Key &type:"), self.kind_combo)

        self.secret_edit = SecretField(account)
        self.secret_edit.edit.setAccessibleName(self.tr("API key or IAM token"))
        self.secret_edit.textEdited.connect(self._on_secret_edited)
        self.secret_label = QLabel(self.tr("&Key:"), account)
        self.secret_label.setBuddy(self.secret_edit.edit)
        form.addRow(self.secret_label, self.secret_edit)
        self.secret_note = note(account)
        form.addRow("", self.secret_note)
        self.storage_note = note(account)
        form.addRow("", self.storage_note)

        check_row = QHBoxLayout()
        # Alt+O: Alt+C is Cancel where the system puts shortcuts on the dialog's buttons (GNOME).
        self.check_button = QPushButton(self.tr("Check c&onnection"), account)
        self.check_button.setAccessibleName(self.tr("Check connection"))
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.start_check)
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        form.addRow("", check_row)
        self.check_status = note(account)
        form.addRow("", self.check_status)
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
        self.custom_model_edit.textEdited.connect(self._on_custom_model_edited)
        self.custom_model_edit.editingFinished.connect(lambda: self._arm("model"))
        self.custom_model_label = QLabel(self.tr("Model &URI:"), model_box)
        self.custom_model_label.setBuddy(self.custom_model_edit)
        form.addRow(self.custom_model_label, self.custom_model_edit)
        self.model_note = note(model_box)
        form.addRow("", self.model_note)

        self.temperature_spin = QDoubleSpinBox(model_box)
        self.temperature_spin.setRange(0.0, 1.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(2)
        self.temperature_spin.setAccessibleName(self.tr("Temperature"))
        self.temperature_spin.setToolTip(self.tr("Lower values give more focused answers, "
                                                 "higher values more varied ones."))
        form.addRow(self.tr("Tem&perature:"), self.temperature_spin)
        self.max_tokens_spin = QSpinBox(model_box)
        self.max_tokens_spin.setRange(1, MAX_TOKENS_LIMIT)
        self.max_tokens_spin.setSingleStep(100)
        self.max_tokens_spin.setAccessibleName(self.tr("Maximum reply length in tokens"))
        form.addRow(self.tr("Max reply &length (tokens):"), self.max_tokens_spin)
        # Short: a check box does not wrap, and the Russian text is longer.
        self.data_logging_check = QCheckBox(self.tr("Let &Yandex log my requests"), model_box)
        self.data_logging_check.setAccessibleName(self.tr("Let Yandex log my requests"))
        self.data_logging_check.setToolTip(self.tr("Yandex may keep the requests and use them to improve "
                                                   "its models. Off unless you turn it on."))
        form.addRow("", self.data_logging_check)
        self.api_base_edit = QLineEdit(model_box)
        self.api_base_edit.setAccessibleName(self.tr("API address"))
        self.api_base_edit.textEdited.connect(self._on_api_base_edited)
        self.api_base_edit.editingFinished.connect(lambda: self._arm("api_base"))
        form.addRow(self.tr("API &address:"), self.api_base_edit)
        self.api_base_note = note(model_box)
        form.addRow("", self.api_base_note)
        column.addWidget(model_box)

        # Appearance
        look = QGroupBox(self.tr("Appearance"), content)
        form = QFormLayout(look)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.language_combo = QComboBox(look)
        self.language_combo.addItem(self.tr("Same as the system"), "system")
        # Language names are written in their own language, so anyone can find theirs.
        self.language_combo.addItem("Русский", "ru")
        self.language_combo.addItem("English", "en")
        self.language_combo.setAccessibleName(self.tr("Language"))
        form.addRow(self.tr("La&nguage:"), self.language_combo)
        self.theme_combo = QComboBox(look)
        self.theme_combo.addItem(self.tr("Same as the system"), "system")
        self.theme_combo.addItem(self.tr("Light"), "light")
        self.theme_combo.addItem(self.tr("Dark"), "dark")
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        form.addRow(self.tr("T&heme:"), self.theme_combo)
        column.addWidget(look)

        self.form_error = note(content)  # only for a problem no field shows (a broken setting elsewhere)
        column.addWidget(self.form_error)
        column.addStretch(1)  # spare height goes below the groups, not between their rows

        align_label_columns([account, model_box, look])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        self.setMinimumWidth(600)  # Russian labels are longer than English ones

    def _build_notice(self, notice: str) -> None:
        """A tinted panel with a warning sign on top of everything, for the reason the dialog opened."""
        self.notice_frame = QFrame(self)
        self.notice_frame.setObjectName("SettingsNotice")
        # Translucent amber reads as a warning on light and dark backgrounds alike; the text keeps the
        # palette's color.
        self.notice_frame.setStyleSheet(
            "QFrame#SettingsNotice { background-color: rgba(255, 183, 0, 46); "
            "border: 1px solid rgba(204, 136, 0, 170); border-radius: 6px; }")
        row = QHBoxLayout(self.notice_frame)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(10)
        icon = QLabel(self.notice_frame)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.notice = QLabel(notice, self.notice_frame)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setAccessibleName(notice)
        font = self.notice.font()
        font.setBold(True)
        self.notice.setFont(font)
        row.addWidget(self.notice, 1)
        self.notice_frame.setVisible(bool(notice))

    def _fill(self, settings: Settings) -> None:
        if self._env.folder_id:
            self.folder_edit.setText(self._env.folder_id)
            self.folder_edit.setReadOnly(True)
            self.folder_note.set(StatusLine.INFO, self.tr("Set by the environment variable {0} for this run; "
                                                          "it is not saved.").format("YC_FOLDER_ID"))
        else:
            self.folder_edit.setText(settings.folder_id)

        kind = self._env.secret_kind or settings.auth_kind
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        if self._env.secret:
            self.kind_combo.setEnabled(False)
            self.secret_edit.setEnabled(False)
            self.secret_edit.edit.setPlaceholderText(self.tr("Set by an environment variable"))
        else:
            self.secret_edit.setEnabled(False)  # until the saved key has been read
            self.secret_edit.edit.setPlaceholderText(self.tr("Reading the saved key…"))
        self._refresh_secret_note()

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
        self.api_base_edit.setText(settings.api_base)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))

    # --- size ----------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        if not self._sized:  # once: later notes must not make the window jump
            self._sized = True
            self.resize(self.initial_size())
        super().showEvent(event)

    def initial_size(self) -> QSize:
        """The whole form plus room for a few lines of notes, but never taller than the screen."""
        root = self.layout()
        assert root is not None
        width = max(self.minimumWidth(), self.sizeHint().width())
        margins = root.contentsMargins()
        self._scroll.hint_width = width - margins.left() - margins.right()
        self._scroll.reserve = self.NOTE_RESERVE_LINES * self.fontMetrics().lineSpacing()
        self._scroll.updateGeometry()
        root.invalidate()
        height = (root.totalHeightForWidth(width) if root.hasHeightForWidth()
                  else root.totalSizeHint().height())
        screen = self.screen()
        if screen is not None:
            height = min(height, screen.availableGeometry().height() - TITLE_BAR_ALLOWANCE)
        return QSize(width, max(height, self.minimumSizeHint().height()))

    # --- the saved key -----------------------------------------------------------------------------

    def _load_saved_secrets(self) -> None:
        if self._env.secret:
            self._loading = False
            self.secrets_loaded.emit()
            return
        secrets = self._secrets
        self._loader = BackgroundCall(self)
        self._loader.done.connect(self._on_secrets_read)
        self._loader.error.connect(lambda _exc: self._on_secrets_read({}))
        self._loader.start(lambda: {kind: secrets.get_secret(kind) for kind in SECRET_KINDS})

    @Slot(object)
    def _on_secrets_read(self, saved: object) -> None:
        self._saved = dict(saved) if isinstance(saved, dict) else {}
        self._loading = False
        self.secret_edit.setEnabled(True)
        self.secret_edit.edit.setPlaceholderText(self.tr("Paste the API key or IAM token here"))
        if not self._secret_edited:
            self.secret_edit.setText(self._saved.get(self.current_kind()) or "")
        if self._focus_secret:
            self.secret_edit.edit.setFocus()
            self.secret_edit.edit.selectAll()
        self._refresh_storage_note()
        self.secrets_loaded.emit()

    def is_loading(self) -> bool:
        return self._loading

    # --- reactions ---------------------------------------------------------------------------------

    def current_kind(self) -> SecretKind:
        data = self.kind_combo.currentData()
        return "iam_token" if data == "iam_token" else "api_key"

    def _on_folder_edited(self, _text: str) -> None:
        self._refresh_folder_note()
        self._inputs_changed()

    def _on_folder_finished(self) -> None:
        """Show what will be saved: quotes and spaces around a pasted ID go away."""
        if self._env.folder_id:
            return
        text = self.folder_edit.text()
        cleaned = clean_folder_id(text)
        if cleaned != text and not folder_problem_text(text):
            self.folder_edit.setText(cleaned)

    def _on_secret_edited(self, text: str) -> None:
        self._secret_edited = True
        detected = classify_secret(text)
        if detected is not None and detected != self.current_kind():
            self.kind_combo.blockSignals(True)  # the typed key stays; only the label follows it
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(detected))
            self.kind_combo.blockSignals(False)
        self._refresh_secret_note()
        self._inputs_changed()

    def _on_kind_changed(self) -> None:
        if not self._secret_edited and not self._loading and not self._env.secret:
            self.secret_edit.setText(self._saved.get(self.current_kind()) or "")
        self._refresh_secret_note()
        self._inputs_changed()

    def _on_model_changed(self) -> None:
        custom = self.model_combo.currentData() is None
        self.custom_model_edit.setVisible(custom)
        self.custom_model_label.setVisible(custom)
        self._refresh_field_notes()
        self._inputs_changed()

    def _on_custom_model_edited(self, _text: str) -> None:
        self._refresh_field_notes()
        self._inputs_changed()

    def _on_api_base_edited(self, _text: str) -> None:
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

    def _refresh_folder_note(self) -> None:
        if not self._env.folder_id:  # an environment variable's folder is read-only; its note stays
            self.folder_note.set(*folder_note(self.folder_edit.text()))

    def _refresh_field_notes(self) -> None:
        """Each field's error under it, updated as the user types and gone once the value is fixed."""
        problems = self._problem_fields()
        model_shown = "model" in problems and "model" in self._armed and self.model_combo.currentData() is None
        self.model_note.set(StatusLine.ERROR if model_shown else StatusLine.NONE,
                            self.tr("Enter a model URI that starts with gpt:// or ds://.") if model_shown else "")
        api_shown = "api_base" in problems and "api_base" in self._armed
        self.api_base_note.set(StatusLine.ERROR if api_shown else StatusLine.NONE,
                               self._api_base_problem_text() if api_shown else "")

    def _api_base_problem_text(self) -> str:
        if not self.api_base_edit.text().strip().lower().startswith(("https://", "http://")):
            return self.tr("The API address must start with https://.")
        return self.tr("The API address is not valid. The usual one is {0}").format(DEFAULT_API_BASE)

    def _problem_fields(self) -> list[str]:
        return [problem.split(":", 1)[0] for problem in validate(self.collect().settings)]

    def _refresh_secret_note(self) -> None:
        if self._env.secret_variable:
            text = self.tr("Set by the environment variable {0} for this run; "
                           "it is not saved.").format(self._env.secret_variable)
            self.secret_note.set(StatusLine.INFO, text)
            return
        text = hint_text(self.secret_edit.text()) if self._secret_edited else ""
        ok = secret_hint(self.secret_edit.text()) == HINT_OK
        self.secret_note.set(StatusLine.INFO if ok else StatusLine.WARNING, text)

    def _refresh_storage_note(self) -> None:
        if self._env.secret:
            self.storage_note.set(StatusLine.NONE, "")
        else:
            self.storage_note.set(*storage_text(self._secrets))

    # --- check connection --------------------------------------------------------------------------

    def _folder(self) -> str:
        return self._env.folder_id or clean_folder_id(self.folder_edit.text())

    def _secret(self) -> str:
        return self._env.secret or normalize_secret(self.secret_edit.text())

    def _model(self) -> str:
        key = self.model_combo.currentData()
        return key if key is not None else self.custom_model_edit.text().strip()

    @Slot()
    def start_check(self) -> None:
        folder, secret = self._folder(), self._secret()
        if not folder:
            self.check_status.set(StatusLine.ERROR, self.tr("Enter the folder ID first."))
            return
        problem = "" if self._env.folder_id else folder_problem_text(folder)
        if problem:
            self.check_status.set(StatusLine.ERROR, problem)
            return
        if not secret:
            self.check_status.set(StatusLine.ERROR, self.tr("Paste the API key or IAM token first."))
            return
        kind = self._env.secret_kind or self.current_kind()
        try:
            uri = model_uri(folder, self._model())
        except ValueError:
            self.check_status.set(StatusLine.ERROR, self.tr("Choose a model, or enter a model URI "
                                                            "that starts with gpt:// or ds://."))
            return
        self.check_button.setEnabled(False)
        self.check_status.set(StatusLine.BUSY, self.tr("Checking the connection…"))
        self._check.start(Credentials(kind=kind, secret=secret, folder_id=folder),
                          self.api_base_edit.text().strip(), uri)

    @Slot()
    def _on_check_ok(self) -> None:
        self.check_status.set(StatusLine.OK, self.tr("Connected. The key and the folder ID work."))
        self.notice_frame.hide()  # whatever brought the user here is fixed now

    @Slot(str, str)
    def _on_check_failed(self, message: str, kind: str) -> None:
        # Nothing here may send the user to "Settings": they are in it.
        if kind == "network":
            message = self.tr("Could not connect to Yandex Cloud. Check your internet connection "
                              "and the API address below, then try again.")
        elif kind == "bad_request":
            message = self.tr("Yandex Cloud rejected the request. Check the model, the temperature "
                              "and the reply length below, then try again.")
        self.check_status.set(StatusLine.ERROR, check_failure_text(message, kind))

    @Slot()
    def _on_check_finished(self) -> None:
        self.check_button.setEnabled(True)

    def check_connection_running(self) -> bool:
        return self._check.is_running()

    # --- result ------------------------------------------------------------------------------------

    def collect(self) -> SettingsResult:
        """The settings and secret as they are in the form now (not validated)."""
        base = self._settings
        folder = base.folder_id if self._env.folder_id else clean_folder_id(self.folder_edit.text())
        # An auth kind forced by the environment is not saved either.
        kind = base.auth_kind if self._env.secret else self.current_kind()
        new = dataclasses.replace(
            base, folder_id=folder, auth_kind=kind, model=self._model(),
            temperature=round(self.temperature_spin.value(), 2), max_tokens=self.max_tokens_spin.value(),
            data_logging=self.data_logging_check.isChecked(), api_base=self.api_base_edit.text().strip(),
            language=self.language_combo.currentData(), theme=self.theme_combo.currentData())
        secret: str | None = None
        if not self._env.secret and not self._loading:
            typed = normalize_secret(self.secret_edit.text())
            if typed != (self._saved.get(kind) or ""):
                secret = typed
        return SettingsResult(settings=new, secret=secret)

    def settings_result(self) -> SettingsResult:
        """The accepted settings and secret (after exec() returned Accepted)."""
        if self._result is None:
            raise RuntimeError("the dialog was not accepted")
        return self._result

    def accept(self) -> None:
        result = self.collect()
        problems = [problem.split(":", 1)[0] for problem in validate(result.settings)]
        if problems:
            self._armed.update(problems)
            self._refresh_folder_note()
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
        # A check still running finishes on its own; its result is no longer wanted.
        self._check.abandon()
        loader = getattr(self, "_loader", None)
        if loader is not None:
            loader.abandon()
        super().done(code)


def align_label_columns(groups: list[QGroupBox]) -> None:
    """Give the forms in these group boxes one label column width, so their fields line up."""
    labels: list[QWidget] = []
    for group in groups:
        form = group.layout()
        if isinstance(form, QFormLayout):
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    labels.append(widget)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


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
