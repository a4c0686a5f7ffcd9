"""The strip over the open chat: its title, the model that answers in it (switchable right there) and
the button to the chat's other settings."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget


class ChatHeader(QWidget):
    modelChosen = Signal(str)  # a model id
    optionsChanged = Signal(bool, bool)  # think longer, economy mode
    settingsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("chatTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.cost_label = QLabel(self)
        self.cost_label.setObjectName("chatCost")
        self.model_picker = QComboBox(self)
        self.model_picker.setObjectName("modelPicker")
        self.model_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_picker.setMaxVisibleItems(16)
        self.think_button = self._switch("thinkButton")
        self.economy_button = self._switch("economyButton")
        self.settings_button = QToolButton(self)
        self.settings_button.setObjectName("chatSettingsButton")
        self.settings_button.setText("⚙")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label, 1)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.model_picker)
        layout.addWidget(self.think_button)
        layout.addWidget(self.economy_button)
        layout.addWidget(self.settings_button)
        self._filling = False
        self.model_picker.activated.connect(self._on_activated)
        self.settings_button.clicked.connect(self.settingsRequested)

    def _switch(self, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.toggled.connect(self._on_switch)
        return button

    def _on_switch(self, _checked: bool) -> None:
        if not self._filling:
            self.optionsChanged.emit(self.think_button.isChecked(), self.economy_button.isChecked())

    def set_options(self, *, think: bool, can_think: bool, economy: bool, has_economy: bool) -> None:
        """The chat's switches, shown only where its model can use them."""
        self._filling = True
        try:
            self.think_button.setChecked(think and can_think)
            self.think_button.setVisible(can_think)
            self.economy_button.setChecked(economy and has_economy)
            self.economy_button.setVisible(has_economy)
        finally:
            self._filling = False

    def retranslate(self, shortcut: str) -> None:
        self.think_button.setText(self.tr("Think longer"))
        self.think_button.setToolTip(self.tr("The model reasons before answering: better on hard questions, "
                                             "slower, and the thinking is paid as part of the reply"))
        self.economy_button.setText(self.tr("Economy"))
        self.economy_button.setToolTip(self.tr("Replies come whole after a while instead of word by word, "
                                               "at about half the price. They arrive even if you close the app."))
        self.model_picker.setToolTip(self.tr("The model that answers in this chat (%s)") % shortcut)
        self.model_picker.setAccessibleName(self.tr("Model"))
        self.settings_button.setToolTip(self.tr("This chat's settings: system prompt, model (Ctrl+Shift+S)"))
        self.settings_button.setAccessibleName(self.tr("Chat settings"))

    def set_title(self, title: str) -> None:
        self.title_label.setText(title)

    def set_models(self, choices: Sequence[tuple[str, str, str]], current: str) -> None:
        """`choices`: (model id, title, tooltip); `current` is selected, added by its id if unknown."""
        self._filling = True
        try:
            self.model_picker.clear()
            for model_id, title, tip in choices:
                self.model_picker.addItem(title, model_id)
                self.model_picker.setItemData(self.model_picker.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
            index = self.model_picker.findData(current)
            if index < 0 and current:
                self.model_picker.addItem(current, current)
                index = self.model_picker.count() - 1
            self.model_picker.setCurrentIndex(max(0, index))
        finally:
            self._filling = False

    def set_cost(self, amount: str, prices_date: str) -> None:
        """The chat's replies together, in ₽ ("" hides it), with the date of the prices used."""
        self.cost_label.setText(self.tr("Chat: %s") % amount if amount else "")
        self.cost_label.setToolTip(self.tr("What this chat's replies cost, at the prices of %s") % prices_date)

    def current_model(self) -> str:
        return str(self.model_picker.currentData() or "")

    def open_picker(self) -> None:
        self.model_picker.setFocus()
        self.model_picker.showPopup()

    def _on_activated(self, index: int) -> None:
        if not self._filling:
            self.modelChosen.emit(str(self.model_picker.itemData(index) or ""))
