"""Decimal input: «0,7» and «0.7» both mean 0.7 in the Russian and the English UI, in the settings dialog and
in a chat's settings; numbers are shown in the UI language's format; no typed value is dropped silently."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop_chat.chat.conversation import Defaults
from desktop_chat.settings import Settings
from desktop_chat.store import ChatSettings
from desktop_chat.ui.account_form import StatusLine
from desktop_chat.ui.chat_settings_dialog import ChatSettingsDialog
from desktop_chat.ui.number_input import DecimalSpinBox, format_number
from tests.fixtures.fake_server import FAKE_FOLDER_ID
from tests.ui_setup.test_settings_dialog import make_dialog


def retype(qtbot, spin: DecimalSpinBox, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("typed", ["0.7", "0,7", " 0,7 ", ",7"])
def test_settings_temperature_takes_comma_and_dot(qtbot, memory_keyring, lang, typed):
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), lang=lang)
    retype(qtbot, dialog.temperature_spin, typed)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.settings_result().settings.temperature == pytest.approx(0.7)
    assert dialog.temperature_spin.text() == ("0,7" if lang == "ru" else "0.7")


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("typed", ["0.7", "0,7"])
def test_chat_temperature_takes_comma_and_dot(qtbot, lang, typed):
    dialog = ChatSettingsDialog(ChatSettings(), Defaults(), None, lang=lang)
    qtbot.addWidget(dialog)
    dialog.show()
    retype(qtbot, dialog.temperature, typed)
    qtbot.keyClick(dialog.temperature, Qt.Key.Key_Return)  # Enter accepts the dialog, as people do
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings().temperature == pytest.approx(0.7)


@pytest.mark.parametrize("lang, shown", [("ru", "0,3"), ("en", "0.3")])
def test_numbers_follow_the_ui_language_not_the_system(qtbot, memory_keyring, lang, shown):
    dialog = make_dialog(qtbot, Settings(temperature=0.3, max_tokens=12000), lang=lang)
    assert dialog.temperature_spin.text() == shown
    assert dialog.max_tokens_spin.text() == "12000"  # no group separator in either language
    chat = ChatSettingsDialog(ChatSettings(), Defaults(temperature=0.3), None, lang=lang)
    qtbot.addWidget(chat)
    assert shown in chat.temperature.specialValueText()
    assert format_number(0.75, lang) == ("0,75" if lang == "ru" else "0.75")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_value_out_of_range_is_corrected_and_said(qtbot, memory_keyring, lang):
    dialog = make_dialog(qtbot, Settings(folder_id=FAKE_FOLDER_ID), lang=lang)
    retype(qtbot, dialog.temperature_spin, "1.5")
    dialog.accept()
    assert dialog.settings_result().settings.temperature == 1.0
    note = dialog.temperature_note
    assert note.state == StatusLine.WARNING and "1" in note.message and "highest" in note.message


def test_too_many_decimals_are_rounded_and_said(qtbot):
    spin = DecimalSpinBox("ru")
    qtbot.addWidget(spin)
    spin.setRange(0, 1)
    spin.setDecimals(2)
    said: list[str] = []
    spin.corrected.connect(said.append)
    spin.show()
    retype(qtbot, spin, "0.755")
    assert spin.commit() == pytest.approx(0.76)
    assert said and "0,76" in said[0]


def test_chat_dialog_does_not_close_on_a_corrected_value_before_showing_it(qtbot):
    dialog = ChatSettingsDialog(ChatSettings(), Defaults(), None, lang="ru")
    qtbot.addWidget(dialog)
    dialog.show()
    retype(qtbot, dialog.temperature, "2,5")
    dialog.accept()
    assert dialog.isVisible() and dialog.temperature_note.isVisible()
    assert "1" in dialog.temperature_note.text()
    dialog.accept()  # seen: the second OK closes it with the corrected value
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_settings().temperature == 1.0


def test_letters_cannot_be_typed_and_the_app_default_stays_reachable(qtbot):
    dialog = ChatSettingsDialog(ChatSettings(temperature=0.5), Defaults(), None, lang="en")
    qtbot.addWidget(dialog)
    dialog.show()
    retype(qtbot, dialog.temperature, "abc")
    assert dialog.temperature.commit() == pytest.approx(0.5)  # nothing typed was a number: kept
    dialog.temperature.setValue(dialog.temperature.minimum())
    assert dialog.result_settings().temperature is None  # "App default"
