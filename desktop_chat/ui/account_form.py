"""The account form, one widget for the settings dialog and the first-run guide.

Folder ID and an API key on top (the main path: AI Studio's one-step "Create API key"); an IAM
token, an OAuth token from Yandex ID and the API address under a collapsed "Advanced" section.
Each field is checked as it is typed, with a plain note under it; the notes keep their room, so the
fields below them never jump. Secrets are masked with a Show toggle and never logged.

The form writes nothing. `SecretStore` reads run on a worker thread (they may block on an unlock
prompt); the saved secrets fill in when they arrive (`secrets_loaded`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from desktop_chat.api.models import DEFAULT_API_BASE
from desktop_chat.secrets import IAM_EXPIRY_STATE, SECRET_KINDS, EnvOverrides, SecretStore, SignIn, sign_in_of
from desktop_chat.settings import (
    HINT_OAUTH,
    HINT_OK,
    Settings,
    classify_secret,
    looks_like_folder_id,
    normalize_secret,
    secret_hint,
    validate,
)
from desktop_chat.ui.setup_parts import (  # noqa: F401  (re-exported: the names callers know)
    TITLE_BAR_ALLOWANCE,
    SecretField,
    StatusLine,
    check_failure_text,
    clean_folder_id,
    expiry_text,
    folder_hint_text,
    folder_note,
    folder_problem_text,
    grow_to_fit_later,
    hint_text,
    storage_text,
)


class AccountForm(QWidget):
    """Folder ID + how to sign in, with live checks. See the module's docstring.

    `changed()` after every edit; `secrets_loaded()` once the saved secrets were read (or at once when
    `load_saved` is False, as in the first-run guide).
    """

    changed = Signal()
    secrets_loaded = Signal()
    NOTE_LINES = 2  # room kept under each field for its note

    def __init__(self, settings: Settings, secrets: SecretStore, env: EnvOverrides | None = None,
                 parent: QWidget | None = None, *, load_saved: bool = True, clock: Callable[[], float] = time.time,
                 grow_window: bool = False) -> None:
        super().__init__(parent)
        self._settings = settings
        self._secrets = secrets
        self._env = env or EnvOverrides()
        self._clock = clock
        self._saved: dict[str, str | None] = {}
        self._loading = load_saved and not self._env.secret
        self._secret_edited = False
        self._loader: object = None
        self._keyring_answered = False  # the saved secrets were read: the storage is known to work
        expiry = settings.ui_state.get(IAM_EXPIRY_STATE)
        self._saved_expiry = float(expiry) if isinstance(expiry, int | float) else None
        self._armed: set[str] = set()  # fields whose error shows before Save: after leaving them

        def note() -> StatusLine:
            return StatusLine(self, grow_window=grow_window, reserve_lines=self.NOTE_LINES)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form = form
        column.addLayout(form)

        self.folder_edit = QLineEdit(self)
        self.folder_edit.setPlaceholderText("b1g…")
        self.folder_edit.setAccessibleName(self.tr("Folder ID"))
        self.folder_edit.textChanged.connect(self._on_folder_changed)
        self.folder_edit.editingFinished.connect(self._on_folder_finished)
        self.folder_label = QLabel(self.tr("&Folder ID:"), self)
        self.folder_label.setBuddy(self.folder_edit)
        form.addRow(self.folder_label, self.folder_edit)
        self.folder_note = note()
        form.addRow("", self.folder_note)

        self.secret_edit = SecretField(self)
        self.secret_edit.textEdited.connect(self._on_secret_edited)
        self.secret_label = QLabel(self)
        self.secret_label.setBuddy(self.secret_edit.edit)
        form.addRow(self.secret_label, self.secret_edit)
        self.secret_note = note()
        form.addRow("", self.secret_note)
        self.storage_note = StatusLine(self, grow_window=grow_window)
        form.addRow("", self.storage_note)

        self.advanced_toggle = QToolButton(self)
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.setText(self.tr("A&dvanced: IAM token, OAuth, API address"))
        self.advanced_toggle.setAccessibleName(self.tr("Advanced sign-in settings"))
        self.advanced_toggle.toggled.connect(self._on_advanced_toggled)
        self.toggle_row = QHBoxLayout()  # the settings dialog puts "Check connection" at its end
        self.toggle_row.addWidget(self.advanced_toggle)
        self.toggle_row.addStretch(1)
        column.addLayout(self.toggle_row)

        self.advanced = QWidget(self)
        advanced_form = QFormLayout(self.advanced)
        advanced_form.setContentsMargins(0, 0, 0, 0)
        advanced_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.advanced_form = advanced_form
        self.kind_combo = QComboBox(self.advanced)
        self.kind_combo.addItem(self.tr("API key (recommended)"), "api_key")
        self.kind_combo.addItem(self.tr("IAM token (works up to 12 hours)"), "iam_token")
        self.kind_combo.addItem(self.tr("OAuth token from Yandex ID (renewed by itself)"), "oauth_token")
        self.kind_combo.setAccessibleName(self.tr("Sign in with"))
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        kind_label = QLabel(self.tr("Sign in &with:"), self.advanced)
        kind_label.setBuddy(self.kind_combo)
        advanced_form.addRow(kind_label, self.kind_combo)
        self.api_base_edit = QLineEdit(self.advanced)
        self.api_base_edit.setAccessibleName(self.tr("API address"))
        self.api_base_edit.setPlaceholderText(DEFAULT_API_BASE)
        self.api_base_edit.textEdited.connect(self._on_api_base_edited)
        self.api_base_edit.editingFinished.connect(self._arm_api_base)
        api_label = QLabel(self.tr("API &address:"), self.advanced)
        api_label.setBuddy(self.api_base_edit)
        advanced_form.addRow(api_label, self.api_base_edit)
        self.api_base_note = StatusLine(self.advanced, grow_window=grow_window, reserve_lines=1)
        advanced_form.addRow("", self.api_base_note)
        column.addWidget(self.advanced)

        self._fill(settings)
        # Open on what the person uses: anything but an API key at the usual address is "advanced".
        self.advanced_toggle.setChecked(self.sign_in() != "api_key" or self.api_base() != DEFAULT_API_BASE)
        self._on_advanced_toggled(self.advanced_toggle.isChecked())
        if self._loading:
            self._load_saved()
        else:
            self._refresh_storage_note()
            QTimer.singleShot(0, self, self.secrets_loaded.emit)

    # --- filling in ------------------------------------------------------------------------------

    def _fill(self, settings: Settings) -> None:
        env = self._env
        if env.folder_id:
            self.folder_edit.setText(env.folder_id)
            self.folder_edit.setReadOnly(True)
        else:
            self.folder_edit.setText(settings.folder_id)
        kind: SignIn = env.secret_kind or sign_in_of(settings)
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.kind_combo.blockSignals(False)
        if env.secret:
            self.kind_combo.setEnabled(False)
            self.secret_edit.setEnabled(False)
            self.secret_edit.edit.setPlaceholderText(self.tr("Set by an environment variable"))
        elif self._loading:
            self.secret_edit.setEnabled(False)  # until the saved key has been read
            self.secret_edit.edit.setPlaceholderText(self.tr("Reading the saved key…"))
        self.api_base_edit.setText(settings.api_base)
        self._update_secret_label()
        self._refresh_folder_note()
        self._refresh_secret_note()

    def _load_saved(self) -> None:
        from desktop_chat.ui.connection_check import BackgroundCall

        secrets = self._secrets
        loader = BackgroundCall(self)
        self._loader = loader
        loader.done.connect(self._on_secrets_read)
        loader.error.connect(lambda _exc: self._on_secrets_read({}))
        loader.start(lambda: {kind: secrets.get_secret(kind) for kind in SECRET_KINDS})

    @Slot(object)
    def _on_secrets_read(self, saved: object) -> None:
        self._saved = dict(saved) if isinstance(saved, dict) else {}
        self._loading = False
        self.secret_edit.setEnabled(True)
        self._update_secret_label()
        if not self._secret_edited:
            self.secret_edit.setText(self._saved.get(self.sign_in()) or "")
        self._keyring_answered = True
        self._refresh_storage_note()
        self._refresh_secret_note()
        self.secrets_loaded.emit()

    def abandon(self) -> None:
        """Drop a keyring read still running (the dialog is closing)."""
        loader = self._loader
        if loader is not None:
            loader.abandon()  # type: ignore[attr-defined]

    def wait_loaded(self, msecs: int = 5000) -> None:
        loader = self._loader
        if loader is not None:
            loader.wait(msecs)  # type: ignore[attr-defined]

    def is_loading(self) -> bool:
        return self._loading

    # --- values ----------------------------------------------------------------------------------

    def sign_in(self) -> SignIn:
        data = self.kind_combo.currentData()
        return data if data in ("api_key", "iam_token", "oauth_token") else "api_key"

    def folder_id(self) -> str:
        return self._env.folder_id or clean_folder_id(self.folder_edit.text())

    def secret(self) -> str:
        return self._env.secret or normalize_secret(self.secret_edit.text())

    def api_base(self) -> str:
        return self.api_base_edit.text().strip()

    def saved_secret(self, kind: str) -> str:
        return self._saved.get(kind) or ""

    def secret_change(self) -> str | None:
        """The secret to store for sign_in(): None = unchanged (or from the environment), "" = delete."""
        if self._env.secret or self._loading:
            return None
        typed = normalize_secret(self.secret_edit.text())
        return None if typed == self.saved_secret(self.sign_in()) else typed

    def iam_expires_at(self) -> float | None:
        """The expiry we know for the IAM token in the field: the saved one, or 12 h from now for a new one."""
        if self.sign_in() != "iam_token" or not self.secret():
            return None
        if self.secret_change() is None and self._saved_expiry is not None:
            return self._saved_expiry
        from desktop_chat.api.iam import IAM_TOKEN_LIFETIME

        return self._clock() + IAM_TOKEN_LIFETIME

    def folder_problem(self) -> str:
        return "" if self._env.folder_id else folder_problem_text(self.folder_edit.text())

    def api_base_problem(self) -> bool:
        return any(p.startswith("api_base:") for p in validate(Settings(api_base=self.api_base())))

    def is_complete(self) -> bool:
        """Enough to go on: a folder ID the settings can save, a secret, a usable API address."""
        return bool(self.folder_id() and self.secret()) and not self.folder_problem() and not self.api_base_problem()

    # --- reactions -------------------------------------------------------------------------------

    def _on_folder_changed(self, text: str) -> None:
        if self._is_secret(text) and self.secret_edit.isEnabled() and not self._env.folder_id:
            # A key pasted into the wrong field: hide it at once and put it where it belongs.
            self.folder_edit.blockSignals(True)
            self.folder_edit.clear()
            self.folder_edit.blockSignals(False)
            self.secret_edit.setText(normalize_secret(text))
            self._on_secret_edited(self.secret_edit.text())
            self.folder_note.set(StatusLine.INFO, self.tr("That was a key, not a folder ID: it is now in the "
                                                          "key field, hidden."))
            self.changed.emit()
            return
        self._refresh_folder_note()
        self.changed.emit()

    @staticmethod
    def _is_secret(text: str) -> bool:
        plain = normalize_secret(text)
        return len(plain) > 30 and (classify_secret(plain) is not None or secret_hint(plain) == HINT_OAUTH)

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
        if looks_like_folder_id(text) and not self.folder_id() and not self._env.folder_id:
            # The folder ID pasted into the key field: move it to its own field.
            self.secret_edit.setText("")
            self.folder_edit.setText(clean_folder_id(text))
            self.folder_note.set(StatusLine.INFO, self.tr("That was the folder ID: it is now in its own field."))
            text = ""
        detected: SignIn | None = classify_secret(text)
        if detected is None and secret_hint(text) == HINT_OAUTH:
            detected = "oauth_token"
        if detected is not None and detected != self.sign_in():
            self.kind_combo.blockSignals(True)  # the typed key stays; only the choice follows it
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(detected))
            self.kind_combo.blockSignals(False)
            self._update_secret_label()
        self._refresh_secret_note()
        self.changed.emit()

    def _on_kind_changed(self) -> None:
        if not self._secret_edited and not self._loading and not self._env.secret:
            self.secret_edit.setText(self.saved_secret(self.sign_in()))
        self._update_secret_label()
        self._refresh_secret_note()
        self.changed.emit()

    def _on_api_base_edited(self, _text: str) -> None:
        self.refresh_api_base_note()
        self.changed.emit()

    def _arm_api_base(self) -> None:
        self._armed.add("api_base")
        self.refresh_api_base_note()

    def _on_advanced_toggled(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def show_errors(self, fields: list[str]) -> None:
        """After Save: show the errors of these fields at once (the advanced section opens for them)."""
        self._armed.update(fields)
        if "api_base" in fields:
            self.advanced_toggle.setChecked(True)
        self._refresh_folder_note()
        self.refresh_api_base_note()

    # --- notes -----------------------------------------------------------------------------------

    def _update_secret_label(self) -> None:
        labels = {"api_key": self.tr("API &key:"), "iam_token": self.tr("IAM &token:"),
                  "oauth_token": self.tr("OAuth &token:")}
        names = {"api_key": self.tr("API key"), "iam_token": self.tr("IAM token"),
                 "oauth_token": self.tr("OAuth token")}
        kind = self.sign_in()
        self.secret_label.setText(labels[kind])
        self.secret_edit.edit.setAccessibleName(names[kind])
        if not self._loading and not self._env.secret:
            placeholders = {"api_key": self.tr("AQVN… — paste the key from AI Studio"),
                            "iam_token": self.tr("t1.… — an IAM token"),
                            "oauth_token": self.tr("y0_… — an OAuth token from Yandex ID")}
            self.secret_edit.edit.setPlaceholderText(placeholders[kind])

    def _refresh_folder_note(self) -> None:
        if self._env.folder_id:
            self.folder_note.set(StatusLine.INFO, self.tr("Set by the environment variable {0} for this run; "
                                                          "it is not saved.").format("YC_FOLDER_ID"))
        else:
            self.folder_note.set(*folder_note(self.folder_edit.text()))

    def _refresh_secret_note(self) -> None:
        if self._env.secret_variable:
            self.secret_note.set(StatusLine.INFO, self.tr("Set by the environment variable {0} for this run; "
                                                          "it is not saved.").format(self._env.secret_variable))
            return
        text = self.secret_edit.text()
        ok = secret_hint(text) in (HINT_OK, HINT_OAUTH)
        expires = self.iam_expires_at() if not self._loading else None
        if expires is not None and (ok or not self._secret_edited):  # an IAM token: say until when it works
            self.secret_note.set(*expiry_text(expires, self._clock()))
            return
        note = hint_text(text) if self._secret_edited else ""
        self.secret_note.set(StatusLine.INFO if ok else StatusLine.WARNING, note)

    def _refresh_storage_note(self) -> None:
        if self._env.secret:
            self.storage_note.set(StatusLine.NONE, "")
        elif self._secrets.problem_kind or self._keyring_answered:  # no promise before the storage answered
            self.storage_note.set(*storage_text(self._secrets))
        else:
            self.storage_note.set(StatusLine.NONE, "")

    def refresh_api_base_note(self) -> None:
        shown = self.api_base_problem() and "api_base" in self._armed
        self.api_base_note.set(StatusLine.ERROR if shown else StatusLine.NONE,
                               self._api_base_problem_text() if shown else "")

    def _api_base_problem_text(self) -> str:
        if not self.api_base().lower().startswith(("https://", "http://")):
            return self.tr("The API address must start with https://.")
        return self.tr("The API address is not valid. The usual one is {0}").format(DEFAULT_API_BASE)
