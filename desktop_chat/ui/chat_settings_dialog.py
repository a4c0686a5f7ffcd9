"""One chat's own settings: system prompt, model, temperature and reply length.

The temperature takes «0,7» and «0.7» alike and is shown in the UI language's number format
(`lang`: "ru"/"en"; by default the parent window's `services.language`).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.api.models import MODELS
from desktop_chat.chat.conversation import Defaults
from desktop_chat.store import ChatSettings
from desktop_chat.ui.number_input import DecimalSpinBox, format_number


def _language_of(parent: QWidget | None) -> str:
    services = getattr(parent, "services", None)
    lang = getattr(services, "language", "en")
    return lang if lang in ("ru", "en") else "en"


class ChatSettingsDialog(QDialog):
    def __init__(self, settings: ChatSettings, defaults: Defaults, parent: QWidget | None = None, *,
                 lang: str | None = None) -> None:
        super().__init__(parent)
        lang = lang or _language_of(parent)
        self.setObjectName("chatSettingsDialog")
        self.setWindowTitle(self.tr("Chat settings"))
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setPlainText(settings.system_prompt)
        self.system_prompt.setPlaceholderText(self.tr("For example: You are a helpful assistant. Answer briefly."))
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setTabChangesFocus(True)

        self.model = QComboBox(self)
        self.model.setAccessibleName(self.tr("Model"))
        default_title = MODELS[defaults.model].title if defaults.model in MODELS else defaults.model
        self.model.addItem(self.tr("App default (%s)") % default_title, "")
        for key, info in MODELS.items():
            self.model.addItem(info.title, key)
        if settings.model and self.model.findData(settings.model) < 0:
            self.model.addItem(settings.model, settings.model)  # a custom model URI
        self.model.setCurrentIndex(max(0, self.model.findData(settings.model)))

        # The lowest value of each box means "use the app default" (Qt's special value text).
        self.temperature = DecimalSpinBox(lang, self)
        self.temperature.setRange(-0.05, 1.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setDecimals(2)
        self.temperature.setSpecialValueText(self.tr("App default (%s)") % format_number(defaults.temperature, lang))
        self.temperature.setValue(-0.05 if settings.temperature is None else settings.temperature)
        self.temperature.setAccessibleName(self.tr("Temperature"))
        self.temperature.setToolTip(self.tr("Lower is more focused, higher is more varied."))
        self.temperature_note = QLabel(self)  # what was corrected in a typed value, if anything
        self.temperature_note.setWordWrap(True)
        self.temperature_note.hide()
        self.temperature.corrected.connect(self._on_corrected)
        self.temperature.lineEdit().textEdited.connect(lambda _t: self.temperature_note.hide())
        self.max_tokens = QSpinBox(self)
        self.max_tokens.setRange(0, 32000)
        self.max_tokens.setSingleStep(500)
        self.max_tokens.setSpecialValueText(self.tr("App default (%s)") % defaults.max_tokens)
        self.max_tokens.setValue(settings.max_tokens or 0)
        self.max_tokens.setAccessibleName(self.tr("Longest reply, in tokens"))

        form = QFormLayout()
        form.addRow(self.tr("System prompt:"), self.system_prompt)
        form.addRow(self.tr("Model:"), self.model)
        form.addRow(self.tr("Temperature:"), self.temperature)
        form.addRow("", self.temperature_note)
        form.addRow(self.tr("Longest reply (tokens):"), self.max_tokens)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def _on_corrected(self, sentence: str) -> None:
        self.temperature_note.setText("\u26a0\u2002" + sentence)
        self.temperature_note.setAccessibleName(sentence)
        self.temperature_note.show()

    def accept(self) -> None:
        before = self.temperature.text()
        self.temperature.commit()
        if self.temperature_note.isVisible() and self.temperature.text() != before:
            return  # the typed value was changed: let the person see what is used before closing
        super().accept()

    def result_settings(self) -> ChatSettings:
        temperature = self.temperature.commit()
        return ChatSettings(
            system_prompt=self.system_prompt.toPlainText().strip(),
            model=self.model.currentData() or "",
            temperature=None if temperature < 0 else round(temperature, 2),
            max_tokens=self.max_tokens.value() or None,
        )
