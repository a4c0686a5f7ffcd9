"""The open chat as in chat apps people know: message actions as icons under the hovered message,
"Copied ✓" in place, the keyboard's way to every action, day separators and times, and code blocks
shown without wrapping."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit

from desktop_chat.store import Message
from desktop_chat.ui import hover_bar
from desktop_chat.ui.chat_view import ROW_ROLE
from desktop_chat.ui.i18n import install_translator

WAIT = 5000
DAY = 86_400


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> float:
    return time.mktime((year, month, day, hour, minute, 0, 0, 0, -1))


def fill(window, messages: list[tuple[str, str, float]], **extra) -> str:
    chat = window.store.create_chat("Chat")
    for role, text, created in messages:
        window.store.append_message(chat.id, Message.new(role, text, created_at=created, **extra.get(text, {})))
    window.chat_list_model.set_chats(window.store.list_chats())
    window.open_chat(chat.id)
    window.chat_view.viewport().repaint()
    return chat.id


def rows(window) -> list:
    model = window.chat_model
    return [model.index(i).data(ROW_ROLE) for i in range(model.rowCount())]


def index_of(window, message_id: str):
    return window.chat_model.index(window.chat_model.row_of_message(message_id))


def bar_item(window, message_id: str, href: str) -> hover_bar.BarItem:
    view = window.chat_view
    index = index_of(window, message_id)
    items = view.chat_delegate.bar_items(index.data(ROW_ROLE), view.visualRect(index))
    return next(item for item in items if item.href == href)


def ink(window, item: hover_bar.BarItem) -> int:
    """How many pixels of the button's square differ from its corner (the background): the icon's ink."""
    view = window.chat_view
    view.viewport().repaint()
    image: QImage = view.viewport().grab(item.rect).toImage()
    background = image.pixel(0, 0)
    return sum(image.pixel(x, y) != background for x in range(image.width()) for y in range(image.height()))


def move_mouse(qtbot, window, pos: QPoint) -> None:
    qtbot.mouseMove(window.chat_view.viewport(), QPoint(1, 1))
    qtbot.mouseMove(window.chat_view.viewport(), pos)


def two_exchanges(window) -> list[Message]:
    now = time.time()
    fill(window, [("user", "First question", now - 600), ("assistant", "First **answer**", now - 590),
                  ("user", "Second question", now - 300), ("assistant", "Second answer", now - 290)])
    return window.chat_model.messages


def test_hovering_a_message_shows_its_bar_and_copy_shows_a_check_then_reverts(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    first_answer = two_exchanges(window)[1]
    copy = bar_item(window, first_answer.id, "action:copy")
    assert [i.href for i in window.chat_view.chat_delegate.bar_items(
        index_of(window, first_answer.id).data(ROW_ROLE), window.chat_view.visualRect(
            index_of(window, first_answer.id)))][:2] == ["action:copy", "bar:more"]
    move_mouse(qtbot, window, QPoint(2, 2))
    assert ink(window, copy) == 0  # not the last message, not chosen, not under the mouse: no bar

    move_mouse(qtbot, window, copy.rect.center())
    assert window.chat_view.chat_delegate.bar.hovered == f"m:{first_answer.id}"
    shown = ink(window, copy)
    assert shown > 10  # the copy icon is drawn
    assert window.chat_view.tooltip_at(copy.rect.center()) == "Copy"

    window.chat_view._copied_timer.setInterval(200)
    QApplication.clipboard().clear()
    qtbot.mouseClick(window.chat_view.viewport(), Qt.MouseButton.LeftButton, pos=copy.rect.center())
    assert QApplication.clipboard().text() == "First answer"  # as read, without the Markdown
    assert window.chat_view.chat_delegate.bar.copied == f"m:{first_answer.id}"
    checked = window.chat_view.viewport().grab(copy.rect).toImage()
    time_slot = bar_item(window, first_answer.id, hover_bar.TIME)
    assert ink(window, time_slot) > 0
    qtbot.waitUntil(lambda: window.chat_view.chat_delegate.bar.copied == "", timeout=WAIT)
    window.chat_view.viewport().repaint()
    assert window.chat_view.viewport().grab(copy.rect).toImage() != checked  # the copy icon is back


def test_rows_keep_their_height_when_the_mouse_moves(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    first_answer = two_exchanges(window)[1]
    index = index_of(window, first_answer.id)
    before = window.chat_view.visualRect(index)
    move_mouse(qtbot, window, before.center())
    assert window.chat_view.chat_delegate.bar.hovered == f"m:{first_answer.id}"
    window.chat_view.scheduleDelayedItemsLayout()  # measure the rows again with the mouse on one
    window.chat_view.executeDelayedItemsLayout()
    assert window.chat_view.visualRect(index) == before


def test_the_last_reply_and_the_chosen_row_show_their_bars_without_the_mouse(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    messages = two_exchanges(window)
    move_mouse(qtbot, window, QPoint(2, 2))
    assert ink(window, bar_item(window, messages[3].id, "action:regenerate")) > 10
    first_question = bar_item(window, messages[0].id, "action:edit")
    assert ink(window, first_question) == 0
    window.chat_view.setCurrentIndex(index_of(window, messages[0].id))
    assert ink(window, first_question) > 10


def test_the_keyboard_reaches_every_bar_button_and_the_menu_lists_every_action(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    messages = two_exchanges(window)
    view = window.chat_view
    view.setFocus()
    view.setCurrentIndex(index_of(window, messages[3].id))
    row = view.currentIndex().data(ROW_ROLE)
    expected = [i.href for i in hover_bar.buttons(view.chat_delegate.bar_items(row, view.visualRect(
        view.currentIndex())))]
    assert {"action:copy", "action:regenerate", hover_bar.MORE} <= set(expected)
    reached = []
    for _ in expected:
        qtbot.keyClick(view, Qt.Key.Key_Right)
        reached.append(view.bar_focus())
    assert reached == expected
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.bar_focus() == expected[-2]

    # Enter presses the chosen button: back to Copy, then Enter.
    while view.bar_focus() != "action:copy":
        qtbot.keyClick(view, Qt.Key.Key_Right)
    QApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert QApplication.clipboard().text() == "Second answer"

    # The menu (Menu key, Shift+F10, "more…") lists every action of the row, icons or not.
    shown: list[list[str]] = []

    def read_and_close_the_menu() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            shown.append([a.text() for a in menu.actions()])
            menu.close()
        else:
            QTimer.singleShot(20, read_and_close_the_menu)

    while view.bar_focus() != hover_bar.MORE:
        qtbot.keyClick(view, Qt.Key.Key_Right)
    QTimer.singleShot(20, read_and_close_the_menu)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    QTimer.singleShot(20, read_and_close_the_menu)
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert len(shown) == 2
    for labels in shown:
        assert all(label in labels for _href, label in row.actions)


def test_an_error_rows_retry_is_visible_without_hover(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    now = time.time()
    fill(window, [("user", "Question", now - 60), ("assistant", "", now - 50)],
         **{"": {"status": "error", "error": "auth"}})
    window.sessions.live = lambda _chat_id: None  # no reply in flight
    window.chat_model.refresh()
    move_mouse(qtbot, window, QPoint(2, 2))
    view = window.chat_view
    failed = window.chat_model.messages[1]
    index = index_of(window, failed.id)
    row = index.data(ROW_ROLE)
    assert ("action:retry", "Retry") in row.actions and ("action:settings", "Open settings") in row.actions
    doc = view.chat_delegate.document(row, view.viewport().width())
    assert 'href="action:retry"' in doc.toHtml() and 'href="action:settings"' in doc.toHtml()  # words, not icons
    rect = view.visualRect(index)
    points = (QPoint(x, y) for y in range(rect.top(), rect.bottom(), 2) for x in range(rect.left(), rect.right(), 3))
    assert any(view.anchor_at(p)[1] == "action:retry" for p in points)
    assert all(i.href != "action:retry" for i in view.chat_delegate.bar_items(row, rect))


def test_day_separators_say_today_yesterday_and_dates_in_both_languages(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    now = at(2026, 6, 15, 12)
    window.chat_list_model.clock = lambda: now
    fill(window, [("user", "a", at(2025, 11, 12, 10)), ("assistant", "b", at(2025, 11, 12, 10, 1)),
                  ("user", "c", at(2026, 3, 3, 9)), ("user", "d", at(2026, 6, 14, 23)),
                  ("user", "e", at(2026, 6, 15, 8)), ("assistant", "f", at(2026, 6, 15, 8, 1))])
    kinds_and_texts = [(r.kind, r.text if r.kind == "day" else r.message.text) for r in rows(window)]
    assert kinds_and_texts == [("day", "12 November 2025"), ("message", "a"), ("message", "b"),
                               ("day", "3 March"), ("message", "c"), ("day", "Yesterday"), ("message", "d"),
                               ("day", "Today"), ("message", "e"), ("message", "f")]
    assert len(window.chat_model.messages) == 6  # separators are rows, not messages
    assert window.chat_view.chat_delegate.time_text(at(2026, 6, 15, 14, 32)).replace("\u202f", " ") == "2:32 PM"
    app = QApplication.instance()
    try:
        assert install_translator(app, "ru")
        window.chat_model.refresh()
        days = [r.text for r in rows(window) if r.kind == "day"]
        assert days == ["12 ноября 2025", "3 марта", "Вчера", "Сегодня"]
        assert window.chat_view.chat_delegate.time_text(at(2026, 6, 15, 14, 32)) == "14:32"
        assert "2026" in window.chat_view.chat_delegate.full_time(at(2026, 6, 15, 14, 32))
    finally:
        install_translator(app, "en")
        window.chat_model.refresh()


def test_the_time_is_in_the_bar_with_the_full_date_in_its_tooltip(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    messages = two_exchanges(window)
    item = bar_item(window, messages[3].id, hover_bar.TIME)
    assert item.label == window.chat_view.chat_delegate.time_text(messages[3].created_at)
    tip = window.chat_view.tooltip_at(item.rect.center())
    assert str(time.localtime(messages[3].created_at).tm_year) in tip and item.label in tip


def test_up_and_down_step_over_day_separators(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    now = time.time()
    fill(window, [("user", "old", now - 3 * DAY), ("assistant", "older reply", now - 3 * DAY + 5),
                  ("user", "new", now)])
    view = window.chat_view
    view.setFocus()
    view.setCurrentIndex(index_of(window, window.chat_model.messages[2].id))
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().data(ROW_ROLE).message.text == "older reply"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().data(ROW_ROLE).message.text == "new"


@pytest.fixture
def long_chat_over_many_days(make_window):
    window = make_window(None, online=False)
    start = time.time() - 300 * DAY
    texts = [f"сообщение номер {i}" for i in range(200)]
    texts[20] = "Рецепт пирога с ВИШНЕЙ"
    texts[150] = "ещё про вишню"
    chat = window.store.create_chat("Выпечка")
    for i, text in enumerate(texts):
        window.store.append_message(chat.id, Message.new("user" if i % 2 == 0 else "assistant", text,
                                                         created_at=start + i * DAY))
    window.chat_list_model.set_chats(window.store.list_chats())
    return window, chat, texts


def test_find_in_chat_lands_on_the_message_with_day_rows(qtbot, long_chat_over_many_days) -> None:
    window, chat, texts = long_chat_over_many_days
    window.open_chat(chat.id)
    assert any(r.kind == "day" for r in rows(window))
    window.window_actions.find.trigger()
    window.find_bar.find_box.setText("вишн")
    assert window.chat_view.currentIndex().data(ROW_ROLE).message.text == texts[150]
    window.find_bar.step(1)
    current = window.chat_view.currentIndex()
    assert current.data(ROW_ROLE).message.text == texts[20]
    assert window.chat_view.viewport().rect().intersects(window.chat_view.visualRect(current))


def test_enter_on_a_search_result_opens_the_chat_at_the_message_with_day_rows(qtbot, long_chat_over_many_days):
    window, chat, texts = long_chat_over_many_days
    window.sidebar.search_box.setText("пирога")
    qtbot.waitUntil(lambda: window.sidebar.results_model.rowCount() > 0, timeout=WAIT)
    results = window.sidebar.results_list
    results.setFocus()
    results.setCurrentIndex(window.sidebar.results_model.index(0))
    qtbot.keyClick(results, Qt.Key.Key_Return)
    assert window.chat_id == chat.id
    current = window.chat_view.currentIndex()
    assert current.data(ROW_ROLE).message.text == texts[20]
    assert window.chat_view.viewport().rect().intersects(window.chat_view.visualRect(current))


def test_no_wrap_shows_the_code_block_unwrapped_and_the_toggle_wraps_it_again(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    code = "x = [" + ", ".join(str(i) for i in range(150)) + "]"
    now = time.time()
    fill(window, [("user", "code", now - 10), ("assistant", f"Here:\n\n```python\n{code}\n```", now)])
    view = window.chat_view
    index = index_of(window, window.chat_model.messages[1].id)
    rect = view.visualRect(index)
    points = (QPoint(x, y) for y in range(rect.top(), rect.bottom(), 3) for x in range(rect.left(), rect.right(), 3))
    target = next((p for p in points if view.anchor_at(p)[1] == "wrap-code:0"), None)
    assert target is not None, "no wrap toggle drawn over the code block"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    viewer = window.message_actions.code_viewer
    qtbot.waitUntil(viewer.isVisible, timeout=WAIT)
    assert viewer.text.toPlainText() == code
    assert viewer.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    bar = viewer.text.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT)  # one long line, scrolled sideways
    assert viewer.text.document().lineCount() == 1
    viewer.wrap.click()
    assert viewer.text.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    qtbot.waitUntil(lambda: bar.maximum() == 0, timeout=WAIT)
    viewer.close()


def test_a_version_pager_is_always_visible_and_other_actions_go_under_more(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    decorate = window.chat_model.decorate

    def with_versions(row, is_last: bool) -> None:
        decorate(row, is_last)
        if row.message is not None and row.message.text == "First **answer**":
            row.actions += [("action:version-prev", "2/3"), ("action:version-next", "2/3"),
                            ("action:something-new", "Something new")]

    window.chat_model.decorate = with_versions
    first_answer = two_exchanges(window)[1]
    move_mouse(qtbot, window, QPoint(2, 2))
    view = window.chat_view
    index = index_of(window, first_answer.id)
    items = view.chat_delegate.bar_items(index.data(ROW_ROLE), view.visualRect(index))
    assert [i.href for i in items][:3] == ["action:version-prev", "bar:count", "action:version-next"]
    assert items[1].label == "2/3"
    assert "action:something-new" not in [i.href for i in items]  # not an icon: under "more…"
    assert ink(window, items[0]) > 5 and ink(window, items[1]) > 5  # shown without the mouse
    assert ink(window, bar_item(window, first_answer.id, "action:copy")) == 0
