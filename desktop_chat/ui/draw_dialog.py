"""Draw a picture with YandexART: the prompt (counted as you type), its shape, a seed, what to avoid."""

from __future__ import annotations

from PySide6.QtWidgets import (
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

from desktop_chat.api.yandex_art import ASPECTS, MAX_PROMPT_CHARS
from desktop_chat.catalogue import PICTURE_PRICE, format_rub

MAX_SEED = 2**31 - 1


class DrawDialog(QDialog):
    def __init__(self, language: str, prompt: str = "", seed: int | None = None, aspect: str = "1:1",
                 avoid: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Draw a picture"))
        self.prompt = QPlainTextEdit(self)
        self.prompt.setPlainText(prompt)
        self.prompt.setPlaceholderText(self.tr("What to draw, e.g.: a red fox in a snowy birch forest, watercolour"))
        self.prompt.setAccessibleName(self.tr("What to draw"))
        self.count = QLabel(self)
        self.aspect = QComboBox(self)
        names = {"1:1": self.tr("Square 1:1"), "16:9": self.tr("Wide 16:9"), "9:16": self.tr("Tall 9:16"),
                 "4:3": self.tr("Landscape 4:3"), "3:4": self.tr("Portrait 3:4")}
        for value in ASPECTS:
            self.aspect.addItem(names.get(value, value), value)
        self.aspect.setCurrentIndex(max(0, self.aspect.findData(aspect)))
        self.seed = QSpinBox(self)
        self.seed.setRange(0, MAX_SEED)
        self.seed.setSpecialValueText(self.tr("any"))
        self.seed.setValue(seed or 0)
        self.seed.setToolTip(self.tr("The same prompt with the same seed draws the same picture; 'any' picks one"))
        self.avoid = QLineEdit(avoid, self)
        self.avoid.setPlaceholderText(self.tr("Optional: what should not be in the picture"))
        form = QFormLayout()
        form.addRow(self.tr("Picture"), self.prompt)
        form.addRow("", self.count)
        form.addRow(self.tr("Shape"), self.aspect)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Avoid"), self.avoid)
        price = QLabel(self.tr("One picture costs about %s.") % format_rub(PICTURE_PRICE, language), self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.draw_button = self.buttons.addButton(self.tr("Draw"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(price)
        layout.addWidget(self.buttons)
        self.prompt.textChanged.connect(self._count)
        self.avoid.textChanged.connect(self._count)
        self._count()
        self.resize(520, self.sizeHint().height())
        self.prompt.setFocus()

    def _count(self) -> None:
        used = len(self.prompt.toPlainText().strip())
        self.count.setText(self.tr("%1 of %2 characters").replace("%1", str(used))
                           .replace("%2", str(MAX_PROMPT_CHARS)))
        fits = 0 < used <= MAX_PROMPT_CHARS and len(self.avoid.text().strip()) <= MAX_PROMPT_CHARS
        self.draw_button.setEnabled(fits)

    def values(self) -> tuple[str, str, int | None, str]:
        """(prompt, aspect, seed or None for any, what to avoid)."""
        seed = self.seed.value() or None
        return self.prompt.toPlainText().strip(), str(self.aspect.currentData()), seed, self.avoid.text().strip()
