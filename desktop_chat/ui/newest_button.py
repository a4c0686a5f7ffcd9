"""A "to the newest" button over the chat's lower right corner, shown while the reader has scrolled up."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QToolButton

from desktop_chat.ui.chat_view import ChatView


class NewestButton(QToolButton):
    def __init__(self, view: ChatView) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("newestButton")
        self.setText("↓")
        self.setAutoRaise(False)
        self.setFixedSize(34, 34)
        self.clicked.connect(self._go)
        bar = view.verticalScrollBar()
        bar.valueChanged.connect(lambda _v: self.update_visibility())
        bar.rangeChanged.connect(lambda _a, _b: self.update_visibility())
        view.viewport().installEventFilter(self)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.setToolTip(self.tr("To the newest message (Ctrl+End)"))
        self.setAccessibleName(self.tr("To the newest message"))

    def update_visibility(self) -> None:
        self.setVisible(not self.view.at_bottom())
        self._place()

    def _place(self) -> None:
        viewport = self.view.viewport().geometry()
        self.move(viewport.right() - self.width() - 14, viewport.bottom() - self.height() - 10)
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _go(self) -> None:
        self.view.scroll_to_end()
        self.hide()
