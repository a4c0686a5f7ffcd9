"""Selecting the text of a long message, shown as several documents ("pages") one under the other
(streaming_document.PAGE_CHARS, made small here so that a few paragraphs take several pages)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from desktop_chat.ui import streaming_document
from desktop_chat.ui.chat_view import ChatView, Row
from desktop_chat.ui.theme import LIGHT
from tests.ui.test_text_selection import (  # noqa: F401
    LEFT,
    NONE,
    _copy,
    _doc,
    _drag,
    _end,
    _index,
    _page_of,
    _point,
    chat,
)

WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
CODE = "```python\nprint('hello')\nx = 1\n```"


def _paragraph(word: str) -> str:
    return f"Paragraph {word} " + " ".join(f"{word}{n}" for n in range(12)) + "."


# Two paragraphs a page (alpha, bravo on the first; charlie, delta on the second; echo, foxtrot on the
# third; ...), then a code block and a last line on the last page.
LONG = "\n\n".join(_paragraph(word) for word in WORDS) + f"\n\n{CODE}\n\nThe end."


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming_document, "PAGE_CHARS", 200)


def _tall(view: ChatView) -> ChatView:
    view.resize(700, 1200)  # the whole long message on screen
    view.executeDelayedItemsLayout()
    view.scrollToTop()
    return view


def _one_page_text(chat) -> str:  # noqa: F811
    """The message's whole text as Ctrl+A, Ctrl+C copy it when it is shown on one page."""
    view = _tall(chat(LONG))
    message, _bubble = _doc(view, 0)
    assert len(message.documents) == 1
    QTest.mouseClick(view.viewport(), LEFT, NONE, _point(view, 0, "alpha3"))
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    return _copy(view)


def _painted(view: ChatView, point: QPoint) -> bool:
    image = view.viewport().grab().toImage()
    selected = QColor(LIGHT.selection)
    return any(image.pixelColor(point + QPoint(dx, dy)) == selected for dx in range(4) for dy in range(-3, 4))


def test_a_drag_within_the_second_page_selects_exactly_its_text(chat, pages) -> None:  # noqa: F811
    view = _tall(chat(LONG))
    assert _page_of(view, 0, "charlie3") == _page_of(view, 0, "delta2") == 1
    _drag(view, _point(view, 0, "charlie3"), _end(view, 0, "delta2"))
    expected = " ".join(f"charlie{n}" for n in range(3, 12)) + ".\nParagraph delta delta0 delta1 delta2"
    assert view.text_selection.selected_text() == expected
    assert _copy(view) == expected


def test_a_drag_from_the_first_page_to_the_third_copies_the_span_with_its_line_breaks(
        chat, pages, monkeypatch) -> None:  # noqa: F811
    with monkeypatch.context() as one_page:
        one_page.setattr(streaming_document, "PAGE_CHARS", 24_000)
        whole = _one_page_text(chat)
    view = chat(LONG)
    view.chat_delegate.clear_cache()  # the same message on one page is cached
    view = _tall(view)
    assert _page_of(view, 0, "alpha5") == 0 and _page_of(view, 0, "echo3") == 2
    _drag(view, _point(view, 0, "alpha5"), _end(view, 0, "echo3"))
    expected = whole[whole.index("alpha5"): whole.index("echo3") + len("echo3")]
    assert expected.count("\n") == 4  # bravo, charlie (a new page), delta, echo (a new page)
    assert _copy(view) == expected
    # Upwards, from the third page to the first: the same text.
    _drag(view, _end(view, 0, "echo3"), _point(view, 0, "alpha5"))
    assert view.text_selection.selected_text() == expected


def test_ctrl_a_copies_the_whole_text_of_all_pages_and_not_the_links_under_it(chat, monkeypatch) -> None:  # noqa: F811
    whole = _one_page_text(chat)
    assert whole.startswith("Paragraph alpha") and whole.endswith("The end.") and "Source" not in whole
    monkeypatch.setattr(streaming_document, "PAGE_CHARS", 200)
    view = chat(LONG)
    view.chat_delegate.clear_cache()  # the same message on one page is cached
    view = _tall(view)
    message, _bubble = _doc(view, 0)
    assert len(message.documents) > 3 and "Source" in message.documents[-1].toPlainText()
    QTest.mouseClick(view.viewport(), LEFT, NONE, _point(view, 0, "charlie3"))
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert _copy(view) == whole


def test_double_and_triple_click_on_the_third_page(chat, pages) -> None:  # noqa: F811
    view = _tall(chat(LONG))
    assert _page_of(view, 0, "foxtrot7") == 2
    point = _point(view, 0, "foxtrot7", 2)
    QTest.mouseDClick(view.viewport(), LEFT, NONE, point)
    assert view.text_selection.selected_text() == "foxtrot7"
    QTest.mouseClick(view.viewport(), LEFT, NONE, point)
    assert view.text_selection.selected_text() == _paragraph("foxtrot")


def test_shift_click_on_a_later_page_extends_the_selection(chat, pages) -> None:  # noqa: F811
    view = _tall(chat(LONG))
    _drag(view, _point(view, 0, "bravo10"), _end(view, 0, "bravo10"))
    assert view.text_selection.selected_text() == "bravo10"
    QTest.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.ShiftModifier, _end(view, 0, "charlie1"))
    assert view.text_selection.selected_text() == "bravo10 bravo11.\nParagraph charlie charlie0 charlie1"


def test_the_selection_is_painted_on_every_page_it_covers(chat, pages) -> None:  # noqa: F811
    view = _tall(chat(LONG))
    assert [_page_of(view, 0, word) for word in ("alpha7", "charlie4", "echo1", "foxtrot4")] == [0, 1, 2, 2]
    _drag(view, _point(view, 0, "alpha5"), _end(view, 0, "echo3"))
    for word in ("alpha7", "charlie4", "echo1"):
        assert _painted(view, _point(view, 0, word, 2)), word
    assert not _painted(view, _point(view, 0, "foxtrot4", 2))  # after the selection's end
    assert not _painted(view, _point(view, 0, "golf4", 2))  # on a page after it


def test_the_text_pointer_shows_over_the_text_of_every_page_not_over_the_links_under_it(chat, pages) -> None:  # noqa: F811
    view = _tall(chat(LONG))
    selection = view.text_selection
    assert selection.over_text(_point(view, 0, "alpha4", 2))
    assert selection.over_text(_point(view, 0, "foxtrot7", 2))
    assert selection.over_text(_point(view, 0, "The end", 2))
    assert _page_of(view, 0, "Source") == _page_of(view, 0, "The end") > 2
    assert not selection.over_text(_point(view, 0, "Source", 2))


def test_a_streaming_reply_keeps_its_selection_when_it_grows_onto_new_pages(chat, pages) -> None:  # noqa: F811
    view = _tall(chat("A short question."))
    model = view.model()
    streaming = Row("streaming", text="\n\n".join(_paragraph(word) for word in WORDS[:4]))
    model.set_tail([streaming])
    view.executeDelayedItemsLayout()
    message, _bubble = _doc(view, 1)
    assert len(message.documents) == 2 and _page_of(view, 1, "charlie2") == 1
    _drag(view, _point(view, 1, "charlie2"), _end(view, 1, "delta1"))
    selected = view.text_selection.selected_text()
    assert selected.startswith("charlie2 ") and selected.endswith("delta0 delta1")
    streaming.text += "\n\n" + "\n\n".join(_paragraph(word) for word in WORDS[4:]) + f"\n\n{CODE}"
    model.refresh()
    view.executeDelayedItemsLayout()
    view.viewport().repaint()
    message, _bubble = _doc(view, 1)
    assert len(message.documents) > 3
    assert view.text_selection.selected_text() == selected
    assert _painted(view, _point(view, 1, "charlie4", 2))
    assert not _painted(view, _point(view, 1, "golf4", 2))


def test_a_drag_below_the_last_page_s_text_stops_at_its_end_not_in_the_links_under_it(chat, monkeypatch) -> None:  # noqa: F811
    whole = _one_page_text(chat)
    monkeypatch.setattr(streaming_document, "PAGE_CHARS", 200)
    view = chat(LONG)
    view.chat_delegate.clear_cache()  # the same message on one page is cached
    view = _tall(view)
    message, bubble = _doc(view, 0)
    assert _page_of(view, 0, "hotel10") < _page_of(view, 0, "The end") == len(message.documents) - 1
    _drag(view, _point(view, 0, "hotel10"), QPoint(bubble.center().x(), bubble.bottom() - 2))
    assert view.text_selection.selected_text() == whole[whole.index("hotel10"):]
    assert view.text_selection.selected_text().endswith("The end.")
