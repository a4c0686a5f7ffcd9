"""The message box at the bottom: Enter sends, Shift+Enter starts a new line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QMimeData, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


def local_files(mime: QMimeData) -> list[Path]:
    """The files a drop or a paste carries (copied in a file manager, dragged from the desktop)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide wants str
    return bytes(buffer.data().data())


class MessageEdit(QPlainTextEdit):
    submitted = Signal()
    filesGiven = Signal(list)  # list[Path]: pasted or dropped files
    pictureGiven = Signal(bytes)  # PNG bytes: a pasted screenshot

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return bool(local_files(source)) or source.hasImage() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = local_files(source)
        if files:
            self.filesGiven.emit(files)  # attached, not pasted as file:// text
        elif source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.pictureGiven.emit(png_bytes(image))
        else:
            super().insertFromMimeData(source)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    """The draft editor with its Send/Stop button, the context meter and the "editing" banner."""

    sendRequested = Signal(str)
    attachRequested = Signal()
    drawRequested = Signal()
    stopRequested = Signal()
    editCancelled = Signal()
    draftChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = MessageEdit(self)
        self.edit.setObjectName("messageEdit")
        self.edit.setTabChangesFocus(True)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.edit.submitted.connect(self._submit)
        self.edit.textChanged.connect(self._on_text_changed)
        self.attach_button = QToolButton(self)
        self.attach_button.setObjectName("attachButton")
        self.attach_button.clicked.connect(self.attachRequested)
        self.web_button = QToolButton(self)
        self.web_button.setObjectName("webButton")
        self.web_button.setCheckable(True)
        self.draw_button = QToolButton(self)
        self.draw_button.setObjectName("drawButton")
        self.draw_button.clicked.connect(self.drawRequested)
        self.send_button = QPushButton(self)
        self.send_button.setObjectName("sendButton")
        self.send_button.clicked.connect(self._on_button)
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.meter = QLabel(self)
        self.meter.setObjectName("contextMeter")
        self.banner = QLabel(self)
        self.banner.setObjectName("editBanner")
        self.banner_close = QToolButton(self)
        self.banner_close.setText("✕")
        self.banner_close.clicked.connect(self.editCancelled)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.banner_close)
        self.banner.hide()
        self.banner_close.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        tools = QVBoxLayout()
        tools.setSpacing(2)
        for button in (self.attach_button, self.web_button, self.draw_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            tools.addWidget(button)
        row.addLayout(tools)
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(banner_row)
        self._layout = layout
        layout.addLayout(row)
        layout.addWidget(self.meter)
        self._busy = False
        self._loading = False
        self.retranslate()
        self._fit_height()

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(self.tr("Write a message… (Enter sends, Shift+Enter starts a new line)"))
        self.edit.setAccessibleName(self.tr("Message"))
        self.banner_close.setToolTip(self.tr("Cancel editing"))
        self.attach_button.setText(self.tr("Attach…"))
        self.attach_button.setToolTip(self.tr("Attach pictures or documents (Ctrl+Shift+A). You can also drop "
                                              "files here or paste a screenshot with Ctrl+V."))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.web_button.setText(self.tr("Web"))
        self.web_button.setToolTip(self.tr("Let the model search the web for this message; the answer lists its "
                                           "sources (each search costs a little extra)"))
        self.web_button.setAccessibleName(self.tr("Search the web"))
        self.draw_button.setText(self.tr("Draw…"))
        self.draw_button.setToolTip(self.tr("Draw a picture with YandexART (or start a message with /draw)"))
        self._update_button()

    def _update_button(self) -> None:
        if self._busy:
            self.send_button.setText(self.tr("Stop"))
            self.send_button.setToolTip(self.tr("Stop the reply (Esc)"))
        else:
            self.send_button.setText(self.tr("Send"))
            self.send_button.setToolTip(self.tr("Send the message (Enter)"))
        self.send_button.setAccessibleName(self.send_button.text())

    def add_attachment_bar(self, bar: QWidget) -> None:
        """The chips of attached files go over the message box."""
        self._layout.insertWidget(1, bar)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_button()

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        """Replaces the draft without reporting it as the person's own change."""
        self._loading = True
        self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)
        self._loading = False
        self._fit_height()

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.banner_close.setVisible(bool(text))

    def _submit(self) -> None:
        if self._busy:
            return
        text = self.text()
        if text.strip():
            self.sendRequested.emit(text)

    def _on_button(self) -> None:
        if self._busy:
            self.stopRequested.emit()
        else:
            self._submit()

    def _on_text_changed(self) -> None:
        self._fit_height()
        if not self._loading:
            self.draftChanged.emit(self.text())

    def _fit_height(self) -> None:
        # Two lines at rest (room for the hint), grows with the text up to eight, then scrolls.
        lines = max(2, min(8, self.edit.document().blockCount()))
        wrapped = int(self.edit.document().size().height()) if self.edit.width() > 50 else lines
        lines = max(lines, min(8, wrapped))
        height = self.edit.fontMetrics().lineSpacing() * lines + 16
        self.edit.setFixedHeight(max(height, self.send_button.sizeHint().height() + 8))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
