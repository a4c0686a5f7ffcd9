"""The settings dialog's size and shortcuts: it fits a small laptop screen, keeps its size however many
notes appear, has one Alt+letter per control in English and in Russian, and shows a notice on top."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QPoint, QRect, QTranslator
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QLabel

from desktop_chat.api.errors import AuthenticationError
from desktop_chat.settings import Settings
from desktop_chat.ui.settings_dialog import SettingsDialog, StatusLine
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID
from tests.ui_setup.test_settings_dialog import make_dialog, paste

ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "resources" / "translations" / "setup_strings_ru.tsv"
SAVE = QDialogButtonBox.StandardButton.Save
# What the main window passes after a 401.
KEY_NOTICE = ("The key was not accepted: it may have expired or been revoked. Paste a valid API key "
              "or IAM token and press Save.")


class SheetTranslator(QTranslator):
    """Russian from the translator's sheet, whatever the context (as scripts/screenshots_setup.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows = dict(line.split("\t", 1) for line in SHEET.read_text(encoding="utf-8").splitlines() if line)

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return self.rows.get(source)

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def russian(qapp) -> Iterator[None]:
    """The setup strings and Qt's own (button texts) in Russian, for one test."""
    sheet = SheetTranslator()
    qt_own = QTranslator()
    assert qt_own.load(QLocale("ru"), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for translator in (sheet, qt_own):
        qapp.installTranslator(translator)
    try:
        yield
    finally:
        for translator in (sheet, qt_own):
            qapp.removeTranslator(translator)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def save_position(dialog: SettingsDialog) -> QPoint:
    return dialog.buttons.button(SAVE).mapTo(dialog, QPoint(0, 0))


# --- size ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("notice", ["", KEY_NOTICE])
def test_fits_in_600_pixels_at_the_default_font(qtbot, request, no_keyring, lang, notice):
    if lang == "ru":
        request.getfixturevalue("russian")
    # No keyring: its warning is the longest note shown from the start.
    dialog = make_dialog(qtbot, focus_secret=bool(notice), notice=notice, lang=lang)
    settle()
    assert dialog.height() <= 600, dialog.size()
    assert dialog.storage_note.isVisible()
    assert not dialog._scroll.verticalScrollBar().isVisible()  # everything shows without scrolling


def test_notes_never_make_the_dialog_grow_and_save_stays_put(qtbot, no_keyring, gated_client):
    gated_client.error = AuthenticationError()
    gated_client.release.set()
    dialog = make_dialog(qtbot, make_client=gated_client.factory)
    settle()
    size, save = dialog.size(), save_position(dialog)

    # A note under every field at once, then a failed check, then Save with the errors.
    qtbot.keyClicks(dialog.folder_edit, "abc 123")
    paste(dialog.secret_edit.edit, "y0_" + "A" * 55)
    dialog.api_base_edit.clear()
    qtbot.keyClicks(dialog.api_base_edit, "llm.api")
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(None))
    dialog.accept()
    settle()
    notes = [note for note in dialog.findChildren(StatusLine) if note.isVisible() and note.text()]
    assert len(notes) >= 5
    assert dialog.size() == size and save_position(dialog) == save
    assert dialog._scroll.verticalScrollBar().maximum() > 0  # the form scrolls instead

    dialog.folder_edit.selectAll()
    qtbot.keyClicks(dialog.folder_edit, FAKE_FOLDER_ID)
    qtbot.keyClicks(dialog.custom_model_edit, "gpt://b1gfolder/yandexgpt-lite")
    with qtbot.waitSignal(dialog._check.finished, timeout=5000):
        dialog.check_button.click()
    settle()
    assert dialog.check_status.state == StatusLine.ERROR
    assert dialog.size() == size and save_position(dialog) == save

    for _ in range(5):  # notes coming and going, as while typing, never add up
        qtbot.keyClicks(dialog.folder_edit, " x")
        dialog.folder_edit.backspace()
        dialog.folder_edit.backspace()
        settle()
    assert dialog.size() == size and save_position(dialog) == save


class SmallScreen:
    def __init__(self, height: int) -> None:
        self.height = height

    def availableGeometry(self) -> QRect:
        return QRect(0, 0, 1366, self.height)


def test_on_a_short_screen_the_form_scrolls_and_the_buttons_stay_on_it(qtbot, memory_keyring, monkeypatch):
    monkeypatch.setattr(SettingsDialog, "screen", lambda self: SmallScreen(420))
    dialog = make_dialog(qtbot, notice=KEY_NOTICE)
    settle()
    assert dialog.height() <= 420 - 40
    assert dialog.buttons.geometry().bottom() <= dialog.height()
    assert dialog._scroll.verticalScrollBar().maximum() > 0
    dialog._scroll.ensureWidgetVisible(dialog.theme_combo)  # the last field can be reached
    assert dialog.theme_combo.visibleRegion().boundingRect().height() == dialog.theme_combo.height()


# --- keyboard shortcuts -----------------------------------------------------------------------------


def mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def dialog_mnemonics(dialog: SettingsDialog) -> dict[str, str]:
    """Alt+letter -> text, for every label with a buddy and every button (hidden ones too)."""
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    texts += [button.text() for button in dialog.findChildren(QAbstractButton)]
    # Where the system puts shortcuts on standard buttons (GNOME): &Save, &Cancel, in this language.
    texts += [QCoreApplication.translate("QGnomeTheme", "&Save"), QCoreApplication.translate("QGnomeTheme", "&Cancel")]
    keys: dict[str, str] = {}
    counts = Counter(key for key in map(mnemonic, texts) if key)
    clashes = {key: [t for t in texts if mnemonic(t) == key] for key, n in counts.items() if n > 1}
    assert clashes == {}
    for text in texts:
        key = mnemonic(text)
        if key:
            keys[key] = text
    return keys


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_shortcut_in_the_dialog_is_unique(qtbot, request, memory_keyring, lang):
    if lang == "ru":
        request.getfixturevalue("russian")
    dialog = make_dialog(qtbot, lang=lang)
    keys = dialog_mnemonics(dialog)
    assert len(keys) >= 12  # every field has one
    if lang == "ru":
        assert dialog.folder_edit.accessibleName() == "ID каталога"  # the translation was really in use
    # Each label's shortcut goes to its own field.
    for label in dialog.findChildren(QLabel):
        if label.buddy() is not None:
            assert mnemonic(label.text()), label.text()


# --- the notice on top ------------------------------------------------------------------------------


def test_notice_is_on_top_in_full_and_goes_once_the_key_works(qtbot, memory_keyring, gated_client):
    gated_client.release.set()
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), make_client=gated_client.factory,
                         focus_secret=True, notice=KEY_NOTICE)
    settle()
    size = dialog.size()
    assert dialog.notice.isVisible() and dialog.notice.text() == KEY_NOTICE
    assert dialog.notice_frame.geometry().bottom() < dialog._scroll.geometry().top()  # above the form
    assert dialog.notice.height() >= dialog.notice.heightForWidth(dialog.notice.width())  # not cut off
    assert dialog.notice.font().bold()
    assert dialog.focusWidget() is dialog.secret_edit.edit or not dialog.isActiveWindow()

    dialog.secret_edit.edit.selectAll()
    paste(dialog.secret_edit.edit, FAKE_API_KEY)
    with qtbot.waitSignal(dialog._check.finished, timeout=5000):
        dialog.check_button.click()
    assert dialog.check_status.state == StatusLine.OK
    assert not dialog.notice_frame.isVisible()
    assert dialog.size() == size
