"""One code block on its own, its long lines unwrapped and scrolled sideways ("No wrap" over a block).

In the chat a code block's long lines wrap to the bubble's width (the chat's rows are painted
documents: a block there cannot scroll sideways on its own). This box shows the same code as
written, one line per line, with a horizontal scroll bar; "Wrap long lines" flips it back and forth.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget


class CodeViewer(QDialog):
    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Code"))
        self.code = code
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(code)
        self.text.setAccessibleName(self.tr("Code"))
        self.wrap = QCheckBox(self.tr("Wrap long lines"), self)
        self.wrap.toggled.connect(self.set_wrapped)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.code))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.wrap)
        layout.addWidget(buttons)
        self.set_wrapped(False)
        self.resize(760, 420)
        self.text.setFocus()

    def set_wrapped(self, wrapped: bool) -> None:
        mode = QPlainTextEdit.LineWrapMode.WidgetWidth if wrapped else QPlainTextEdit.LineWrapMode.NoWrap
        self.text.setLineWrapMode(mode)
        if self.wrap.isChecked() != wrapped:
            self.wrap.setChecked(wrapped)
