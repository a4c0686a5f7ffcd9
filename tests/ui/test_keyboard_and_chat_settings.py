"""Keyboard paths and per-chat settings reaching the request."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit

from desktop_chat.store import ChatSettings, Message
from desktop_chat.ui.chat_settings_dialog import ChatSettingsDialog
from desktop_chat.ui.main_window import MainWindow
from tests.fixtures.fake_server import FAKE_FOLDER_ID

WAIT = 8000


def test_chat_settings_reach_the_request(qtbot, make_window, fake_server, monkeypatch) -> None:
    window = make_window(fake_server)
    chosen = ChatSettings(system_prompt="Отвечай одним словом.", model="yandexgpt/rc", temperature=0.8,
                          max_tokens=500)
    monkeypatch.setattr(ChatSettingsDialog, "exec", lambda self: 1)
    monkeypatch.setattr(ChatSettingsDialog, "result_settings", lambda self: chosen)
    window.window_actions.chat_settings.trigger()
    fake_server.script_reply("Да", chunks=1)
    window.composer.sendRequested.emit("Вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)
    body = fake_server.completion_requests()[-1].body
    assert body["modelUri"] == f"gpt://{FAKE_FOLDER_ID}/yandexgpt/rc"
    assert body["messages"][0] == {"role": "system", "text": "Отвечай одним словом."}
    assert float(body["completionOptions"]["temperature"]) == 0.8
    assert int(body["completionOptions"]["maxTokens"]) == 500
    assert window.store.load_chat(window.chat_id).settings == chosen  # kept with the chat


def test_chat_settings_dialog_round_trip(qtbot) -> None:
    from desktop_chat.chat.conversation import Defaults

    dialog = ChatSettingsDialog(ChatSettings(system_prompt="x", model="", temperature=None, max_tokens=None),
                                Defaults(), None)
    qtbot.addWidget(dialog)
    assert dialog.result_settings() == ChatSettings(system_prompt="x")  # defaults stay "use the app's"
    dialog.temperature.setValue(0.5)
    dialog.max_tokens.setValue(1000)
    dialog.model.setCurrentIndex(dialog.model.findData("yandexgpt"))
    assert dialog.result_settings() == ChatSettings(system_prompt="x", model="yandexgpt", temperature=0.5,
                                                    max_tokens=1000)


def test_keyboard_moves_between_chats_and_escape_stops(qtbot, make_window, fake_server) -> None:
    window: MainWindow = make_window(fake_server)
    ids = []
    for title in ("Первый", "Второй", "Третий"):
        chat = window.store.create_chat(title)
        window.store.append_message(chat.id, Message.new("user", title))
        ids.append(chat.id)
    window.chat_list_model.set_chats(window.store.list_chats())
    order = [c.id for c in window.chat_list_model.chats()]
    window.activateWindow()  # window shortcuts need the active window, as on a desktop
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    editor = window.composer.edit
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.chat_id == order[0]
    qtbot.keyClick(editor, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.chat_id == order[1]
    qtbot.keyClick(editor, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.chat_id == order[0]

    fake_server.script_reply("a b c d e f g h", chunks=8, delay=0.3)
    window.composer.edit.setPlainText("Ещё")
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.stream is None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.store.load_chat(order[0]).messages[-1].status == "stopped", timeout=WAIT)

    qtbot.keyClick(editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.search_box.hasFocus()
    qtbot.keyClick(window.sidebar.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.chat_id is None and window.composer.edit.hasFocus()


def test_shift_enter_makes_a_new_line(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    window.composer.edit.setFocus()
    qtbot.keyClicks(window.composer.edit, "line one")  # QTest types ASCII only
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.composer.edit, "line two")
    assert window.composer.text() == "line one\nline two"


def test_controls_have_accessible_names_and_actions_show_shortcuts(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    for widget in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit):
        if widget.isVisibleTo(window) and widget.objectName():
            assert widget.accessibleName(), widget.objectName()
    for button in window.findChildren(QAbstractButton):
        if button.isVisibleTo(window):
            assert button.text() or button.accessibleName() or button.toolTip(), button.objectName()
    actions = window.window_actions
    for action in (actions.new, actions.search, actions.stop, actions.regenerate, actions.find):
        assert action.shortcut().toString() and action.shortcut().toString(
            action.shortcut().SequenceFormat.NativeText) in action.toolTip()
