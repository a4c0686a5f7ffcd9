"""Decimal input that understands both «0,7» and «0.7», whatever the UI language.

Qt's QDoubleSpinBox follows one locale: in a Russian UI it refuses the dot, so typing «0.7» gave 0.
`DecimalSpinBox` accepts a comma or a dot as the decimal mark, shows numbers in the UI language's
format (English: 0.7, Russian: 0,7), and never drops what was typed without a word: a value out of
range or with too many decimals is corrected and `corrected(sentence)` says how; text that is no
number is put back to the last value and `corrected` says that too.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale, QSize, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

_NUMBER_RE = re.compile(r"[+-]?\d*(\.\d*)?")


def number_locale(lang: str) -> QLocale:
    """The locale numbers are shown in: the UI language's own (not the system's)."""
    if lang == "ru":
        locale = QLocale(QLocale.Language.Russian, QLocale.Country.Russia)
    else:
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return locale


def format_number(value: float, lang: str, decimals: int = 2) -> str:
    """0.7 → "0.7" (English) or "0,7" (Russian), without trailing zeros."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else str(round(value))
    return text.replace(".", number_locale(lang).decimalPoint()) if "." in text else text


class DecimalSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox for people: comma or dot, and a sentence whenever a typed value is changed."""

    corrected = Signal(str)  # a plain sentence: what was typed and what is used instead

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(number_locale(lang))
        self.setGroupSeparatorShown(False)
        self.setKeyboardTracking(True)

    def sizeHint(self) -> QSize:
        # Qt measures the texts of the range's ends, which are short here ("0", "1"): room for "0.75".
        hint = super().sizeHint()
        sample = "-0" + self.locale().decimalPoint() + "0" * max(self.decimals(), 1)
        wide = self.fontMetrics().horizontalAdvance(self.prefix() + sample + self.suffix()) + 40
        return QSize(max(hint.width(), wide), hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    # --- text <-> number ------------------------------------------------------------------------

    def _plain(self, text: str) -> str:
        """The typed text as "1.25": prefix/suffix off, spaces out, a comma or a dot as the mark."""
        text = text.strip()
        if self.prefix() and text.startswith(self.prefix()):
            text = text[len(self.prefix()):]
        if self.suffix() and text.endswith(self.suffix()):
            text = text[: -len(self.suffix())]
        text = "".join(text.split()).replace("\u2212", "-")
        return text.replace(",", ".").replace(self.locale().decimalPoint(), ".")

    def _parse(self, text: str) -> float | None:
        plain = self._plain(text)
        if not _NUMBER_RE.fullmatch(plain) or not any(ch.isdigit() for ch in plain):
            return None
        return float(plain)

    def _is_special(self, text: str) -> bool:
        special = self.specialValueText()
        return bool(special) and text.strip() == special

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if self._is_special(text):
            return QValidator.State.Acceptable, text, pos
        plain = self._plain(text)
        if not _NUMBER_RE.fullmatch(plain):
            return QValidator.State.Invalid, text, pos
        # Show the mark of the UI language as it is typed: «0.7» becomes «0,7» in a Russian UI.
        shown = text.replace(",", "\x00").replace(".", "\x00").replace("\x00", self.locale().decimalPoint())
        value = self._parse(text)
        if value is None:
            return QValidator.State.Intermediate, shown, pos
        decimals = len(plain.partition(".")[2])
        if self.minimum() <= value <= self.maximum() and decimals <= self.decimals():
            return QValidator.State.Acceptable, shown, pos
        return QValidator.State.Intermediate, shown, pos

    def valueFromText(self, text: str) -> float:
        if self._is_special(text):
            return self.minimum()
        value = self._parse(text)
        if value is None:
            return self.value()
        return min(max(round(value, self.decimals()), self.minimum()), self.maximum())

    def textFromValue(self, value: float) -> str:
        text = self.locale().toString(float(value), "f", self.decimals())
        point = self.locale().decimalPoint()
        if point in text:  # 0.7, not 0.70: the way people write it
            text = text.rstrip("0").rstrip(point)
        return text

    def fixup(self, text: str) -> str:
        """Called when editing ends on a value Qt would silently throw away: correct it, and say so."""
        value = self._parse(text)
        if value is None:
            if text.strip():
                self.corrected.emit(QCoreApplication.translate(
                    "NumberInput", "“{0}” is not a number, so {1} is kept.").format(
                        text.strip(), self.textFromValue(self.value())))
            return self.textFromValue(self.value())
        fixed = self.valueFromText(text)
        shown = self.textFromValue(fixed)
        if fixed == self.minimum() and self.specialValueText():
            shown = self.specialValueText()
        if value < self.minimum():
            self.corrected.emit(QCoreApplication.translate(
                "NumberInput", "{0} is below the lowest value, so {1} is used.").format(text.strip(), shown))
        elif value > self.maximum():
            self.corrected.emit(QCoreApplication.translate(
                "NumberInput", "{0} is above the highest value, so {1} is used.").format(text.strip(), shown))
        elif fixed != value:
            self.corrected.emit(QCoreApplication.translate(
                "NumberInput", "{0} has more decimals than are used, so {1} is used.").format(text.strip(), shown))
        return shown

    def commit(self) -> float:
        """The value after the text being typed is taken in (call before reading on Save/OK)."""
        if self.lineEdit().text() != self.textFromValue(self.value()) and not self._is_special(self.text()):
            self.interpretText()
            state, _text, _pos = self.validate(self.lineEdit().text(), 0)
            if state != QValidator.State.Acceptable:
                self.lineEdit().setText(self.fixup(self.lineEdit().text()))
                self.interpretText()
        return self.value()
