"""The files attached to the message being written: a chip per file above the message box (thumbnail,
name, size, what it will cost in tokens, ✕), each prepared on a worker thread with its progress shown."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QScrollArea, QToolButton, QWidget

from desktop_chat.attachments import AttachmentError, Prepared, prepare, prepare_bytes, probe
from desktop_chat.ui.tasks import BackgroundTasks

log = logging.getLogger(__name__)

THUMB = 40


class Chip(QFrame):
    progressed = Signal(float)  # emitted on the worker thread; Qt queues it to the chip

    def __init__(self, name: str, size: int, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.size_locale = QLocale(QLocale.Language.Russian if language == "ru" else QLocale.Language.English)
        self.setObjectName("attachmentChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name, self.file_size = name, size
        self.prepared: Prepared | None = None
        self.cancelled = threading.Event()
        self.picture = QLabel(self)
        self.picture.setFixedSize(THUMB, THUMB)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setFixedWidth(70)
        self.progress.setTextVisible(False)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 2, 2)
        layout.addWidget(self.picture)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.remove_button)
        self.progressed.connect(lambda fraction: self.progress.setValue(int(fraction * 100)))
        self.remove_button.setToolTip(self.tr("Remove this file from the message"))
        self.remove_button.setAccessibleName(self.tr("Remove %s") % name)
        self.picture.setText("…")

    def show_ready(self, prepared: Prepared, tokens: int) -> None:
        self.prepared = prepared
        self.progress.hide()
        if prepared.thumbnail:
            pixmap = QPixmap()
            pixmap.loadFromData(prepared.thumbnail)
            self.picture.setPixmap(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))
        else:
            self.picture.setText(Path(prepared.name).suffix.lstrip(".").upper()[:4] or "…")
        self.update_tokens(tokens)

    def update_tokens(self, tokens: int) -> None:
        size = self.size_locale.formattedDataSize(self.file_size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)
        cost = self.tr("≈%s tokens") % f"{tokens:,}".replace(",", " ")
        self.label.setText(f"{self.name}\n{size} · {cost}")
        self.setToolTip(self.label.text().replace("\n", " · "))


class AttachmentBar(QWidget):
    """Chips in a row that scrolls sideways; hidden while there are none."""

    changed = Signal()  # a file was added, became ready, or was removed (the meter follows)
    problem = Signal(str)  # a file could not be attached: plain words naming it and what to do

    def __init__(self, tasks: BackgroundTasks, language: str, model: Callable[[], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks, self.language, self.model = tasks, language, model
        self.chips: list[Chip] = []
        self.row = QWidget(self)
        self.row_layout = QHBoxLayout(self.row)
        self.row_layout.setContentsMargins(0, 0, 0, 0)
        self.row_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(self.row)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedHeight(THUMB + 24)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.hide()

    # ---- adding ---------------------------------------------------------------------------
    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                found = probe(path)  # one stat: refuses what is too big before reading it
            except AttachmentError as error:
                self.problem.emit(error.user_message(self.language))
                continue
            chip = self._add_chip(found.name, found.size)
            self._prepare(chip, functools.partial(prepare, path, progress=chip.progressed.emit,
                                                  cancelled=chip.cancelled.is_set))

    def add_image_bytes(self, data: bytes, name: str) -> None:
        chip = self._add_chip(name, len(data))
        self._prepare(chip, lambda: prepare_bytes(data, name, progress=chip.progressed.emit,
                                                  cancelled=chip.cancelled.is_set))

    def _add_chip(self, name: str, size: int) -> Chip:
        chip = Chip(name, size, self.language, self.row)
        chip.remove_button.clicked.connect(lambda: self.remove(chip))
        self.chips.append(chip)
        self.row_layout.insertWidget(self.row_layout.count() - 1, chip)
        self.show()
        self.changed.emit()
        return chip

    def _prepare(self, chip: Chip, work: Callable[[], Prepared]) -> None:
        def ready(prepared: Prepared) -> None:
            if chip in self.chips:
                chip.show_ready(prepared, prepared.tokens(self.model()))
                self.changed.emit()

        def failed(error: BaseException) -> None:
            if chip not in self.chips:
                return  # removed meanwhile (cancelled)
            self.remove(chip)
            if isinstance(error, AttachmentError):
                self.problem.emit(error.user_message(self.language))
            else:
                log.warning("attaching failed: %s", type(error).__name__)
                self.problem.emit(self.tr("“%s” could not be attached.") % chip.name)

        self.tasks.read(work, ready, failed)

    # ---- what is attached -----------------------------------------------------------------
    def remove(self, chip: Chip) -> None:
        chip.cancelled.set()
        if chip in self.chips:
            self.chips.remove(chip)
            chip.deleteLater()
        self.setVisible(bool(self.chips))
        self.changed.emit()

    def files(self) -> list[Prepared]:
        return [chip.prepared for chip in self.chips if chip.prepared is not None]

    def preparing(self) -> bool:
        return any(chip.prepared is None for chip in self.chips)

    def take(self) -> list[Prepared]:
        """The ready files, and the bar emptied (the message is being sent)."""
        files = self.files()
        for chip in list(self.chips):
            self.remove(chip)
        return files

    def put_back(self, files: list[Prepared]) -> None:
        """Files of a message that could not be sent come back to the box, nothing lost."""
        for prepared in files:
            chip = self._add_chip(prepared.name, prepared.size)
            chip.show_ready(prepared, prepared.tokens(self.model()))
        self.changed.emit()

    def refresh_tokens(self) -> None:
        """The chat's model changed: costs follow it."""
        for chip in self.chips:
            if chip.prepared is not None:
                chip.update_tokens(chip.prepared.tokens(self.model()))
