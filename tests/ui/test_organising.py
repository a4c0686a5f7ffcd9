"""Finding and organising chats in the window: search, find-in-chat, rename, pin, delete and undo,
duplicate, export and import, window state, language and theme at run time."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from desktop_chat.settings import Settings, SettingsStore
from desktop_chat.store import Message
from desktop_chat.ui.chat_view import ROW_ROLE
from desktop_chat.ui.i18n import install_translator
from desktop_chat.ui.theme import DARK, LIGHT, apply_theme

WAIT = 5000


def fill(window, title: str, texts: list[str]):
    chat = window.store.create_chat(title)
    for i, text in enumerate(texts):
        window.store.append_message(chat.id, Message.new("user" if i % 2 == 0 else "assistant", text))
    window.chat_list_model.set_chats(window.store.list_chats())
    return chat


def selected_message(window) -> Message | None:
    index = window.chat_view.currentIndex()
    row = index.data(ROW_ROLE) if index.isValid() else None
    return row.message if row is not None else None


def test_russian_search_finds_the_message_and_opens_the_chat_there(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    fill(window, "Погода", ["Какая погода?", "Солнечно."])
    texts = [f"сообщение номер {i}" for i in range(200)]
    texts[20] = "Рецепт пирога с ВИШНЕЙ и миндалём"
    target_chat = fill(window, "Выпечка", texts)
    window.sidebar.search_box.setText("вишней")
    qtbot.waitUntil(lambda: window.sidebar.results_model.rowCount() > 0, timeout=WAIT)
    assert window.sidebar.stack.currentWidget() is window.sidebar.results_list
    first = window.sidebar.results_model.index(0)
    window.sidebar.results_list.clicked.emit(first)
    assert window.chat_id == target_chat.id
    message = selected_message(window)
    assert message is not None and message.text == texts[20]
    # The row is in view even though it was far above the newest messages.
    rect = window.chat_view.visualRect(window.chat_view.currentIndex())
    assert window.chat_view.viewport().rect().intersects(rect)


def test_search_with_no_results_says_so(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    fill(window, "Погода", ["Какая погода?"])
    window.sidebar.search_box.setText("несуществующееслово")
    qtbot.waitUntil(lambda: window.sidebar.stack.currentWidget() is window.sidebar.results_empty, timeout=WAIT)
    assert "несуществующееслово" in window.sidebar.results_empty.text()
    window.sidebar.search_box.clear()
    qtbot.waitUntil(lambda: window.sidebar.stack.currentWidget() is window.chat_list, timeout=WAIT)


def test_find_in_chat_walks_through_matches(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    texts = [f"строка {i}" for i in range(100)]
    texts[3] = "тут ключ"
    texts[90] = "и тут КЛЮЧ"
    chat = fill(window, "Поиск", texts)
    window.open_chat(chat.id)
    window.window_actions.find.trigger()
    assert window.find_bar.isVisible()
    window.find_bar.find_box.setText("ключ")
    assert selected_message(window).text == "и тут КЛЮЧ"  # the newest match first
    window.find_bar.step(1)
    assert selected_message(window).text == "тут ключ"
    assert window.find_bar.find_status.text() == "message 1 of 2"
    assert window.chat_view.chat_delegate.highlight == "ключ"  # the word is marked in the rows
    row = window.chat_view.currentIndex().data(ROW_ROLE)
    doc = window.chat_view.chat_delegate.document(row, window.chat_view.viewport().width())
    assert len(window.chat_view.chat_delegate._find_selections(doc)) == 1
    window.find_bar.close_bar()
    assert window.chat_view.chat_delegate.highlight == ""


def test_rename_pin_delete_and_undo(qtbot, make_window, monkeypatch) -> None:
    window = make_window(None, online=False)
    older = fill(window, "Старый", ["a"])
    newer = fill(window, "Новый", ["b"])
    window.open_chat(older.id)
    monkeypatch.setattr(QInputDialog, "exec", lambda self: (self.setTextValue("Переименованный"), 1)[1])
    window.window_actions.rename.trigger()
    qtbot.waitUntil(lambda: window.chat_list_model.get(older.id).title == "Переименованный", timeout=WAIT)
    assert window.title_label.text() == "Переименованный"

    window.open_chat(newer.id)
    assert window.chat_list_model.chats()[0].id == newer.id  # the most recent on top
    window.open_chat(older.id)
    window.window_actions.pin.trigger()
    qtbot.waitUntil(lambda: window.chat_list_model.chats()[0].id == older.id, timeout=WAIT)
    assert window.store.load_chat(older.id).summary.pinned

    window.window_actions.delete.trigger()
    qtbot.waitUntil(lambda: window.chat_list_model.get(older.id) is None, timeout=WAIT)
    assert window.chat_id == newer.id and window.undo_button.isVisible()  # the next chat opens
    assert older.id not in [c.id for c in window.store.list_chats()]
    window.undo_button.click()
    qtbot.waitUntil(lambda: window.chat_list_model.get(older.id) is not None, timeout=WAIT)
    assert window.chat_id == older.id
    assert [m.text for m in window.store.load_chat(older.id).messages] == ["a"]


def test_duplicate_copies_the_messages(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    chat = fill(window, "Оригинал", ["вопрос", "ответ"])
    window.open_chat(chat.id)
    window.window_actions.duplicate.trigger()
    qtbot.waitUntil(lambda: window.chat_id not in (None, chat.id), timeout=WAIT)
    assert [m.text for m in window.chat_model.messages] == ["вопрос", "ответ"]
    assert len(window.store.list_chats()) == 2


def test_export_and_import_round_trip_from_the_menu(qtbot, make_window, monkeypatch, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = make_window(None, online=False)
    chat = fill(window, "Экспорт", ["Привет, **мир**", "Ответ с `кодом`"])
    window.open_chat(chat.id)
    for fmt in ("md", "html", "json"):
        target = tmp_path / f"chat.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        getattr(window.window_actions, f"export_{fmt}").trigger()
        qtbot.waitUntil(target.exists, timeout=WAIT)
    assert "Привет, **мир**" in (tmp_path / "chat.md").read_text(encoding="utf-8")
    assert "<html" in (tmp_path / "chat.html").read_text(encoding="utf-8").lower()
    json.loads((tmp_path / "chat.json").read_text(encoding="utf-8"))

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "chat.json"), ""))
    window.window_actions.import_.trigger()
    qtbot.waitUntil(lambda: window.chat_id not in (None, chat.id), timeout=WAIT)  # the import opened
    assert len(window.store.list_chats()) == 2
    assert [m.text for m in window.chat_model.messages] == ["Привет, **мир**", "Ответ с `кодом`"]


def test_import_of_a_broken_file_explains_and_changes_nothing(qtbot, make_window, monkeypatch, tmp_path) -> None:
    from PySide6.QtWidgets import QMessageBox

    window = make_window(None, online=False)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    window.import_file(bad)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert "could not be imported" in shown[0]
    assert window.store.list_chats() == []


def test_window_size_and_split_are_remembered(qtbot, make_window, tmp_path: Path) -> None:
    config = SettingsStore(tmp_path / "config")
    window = make_window(None, online=False, settings=config.load())
    window.services.settings_store = config
    window.resize(777, 555)
    window.splitter.setSizes([300, 477])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window(None, online=False, settings=SettingsStore(tmp_path / "config").load())
    assert again.size().width() == 777 and again.size().height() == 555
    assert again.splitter.sizes() == sizes


def test_language_switches_at_run_time(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    app = QApplication.instance()
    assert window.sidebar.new_chat_button.text() == "New chat"
    try:
        assert install_translator(app, "ru")
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        qtbot.waitUntil(lambda: window.sidebar.new_chat_button.text() == "Новый чат", timeout=WAIT)
        assert window.composer.send_button.text() == "Отправить"
    finally:
        install_translator(app, "en")
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    qtbot.waitUntil(lambda: window.sidebar.new_chat_button.text() == "New chat", timeout=WAIT)


def mean_lightness(image) -> float:
    points = [(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)]
    return sum(image.pixelColor(x, y).lightness() for x, y in points) / len(points)


def test_theme_switches_at_run_time(qtbot, make_window) -> None:
    window = make_window(None, online=False, settings=Settings())
    chat = fill(window, "Тема", ["```python\nprint(1)\n```", "Ответ **жирный**"])
    window.open_chat(chat.id)
    app = QApplication.instance()
    try:
        apply_theme(app, "light")
        QApplication.processEvents()
        light = mean_lightness(window.grab().toImage())
        assert window.theme == LIGHT
        apply_theme(app, "dark")  # what the settings dialog does; the window follows through the notifier
        assert window.theme == DARK
        QApplication.processEvents()  # palette changes reach the widgets as events
        dark = mean_lightness(window.grab().toImage())
        assert dark < light - 80
    finally:
        apply_theme(app, "light")


def test_clicking_copy_under_a_code_block_copies_exactly_that_code(qtbot, make_window) -> None:
    from PySide6.QtCore import QPoint, Qt

    window = make_window(None, online=False)
    code = "def среднее(xs):\n    return sum(xs) / len(xs)"
    chat = fill(window, "Код", ["Покажи код", f"Вот так:\n\n```python\n{code}\n```\n\nГотово."])
    window.open_chat(chat.id)
    window.chat_view.viewport().repaint()
    view = window.chat_view
    index = window.chat_model.index(window.chat_model.row_of_message(window.chat_model.messages[1].id))
    rect = view.visualRect(index)
    points = (QPoint(x, y) for y in range(rect.top(), rect.bottom(), 3) for x in range(rect.left(), rect.right(), 4))
    target = next((p for p in points if view.anchor_at(p)[1] == "copy-code:0"), None)
    assert target is not None, "no copy link drawn under the code block"
    QApplication.clipboard().clear()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert QApplication.clipboard().text() == code


def test_search_shows_each_chat_once_with_its_match_count(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    chat = fill(window, "Пироги", ["Рецепт пирога с вишней", "Вишню берите свежую", "Про тесто", "Ещё вишня"])
    fill(window, "Сад", ["Вишня цветёт в мае"])
    window.sidebar.search_box.setText("вишн")
    qtbot.waitUntil(lambda: window.sidebar.results_model.rowCount() == 2, timeout=WAIT)
    titles = [window.sidebar.results_model.index(i).data() for i in range(2)]
    assert "Пироги (3)" in titles and "Сад" in titles
    row = titles.index("Пироги (3)")
    window.sidebar.results_list.clicked.emit(window.sidebar.results_model.index(row))
    assert window.chat_id == chat.id
    assert window.find_bar.isVisible() and window.find_bar.find_box.text() == "вишн"  # Enter walks to the others
    assert selected_message(window).text == "Ещё вишня"  # the newest match
