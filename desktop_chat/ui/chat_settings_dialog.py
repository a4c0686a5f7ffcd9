"""One chat's own settings: system prompt, model, temperature, reply length, and answers from the web.

The temperature takes «0,7» and «0.7» alike and is shown in the UI language's number format
(`lang`: "ru"/"en"; by default the parent window's `services.language`).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import catalogue
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
        self._settings = settings
        self.setObjectName("chatSettingsDialog")
        self.setWindowTitle(self.tr("Chat settings"))
        self.system_prompt = QPlainTextEdit(self)
        self.system_prompt.setPlainText(settings.system_prompt)
        self.system_prompt.setPlaceholderText(self.tr("For example: You are a helpful assistant. Answer briefly."))
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setTabChangesFocus(True)

        self.model = QComboBox(self)
        self.model.setAccessibleName(self.tr("Model"))
        default_entry = catalogue.find(defaults.model)
        default_title = default_entry.title(lang) if default_entry is not None else defaults.model
        self.model.addItem(self.tr("App default (%s)") % default_title, "")
        for entry in catalogue.entries():
            self.model.addItem(entry.title(lang), entry.id)
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

        # Answers from the web (the Responses API with web search): the chat's default and its options.
        self.web_search = QCheckBox(self.tr("Search the web by default in this chat"), self)
        self.web_search.setChecked(settings.web_search)
        self.search_context = QComboBox(self)
        for value, label in (("low", self.tr("a little")), ("medium", self.tr("a fair amount")),
                             ("high", self.tr("a lot"))):
            self.search_context.addItem(label, value)
        self.search_context.setCurrentIndex(max(0, self.search_context.findData(settings.search_context)))
        self.search_domains = QLineEdit(", ".join(settings.search_domains), self)
        self.search_domains.setPlaceholderText(self.tr("Any site; or up to five, e.g.: ria.ru, wikipedia.org"))
        self.search_region = QLineEdit(settings.search_region, self)
        self.search_region.setPlaceholderText(self.tr("Yandex region code, e.g. 213 for Moscow (optional)"))

        form = QFormLayout()
        form.addRow(self.tr("System prompt:"), self.system_prompt)
        form.addRow(self.tr("Model:"), self.model)
        form.addRow(self.tr("Temperature:"), self.temperature)
        form.addRow("", self.temperature_note)
        form.addRow(self.tr("Longest reply (tokens):"), self.max_tokens)
        form.addRow("", self.web_search)
        form.addRow(self.tr("How much to read on the web:"), self.search_context)
        form.addRow(self.tr("Only these sites:"), self.search_domains)
        form.addRow(self.tr("Region:"), self.search_region)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 460)

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
        domains = [d.strip().lower() for d in self.search_domains.text().replace(";", ",").split(",") if d.strip()]
        # The chat's other settings (think longer, economy…) are kept as they were.
        return dataclasses.replace(
            self._settings,
            system_prompt=self.system_prompt.toPlainText().strip(),
            model=self.model.currentData() or "",
            temperature=None if temperature < 0 else round(temperature, 2),
            max_tokens=self.max_tokens.value() or None,
            web_search=self.web_search.isChecked(),
            search_context=str(self.search_context.currentData()),
            search_domains=domains[:5],
            search_region=self.search_region.text().strip(),
        )
