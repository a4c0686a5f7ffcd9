"""Find in the open chat: a bar over the messages that marks every occurrence and steps through them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListView, QToolButton, QWidget

from desktop_chat.ui.chat_view import ROW_ROLE, ChatModel, ChatView


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, model: ChatModel, view: ChatView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = view
        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("findBox")
        self.find_box.setClearButtonEnabled(True)
        self.find_status = QLabel(self)
        self.find_close = QToolButton(self)
        self.find_close.setText("✕")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.find_box, 1)
        layout.addWidget(self.find_status)
        layout.addWidget(self.find_close)
        self.find_box.textChanged.connect(lambda _t: self.step(0))
        self.find_box.returnPressed.connect(lambda: self.step(1))
        self.find_close.clicked.connect(self.close_bar)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.find_box.setPlaceholderText(self.tr("Find in this chat (Enter: next)"))
        self.find_box.setAccessibleName(self.tr("Find in this chat"))
        self.find_close.setToolTip(self.tr("Close (Esc)"))

    def open_bar(self, text: str | None = None) -> None:
        self.show()
        if text is None:
            self.find_box.setFocus()
            self.find_box.selectAll()
        else:
            self.find_box.setText(text)  # finds from the chosen hit, which stays selected

    def close_bar(self) -> None:
        self.hide()
        self.view.set_highlight("")
        self.closed.emit()

    def reset(self) -> None:
        self.hide()
        self.view.set_highlight("")

    def step(self, step: int) -> None:
        """Selects the next (step 1) or the first from the current (step 0) message holding the text."""
        needle = self.find_box.text().casefold()
        messages = self.model.messages
        self.view.set_highlight(self.find_box.text())
        if not needle:
            self.find_status.setText("")
            return
        matches = [m for m in messages if needle in m.text.casefold()]
        if not matches:
            self.find_status.setText(self.tr("Not found"))
            return
        current = self.view.currentIndex()
        current_row = current.data(ROW_ROLE) if current.isValid() else None
        current_id = current_row.message.id if current_row is not None and current_row.message else None
        ids = [m.id for m in matches]
        # Without a current match, start from the newest: people read a chat from the bottom.
        position = (ids.index(current_id) + step) % len(ids) if current_id in ids else len(ids) - 1
        target = matches[position]
        self.find_status.setText(self.tr("message %1 of %2").replace("%1", str(position + 1))
                                 .replace("%2", str(len(ids))))
        row = self.model.ensure_visible(target.id)
        if row is not None:
            index = self.model.index(row)
            self.view.executeDelayedItemsLayout()
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index, QListView.ScrollHint.PositionAtCenter)
