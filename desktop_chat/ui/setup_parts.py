"""Pieces the setup UI shares: the status line under a field, the masked secret field, the scrolling
form of the settings dialog, and the plain-words sentences about keys, folders and the password storage.

Sentences shared by several widgets use one fixed translation context, "Setup" (self.tr() would take
the calling class's name, which lupdate cannot know for a module-level function).
"""

from __future__ import annotations

import time
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QDateTime, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from desktop_chat.secrets import PROBLEM_LOCKED, PROBLEM_NO_KEYRING, SecretStore
from desktop_chat.settings import (
    HINT_INCOMPLETE,
    HINT_OAUTH,
    HINT_OK,
    HINT_STATIC_KEY,
    Settings,
    classify_secret,
    looks_like_folder_id,
    normalize_folder_id,
    normalize_secret,
    secret_hint,
    validate,
)

TITLE_BAR_ALLOWANCE = 40  # px a window frame adds above a dialog's own height, roughly


class StatusLine(QLabel):
    """A wrapped sentence with a sign in front: "Checking…", "✔ Connected", "⚠ …", "✖ …".

    `reserve_lines` > 0 keeps that many lines of room even when empty, so a note appearing under a
    field never pushes the fields below it (the layout stays put while a person types).
    """

    NONE, BUSY, OK, WARNING, ERROR, INFO = range(6)
    _SIGNS: ClassVar[dict[int, str]] = {
        OK: "\u2714\u2002", WARNING: "\u26a0\u2002", ERROR: "\u2716\u2002", INFO: "\u2139\u2002"}

    def __init__(self, parent: QWidget | None = None, *, grow_window: bool = True, reserve_lines: int = 0) -> None:
        super().__init__(parent)
        self._grow_window = grow_window  # False where the window keeps its size (a scroll area)
        self._reserve = reserve_lines
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = self.NONE
        self.message = ""
        self.set(self.NONE, "")

    def _reserved(self) -> int:
        return self._reserve * self.fontMetrics().lineSpacing() if self._reserve else 0

    # QFormLayout sizes a row by the label's sizeHint, which QLabel computes for a narrow made-up width;
    # the hints below use the width the label really has.
    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        height = self.heightForWidth(self.width()) if self.width() > hint.width() else hint.height()
        if not self.message:
            height = 0
        return QSize(hint.width(), max(height, self._reserved()))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(hint.width(), min(hint.height(), self.sizeHint().height()))

    def heightForWidth(self, width: int) -> int:
        return max(super().heightForWidth(width) if self.message else 0, self._reserved())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()

    def set(self, state: int, text: str) -> None:
        self.state = state
        self.message = text
        self.setText(self._SIGNS.get(state, "") + text if text else "")
        self.setAccessibleName(text)  # the sign is decoration; screen readers get the sentence
        self.setVisible(bool(text) or self._reserve > 0)
        self.updateGeometry()
        if self._grow_window:
            grow_to_fit_later(self)


def grow_to_fit_later(widget: QWidget) -> None:
    """After the layout settles, make the window tall enough for wrapped text that just changed."""
    def grow() -> None:
        window = widget.window()
        layout = window.layout()
        if layout is None or not layout.hasHeightForWidth() or not window.isVisible():
            return
        needed = layout.totalHeightForWidth(window.width())
        screen = window.screen()
        if screen is not None:
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
        hint = Qt.InputMethodHint  # never offered for autocompletion, never through an input method
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


def storage_text(secrets: SecretStore) -> tuple[int, str]:
    """(StatusLine state, sentence) about where the key will be kept: no promise the system cannot keep."""
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
            "Setup", "This looks like an IAM token. It stops working after 12 hours at most; an API key does not.")
    if hint == HINT_INCOMPLETE:
        return QCoreApplication.translate(
            "Setup", "This looks shorter or longer than a key should be. Was it copied completely?")
    if hint == HINT_OAUTH:
        return QCoreApplication.translate(
            "Setup", "This looks like an OAuth token from Yandex ID. Desktop Chat will get IAM tokens "
            "with it and renew them by itself.")
    if hint == HINT_STATIC_KEY:
        return QCoreApplication.translate(
            "Setup", "This looks like a static access key (for Object Storage), not an API key. "
            "Create an API key in AI Studio instead.")
    return QCoreApplication.translate(
        "Setup", "This does not look like an API key (they start with AQVN). You can still try it.")


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
        "Setup", "This folder ID cannot be used. Copy it again from AI Studio.")


def folder_hint_text(text: str) -> str:
    """A note when the folder ID does not have the usual shape ("" when it does, or is empty)."""
    folder = clean_folder_id(text)
    if not folder or looks_like_folder_id(folder):
        return ""
    return QCoreApplication.translate(
        "Setup", "A folder ID is 20 lowercase letters and digits, usually starting with b1g. "
        "You can still try this one.")


def folder_note(text: str) -> tuple[int, str]:
    """(StatusLine state, sentence) for a typed folder ID: a blocking error, a warning, or nothing."""
    problem = folder_problem_text(text)
    if problem:
        return StatusLine.ERROR, problem
    hint = folder_hint_text(text)
    return (StatusLine.WARNING, hint) if hint else (StatusLine.NONE, "")


def check_failure_text(message: str, kind: str) -> str:
    """A failed connection check in words for the place where the key is typed."""
    if kind == "auth":
        return QCoreApplication.translate(
            "Setup", "The key was not accepted. Check that you copied the whole key. An API key made "
            "in AI Studio with “Create API key” works; an IAM token works for 12 hours at most.")
    if kind == "permission":
        return QCoreApplication.translate(
            "Setup", "The key works, but it has no access to this folder. Check the folder ID, that "
            "the key was made in the same folder, and that a billing account is linked to the cloud.")
    if kind == "oauth_revoked":
        return QCoreApplication.translate(
            "Setup", "Yandex ID did not accept the OAuth token: it was revoked, has expired or was not "
            "copied completely. Get a new one.")
    if kind == "iam_expired":
        return QCoreApplication.translate(
            "Setup", "The IAM token has expired. Paste a new one, or use an API key, which does not expire.")
    return message


def expiry_text(expires_at: float, now: float | None = None) -> tuple[int, str]:
    """(state, sentence) about when a pasted IAM token stops working."""
    now = time.time() if now is None else now
    when = QDateTime.fromSecsSinceEpoch(int(expires_at)).toString("HH:mm")
    left = expires_at - now
    if left <= 0:
        return StatusLine.ERROR, QCoreApplication.translate(
            "Setup", "This IAM token has expired. Paste a new one.")
    if left < 3600:
        return StatusLine.WARNING, QCoreApplication.translate(
            "Setup", "This IAM token stops working at {0}, in less than an hour.").format(when)
    return StatusLine.INFO, QCoreApplication.translate(
        "Setup", "This IAM token works until {0} at the latest.").format(when)


class FormScroll(QScrollArea):
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

    def dialog_size(self, dialog: QWidget, reserve_lines: int) -> QSize:
        """The dialog's opening size: the whole form plus `reserve_lines` of room, never taller than the screen."""
        root = dialog.layout()
        assert root is not None
        width = max(dialog.minimumWidth(), dialog.sizeHint().width())
        margins = root.contentsMargins()
        self.hint_width = width - margins.left() - margins.right()
        self.reserve = reserve_lines * dialog.fontMetrics().lineSpacing()
        self.updateGeometry()
        root.invalidate()
        height = root.totalHeightForWidth(width) if root.hasHeightForWidth() else root.totalSizeHint().height()
        return QSize(width, max(_fit_screen(dialog, height), dialog.minimumSizeHint().height()))

    def grow_once(self, dialog: QWidget) -> None:
        """Right after opening, once the real widths are known: grow the dialog to show the whole form."""
        content = self.widget()
        layout = content.layout() if content is not None else None
        if layout is None or not layout.hasHeightForWidth():
            return
        missing = layout.totalHeightForWidth(self.viewport().width()) - self.viewport().height()
        height = _fit_screen(dialog, dialog.height() + missing + self.reserve)
        if missing > 0 and height > dialog.height():
            dialog.resize(dialog.width(), height)


def _fit_screen(window: QWidget, height: int) -> int:
    screen = window.screen()
    if screen is None:  # never past the bottom of the screen (leave room for the title bar)
        return height
    return min(height, screen.availableGeometry().height() - TITLE_BAR_ALLOWANCE)


def align_label_columns(forms: list[object]) -> None:
    """Give these form layouts one label column width, so their fields line up."""
    labels: list[QWidget] = []
    for form in forms:
        if isinstance(form, QFormLayout):
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    labels.append(widget)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def notice_panel(parent: QWidget, notice: str) -> tuple[QFrame, QLabel]:
    """A tinted panel with a warning sign, for the reason a dialog opened (hidden when there is none)."""
    frame = QFrame(parent)
    frame.setObjectName("SettingsNotice")
    # Translucent amber reads as a warning on light and dark backgrounds alike; the text keeps the palette's color.
    frame.setStyleSheet("QFrame#SettingsNotice { background-color: rgba(255, 183, 0, 46); "
                        "border: 1px solid rgba(204, 136, 0, 170); border-radius: 6px; }")
    row = QHBoxLayout(frame)
    row.setContentsMargins(10, 8, 10, 8)
    row.setSpacing(10)
    icon = QLabel(frame)
    style = parent.style()
    size = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, parent)
    icon.setPixmap(style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
    row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    label = QLabel(notice, frame)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(notice)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    row.addWidget(label, 1)
    frame.setVisible(bool(notice))
    return frame, label
