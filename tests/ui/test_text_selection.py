"""Selecting a message's text with the mouse, in place, in the chat view (issue 15)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtTest import QTest

from desktop_chat.store import Message
from desktop_chat.ui.chat_delegate import PADDING
from desktop_chat.ui.chat_view import ROW_ROLE, ChatModel, ChatView, Row
from desktop_chat.ui.theme import LIGHT

FIRST = "The quick brown fox jumps over the lazy dog. Then it sleeps all day."
SECOND = "A second paragraph with more words."
LINKED = "Read [the docs](https://example.com/docs) first."
RUSSIAN = "Привет, как дела? Сегодня хорошая погода для прогулки."
CODE = "Before the code.\n\n```python\nprint('hello')\nx = 1\n```\n\nAfter the code."
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def _message(number: int, text: str, role: str = "assistant") -> Message:
    return Message(id=f"m{number}", role=role, text=text, created_at=float(number))


@pytest.fixture
def chat(qtbot):
    """A chat view with a few messages, each with a link under it (its footer), shown on screen."""
    model = ChatModel()
    # Copy goes to the icon bar; a web source stays a link under the text (hover_bar.is_text_link).
    model.decorate = lambda row, is_last: setattr(row, "actions", [("action:copy", "Copy"),
                                                                   ("https://example.com/source", "Source")])
    view = ChatView(LIGHT)
    view.setModel(model)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)

    def show(*texts: str) -> ChatView:
        model.set_messages([_message(number, text) for number, text in enumerate(texts)])
        view.executeDelayedItemsLayout()
        view.scrollToTop()
        return view

    return show


def _index(view: ChatView, number: int):
    """The model index of the chat's `number`-th message row (day separators are rows too)."""
    model = view.model()
    rows = [n for n in range(model.rowCount()) if model.index(n, 0).data(ROW_ROLE).kind in ("message", "streaming")]
    return model.index(rows[number], 0)


def _doc(view: ChatView, number: int):
    index = _index(view, number)
    row = index.data(ROW_ROLE)
    rect = view.visualRect(index)
    message = view.chat_delegate.message_document(row, rect.width())
    return message, view.chat_delegate.bubble_rect(row, rect, message.document)


def _page_of(view: ChatView, number: int, text: str) -> int:
    """Which page of message `number` holds `text` (a long message is shown on several pages)."""
    message, _bubble = _doc(view, number)
    pages = [page for page, doc in enumerate(message.documents) if not doc.find(text).isNull()]
    assert pages, text
    return pages[0]


def _point(view: ChatView, number: int, text: str, offset: int = 0) -> QPoint:
    """Where, on the view's viewport, the character `offset` characters into `text` of row `number` is
    (its left edge, mid-line), on whichever page of the message holds it."""
    message, bubble = _doc(view, number)
    page = _page_of(view, number, text)
    doc = message.documents[page]
    top = sum(above.size().height() for above in message.documents[:page])
    found = doc.find(text)
    position = found.selectionStart() + offset
    block = doc.findBlock(position)
    line = block.layout().lineForTextPosition(position - block.position())
    box = doc.documentLayout().blockBoundingRect(block)
    x = line.cursorToX(position - block.position())
    x = x[0] if isinstance(x, tuple) else x
    local = QPointF(box.left() + x + 1, box.top() + line.y() + line.height() / 2)
    assert doc.documentLayout().hitTest(local, Qt.HitTestAccuracy.FuzzyHit) == position, "the helper misplaced"
    return (local + QPointF(bubble.topLeft() + QPoint(PADDING, PADDING + top))).toPoint()


def _end(view: ChatView, number: int, text: str) -> QPoint:
    return _point(view, number, text, len(text))


def _drag(view: ChatView, start: QPoint, end: QPoint, modifiers=NONE) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, modifiers, start)
    middle = (start + end) / 2
    QTest.mouseMove(viewport, middle)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, LEFT, modifiers, end)


def _copy(view: ChatView) -> str:
    QGuiApplication.clipboard().clear()
    QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    return QGuiApplication.clipboard().text()


def test_dragging_across_a_sentence_selects_exactly_it_and_ctrl_c_copies_it(chat) -> None:
    view = chat(FIRST, SECOND)
    sentence = "quick brown fox jumps"
    _drag(view, _point(view, 0, sentence), _end(view, 0, sentence))
    assert view.text_selection.selected_text() == sentence
    assert _copy(view) == sentence


def test_the_selection_is_painted_over_the_text(chat) -> None:
    view = chat(FIRST)
    before = view.viewport().grab().toImage()
    _drag(view, _point(view, 0, "quick"), _end(view, 0, "brown"))
    after = view.viewport().grab().toImage()
    inside = _point(view, 0, "quick", 2)
    assert after.pixelColor(inside) != before.pixelColor(inside)
    selected = QColor(LIGHT.selection)
    assert any(after.pixelColor(inside + QPoint(dx, dy)) == selected for dx in range(4) for dy in range(-3, 4))


def test_double_click_selects_a_word(chat) -> None:
    view = chat(FIRST)
    QTest.mouseDClick(view.viewport(), LEFT, NONE, _point(view, 0, "brown", 2))
    assert view.text_selection.selected_text() == "brown"


def test_triple_click_selects_the_paragraph(chat) -> None:
    view = chat(f"{FIRST}\n\n{SECOND}")
    point = _point(view, 0, "paragraph", 3)
    QTest.mouseDClick(view.viewport(), LEFT, NONE, point)
    QTest.mouseClick(view.viewport(), LEFT, NONE, point)
    assert view.text_selection.selected_text() == SECOND


def test_a_click_long_after_a_double_click_is_not_a_triple_click(chat, monkeypatch) -> None:
    import desktop_chat.ui.text_selection as module

    view = chat(f"{FIRST}\n\n{SECOND}")
    point = _point(view, 0, "paragraph", 3)
    QTest.mouseDClick(view.viewport(), LEFT, NONE, point)
    later = module.time.monotonic() + 5
    monkeypatch.setattr(module.time, "monotonic", lambda: later)
    QTest.mouseClick(view.viewport(), LEFT, NONE, point)
    assert view.text_selection.selected_text() == ""


def test_shift_click_extends_the_selection(chat) -> None:
    view = chat(FIRST)
    _drag(view, _point(view, 0, "quick"), _end(view, 0, "quick"))
    QTest.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.ShiftModifier, _end(view, 0, "lazy dog"))
    assert view.text_selection.selected_text() == "quick brown fox jumps over the lazy dog"


def test_a_selection_across_two_paragraphs_and_into_code(chat) -> None:
    view = chat(f"{FIRST}\n\n{SECOND}", CODE)
    _drag(view, _point(view, 0, "Then it"), _end(view, 0, "second paragraph"))
    assert view.text_selection.selected_text() == "Then it sleeps all day.\nA second paragraph"
    _drag(view, _point(view, 1, "code."), _end(view, 1, "x = 1"))
    copied = view.text_selection.selected_text()
    assert copied.startswith("code.\n") and "print('hello')\nx = 1" in copied


def test_a_drag_below_the_text_stops_at_its_end_not_in_the_links_under_it(chat) -> None:
    view = chat(FIRST, SECOND)
    message, bubble = _doc(view, 0)
    _drag(view, _point(view, 0, "Then"), QPoint(bubble.center().x(), bubble.bottom() - 2))
    assert view.text_selection.selected_text() == "Then it sleeps all day."
    assert "Source" in message.document.toPlainText()  # the footer's link is there, and not selected


def test_a_click_on_a_link_activates_it_and_selects_nothing(chat, qtbot) -> None:
    view = chat(LINKED)
    point = _point(view, 0, "the docs", 2)
    with qtbot.waitSignal(view.linkActivated) as signal:
        QTest.mouseClick(view.viewport(), LEFT, NONE, point)
    assert signal.args[1] == "https://example.com/docs"
    assert view.text_selection.selected_text() == ""


def test_a_drag_from_or_onto_a_link_selects_and_does_not_open_it(chat, qtbot) -> None:
    view = chat(LINKED)
    with qtbot.assertNotEmitted(view.linkActivated):
        _drag(view, _point(view, 0, "docs"), _end(view, 0, "first"))
    assert view.text_selection.selected_text() == "docs first"
    with qtbot.assertNotEmitted(view.linkActivated):
        _drag(view, _point(view, 0, "Read"), _end(view, 0, "the do"))
    assert view.text_selection.selected_text() == "Read the do"


def test_a_drag_into_the_next_message_stops_at_the_end_of_its_own(chat) -> None:
    view = chat(FIRST, SECOND)
    _drag(view, _point(view, 0, "Then"), _point(view, 1, "paragraph"))
    assert view.text_selection.selected_text() == "Then it sleeps all day."
    assert view.currentIndex() == _index(view, 0)  # the rows are not dragged through: the message stays chosen
    _drag(view, _end(view, 1, "second paragraph"), _point(view, 0, "quick"))
    assert view.text_selection.selected_text() == "A second paragraph"  # upwards: to the start


def test_a_plain_click_clears_the_selection(chat) -> None:
    view = chat(FIRST)
    _drag(view, _point(view, 0, "quick"), _end(view, 0, "brown"))
    QTest.mouseClick(view.viewport(), LEFT, NONE, _point(view, 0, "lazy"))
    assert not view.text_selection.has_selection()


def test_ctrl_c_without_a_selection_still_copies_the_whole_message(chat, qtbot) -> None:
    view = chat(FIRST, SECOND)
    QTest.mouseClick(view.viewport(), LEFT, NONE, _point(view, 1, "second", 2))  # chooses it, selects nothing
    with qtbot.waitSignal(view.linkActivated) as signal:
        QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert signal.args[0].message.id == "m1" and signal.args[1] == "action:copy"
    _drag(view, _point(view, 1, "second"), _end(view, 1, "paragraph"))
    QTest.keyClick(view, Qt.Key.Key_Up)  # another message chosen with the keyboard: Ctrl+C copies it whole
    with qtbot.waitSignal(view.linkActivated) as signal:
        QTest.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert signal.args[0].message.id == "m0" and signal.args[1] == "action:copy"


def test_ctrl_a_selects_the_chosen_message_s_text_only(chat) -> None:
    view = chat(FIRST, f"{RUSSIAN}\n\n{SECOND}")
    QTest.mouseClick(view.viewport(), LEFT, NONE, _point(view, 1, "Сегодня"))
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert view.text_selection.selected_text() == f"{RUSSIAN}\n{SECOND}"  # not the "Copy" link under it


def test_a_selection_in_a_russian_message(chat) -> None:
    view = chat(RUSSIAN)
    _drag(view, _point(view, 0, "как дела"), _end(view, 0, "хорошая погода"))
    assert _copy(view) == "как дела? Сегодня хорошая погода"
    QTest.mouseDClick(view.viewport(), LEFT, NONE, _point(view, 0, "погода", 2))
    assert view.text_selection.selected_text() == "погода"


def test_the_selection_stays_on_its_text_when_the_view_scrolls_and_the_rows_are_rebuilt(chat) -> None:
    texts = [f"Message number {n}. " + "Some filler words to make it long. " * 8 for n in range(40)]
    view = chat(*texts)  # the newest 30 are shown at first (chat_model.INITIAL_WINDOW)
    model = view.model()
    assert model.has_more_above()
    bar = view.verticalScrollBar()
    row = 2
    name = f"number {_index(view, row).data(ROW_ROLE).message.id[1:]}"
    _drag(view, _point(view, row, name), _end(view, row, name))
    selected = QColor(LIGHT.selection)

    def painted() -> bool:
        image = view.viewport().grab().toImage()
        inside = _point(view, row, name, 3)  # where the text is now
        return any(image.pixelColor(inside + QPoint(dx, dy)) == selected for dx in range(4) for dy in range(-3, 4))

    assert painted()
    bar.setValue(bar.value() + 60)
    assert painted() and view.text_selection.selected_text() == name
    model.refresh()  # what a started reply or a new note under a message does: the same messages
    view.executeDelayedItemsLayout()
    assert painted() and view.text_selection.selected_text() == name
    view.keep_position_while(model.grow_up)  # older messages added above, as when scrolled to the top
    shown = [_index(view, n).data(ROW_ROLE).message.text for n in range(len(texts) - 20)]
    row = next(n for n, text in enumerate(shown) if f"{name}." in text)
    assert row == 12
    assert painted() and view.text_selection.selected_text() == name
    model.set_messages([_message(n, t) for n, t in enumerate(texts)])  # the chat opened again
    assert view.text_selection.selected_text() == ""


def test_a_drag_held_below_the_view_scrolls_and_extends(chat, qtbot) -> None:
    texts = [f"Message number {n}. " + "Some filler words to make it long. " * 30 for n in range(3)]
    view = chat(*texts)
    bar = view.verticalScrollBar()
    viewport = view.viewport()
    start = _point(view, 0, "number 0")
    QTest.mousePress(viewport, LEFT, NONE, start)
    QTest.mouseMove(viewport, start + QPoint(40, 0))
    below = QPoint(start.x(), viewport.height() + 10)
    QTest.mouseMove(viewport, below)
    qtbot.waitUntil(lambda: bar.value() > 60)
    QTest.mouseRelease(viewport, LEFT, NONE, below)
    value = bar.value()
    qtbot.wait(100)
    assert bar.value() == value  # the release stopped the scrolling
    assert len(view.text_selection.selected_text()) > len("number 0. Some filler words")


def test_a_streaming_reply_is_selectable_while_it_grows(chat) -> None:
    view = chat(FIRST)
    model = view.model()
    streaming = Row("streaming", text="Streaming words arrive here.")
    model.set_tail([streaming])
    view.executeDelayedItemsLayout()
    _drag(view, _point(view, 1, "words"), _end(view, 1, "arrive"))
    assert view.text_selection.selected_text() == "words arrive"
    streaming.text += " And more words keep coming."
    model.refresh()
    view.viewport().repaint()
    assert view.text_selection.selected_text() == "words arrive"
    _message_doc, bubble = _doc(view, 1)
    _drag(view, _point(view, 1, "keep"), QPoint(bubble.left() + 2, bubble.bottom() + 4))  # below it, at the left
    assert view.text_selection.selected_text() == "keep coming."


def test_the_menu_copies_the_selection_and_selects_all_in_place(make_window, monkeypatch) -> None:
    from PySide6 import QtWidgets

    window = make_window(online=False)
    chat = window.store.create_chat("Selecting")
    window.store.append_message(chat.id, _message(1, FIRST, "user"))
    window.store.append_message(chat.id, _message(2, f"{RUSSIAN}\n\n{SECOND}"))
    window.open_chat(chat.id)
    view = window.chat_view
    view.executeDelayedItemsLayout()
    menus: list[dict] = []

    class Menu(QtWidgets.QMenu):
        def exec(self, *_args) -> None:  # type: ignore[override]
            menus.append({action.text(): action for action in self.actions()})

    monkeypatch.setattr(QtWidgets, "QMenu", Menu)
    row = _index(view, 1).data(ROW_ROLE)
    window.message_actions.show_menu(row, QPoint())
    assert "Copy selected text" not in menus[-1]
    menus[-1]["Select all text"].trigger()
    assert view.text_selection.selected_text() == f"{RUSSIAN}\n{SECOND}"
    _drag(view, _point(view, 1, "Сегодня"), _end(view, 1, "погода"))
    window.message_actions.show_menu(row, QPoint())
    QGuiApplication.clipboard().clear()
    menus[-1]["Copy selected text"].trigger()
    assert QGuiApplication.clipboard().text() == "Сегодня хорошая погода"
    window.message_actions.show_menu(_index(view, 0).data(ROW_ROLE), QPoint())
    assert "Copy selected text" not in menus[-1]  # the selection is in another message


def test_selecting_a_word_in_a_cell_of_a_table(chat) -> None:
    view = chat("| Name | City |\n|---|---|\n| Anna | Moscow |\n| Boris | Kazan |")
    QTest.mouseDClick(view.viewport(), LEFT, NONE, _point(view, 0, "Moscow", 2))
    assert view.text_selection.selected_text() == "Moscow"
