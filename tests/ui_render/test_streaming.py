"""The chat view's documents while a reply streams and after: the same as a fresh render of the same
text, whatever changed on the way (the native API may rewrite earlier text), in code blocks, tables,
lists and around formulas; and a finished reply looks exactly as it will when the chat is reopened."""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument, QTextFormat
from PySide6.QtWidgets import QApplication

from desktop_chat.store import Message
from desktop_chat.ui import render
from desktop_chat.ui.chat_delegate import ChatDelegate
from desktop_chat.ui.chat_model import Row
from desktop_chat.ui.formula_pool import pool
from desktop_chat.ui.render import render_message, resplit, split_pieces
from desktop_chat.ui.streaming_document import MessageDocument
from desktop_chat.ui.theme import DARK, LIGHT

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from stream_texts import make_text

pytestmark = pytest.mark.usefixtures("qapp")

WIDTH = 600
FOOTER = '<p style="font-size:small">Writing… · <a href="action:stop">Stop</a></p>'

CODE = "Код:\n\n```python\n" + "\n".join(f"x{i} = f({i})  # {i}" for i in range(60)) + "\n```\n\nКонец."
TABLE = "| a | b |\n|---|--:|\n" + "\n".join(f"| r{i} | {i * 7} |" for i in range(40)) + "\n\nПосле таблицы."
LIST = "Шаги:\n\n" + "\n".join(f"{i}. шаг {i}\n   - деталь" for i in range(1, 40)) + "\n\nИтог."
MATH = ("Энергия $E=mc^2$ и ещё \\(a^2+b^2=c^2\\).\n\n$$\n\\int_0^1 x^2\\,dx = \\frac{1}{3}\n$$\n\n"
        "Текст после формулы $\\sqrt{2}$.\n\n$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$\n")
LOOKS = "Абзац перед списком:\n\n- один\n- два\n\n---\n\n$$x^2 + y^2 = 1$$\n\nПосле.\n\n1. a\n2. b\n"
TEXTS = {"code": CODE, "table": TABLE, "list": LIST, "math": MATH, "looks": LOOKS,
         "mixed": make_text("mixed", 6000, seed=3)}


def fresh(text: str, footer: str = FOOTER, theme=LIGHT) -> MessageDocument:
    doc = MessageDocument(theme, footer)
    doc.update(text)
    doc.set_width(WIDTH)
    return doc


def settle(*docs: MessageDocument) -> None:
    """Waits for the formulas the documents asked for and puts them in (as the delegate does)."""
    assert pool().wait_idle(60)
    QApplication.processEvents()
    for doc in docs:
        doc.formulas_finished(set(doc.pending))
        assert not doc.pending


def same(shown: QTextDocument, expected: QTextDocument) -> None:
    assert shown.toPlainText() == expected.toPlainText()
    assert shown.toHtml() == expected.toHtml()
    assert shown.size() == expected.size()


def stream(text: str, step: int, doc: MessageDocument | None = None, check_every: int = 0) -> MessageDocument:
    doc = doc or MessageDocument(LIGHT, FOOTER)
    doc.set_width(WIDTH)
    for n, end in enumerate(range(step, len(text) + step, step)):
        doc.update(text[:end])
        if check_every and n % check_every == 0 and not doc.pending:
            expected = fresh(text[:end])
            if not expected.pending:
                same(doc.document, expected.document)
    return doc


@pytest.mark.parametrize("name", list(TEXTS))
@pytest.mark.parametrize("step", [1, 7, 75])
def test_streamed_document_equals_a_fresh_render(name: str, step: int) -> None:
    text = TEXTS[name]
    if step == 1 and len(text) > 3000:
        text = text[:3000]
    doc = stream(text, step, check_every=5 if step > 1 else 97)
    expected = fresh(text)
    settle(doc, expected)
    same(doc.document, expected.document)


@pytest.mark.parametrize("name", ["code", "table", "list", "math", "mixed"])
def test_an_earlier_part_rewritten_mid_stream(name: str) -> None:
    """The native API sends the whole text so far and may change what it sent before."""
    text = TEXTS[name]
    rng = random.Random(name)
    doc = MessageDocument(LIGHT, FOOTER)
    doc.set_width(WIDTH)
    shown = ""
    for _ in range(6):
        end = rng.randrange(len(text) // 3, len(text))
        doc.update(text[:end])
        shown = text[:end]
        # Rewrite a few characters somewhere before the end (inside a code block, a row, a formula…).
        at = rng.randrange(0, end - 1)
        text = text[:at] + rng.choice(["x", "|", "`", "$", "\n", "-", " "]) + text[at + 1:]
    stream(text, 53, doc)
    assert shown != text
    expected = fresh(text)
    settle(doc, expected)
    same(doc.document, expected.document)


@pytest.mark.parametrize("name", ["code", "table", "list", "math", "mixed"])
def test_an_earlier_part_rewritten_at_the_same_length(name: str) -> None:
    text = TEXTS[name]
    doc = stream(text, 97)
    for at in (3, len(text) // 4, len(text) // 2):
        text = text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1:]
        doc.update(text)
        expected = fresh(text)
        settle(doc, expected)
        same(doc.document, expected.document)


@pytest.mark.parametrize("body", [
    "```python\n" + "\n".join(f"x{i} = {i}" for i in range(render.CODE_CHUNK_LINES)) + "\n```\nПосле.",
    "\n".join(f"- пункт {i}" for i in range(render.LIST_CHUNK_ITEMS)) + "\n---\nПосле.",
    "| a |\n|---|\n" + "\n".join(f"| {i} |" for i in range(render.TABLE_CHUNK_ROWS)) + "\n|---\nПосле.",
], ids=["code", "list", "table"])
def test_a_block_that_ends_where_a_part_would_begin(body: str) -> None:
    """A half-arrived line first looks like the start of the next part ("`", "-", "|"), then turns out
    to close the block: the part before must end as in a fresh render."""
    doc = stream(body, 1)
    same(doc.document, fresh(body).document)


def test_a_shorter_text_replaces_the_reply() -> None:
    doc = stream(CODE, 40)
    doc.update("Начнём заново:\n\n| a |\n|---|\n| 1 |")
    same(doc.document, fresh("Начнём заново:\n\n| a |\n|---|\n| 1 |").document)
    doc.update("")
    assert doc.document.toPlainText().strip() == "Writing… · Stop"


def test_the_delegate_replaces_the_rows_text_never_appends() -> None:
    delegate = ChatDelegate(LIGHT)
    row = Row("streaming", text="Привет")
    row.footer_note = "Writing…"
    assert delegate.document(row, 800).toPlainText().startswith("Привет")
    row.text = "Привет, мир"
    assert delegate.document(row, 800).toPlainText().startswith("Привет, мир\n")
    row.text = "Пока"  # rewritten: the whole text so far is the text
    assert delegate.document(row, 800).toPlainText().startswith("Пока\n")
    assert "Привет" not in delegate.document(row, 800).toPlainText()


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize("name", ["looks", "math", "code", "table", "list"])
def test_a_finished_reply_looks_as_when_reopened(name: str, theme) -> None:
    """Issue 15: the newest reply was drawn with extra space before lists, `---` as a blank block and
    display formulas left-aligned until the next message. The streamed row's document, adopted by
    the stored message's row, must equal the document a reopened chat builds for it."""
    text = TEXTS[name]
    delegate = ChatDelegate(theme)
    streaming = Row("streaming", text="")
    streaming.footer_note = "Writing…"
    for end in range(31, len(text) + 31, 31):
        streaming.text = text[:end]
        delegate.document(streaming, 800)
    message = Row("message", message=Message.new("assistant", text))
    message.actions = [("action:copy", "Copy")]
    delegate.adopt_stream(streaming, message, 800)
    reopened = ChatDelegate(theme)
    assert pool().wait_idle(60)
    QApplication.processEvents()
    for each in (delegate, reopened):
        each.document(message, 800)
        each._formulas.add(set(pool()._done))
        each._formulas.apply()
        while each._formulas.pending():
            each._formulas.apply()
    same(delegate.document(message, 800), reopened.document(message, 800))


def test_rules_lists_and_display_formulas_keep_their_format() -> None:
    doc = stream(LOOKS, 5)
    settle(doc)
    blocks = []
    block = doc.document.begin()
    while block.isValid():
        blocks.append(block)
        block = block.next()
    rules = [b for b in blocks if b.blockFormat().hasProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth)]
    assert len(rules) == 1
    formula = next(b for b in blocks if "\ufffc" in b.text())  # the image's object character
    assert formula.blockFormat().alignment() & 0x4  # Qt.AlignHCenter
    first_item = next(b for b in blocks if b.text() == "один")
    assert first_item.textList() is not None
    assert first_item.previous().text() == "Абзац перед списком:"  # no empty block before the list


def test_pieces_equal_one_set_html_of_the_whole_message() -> None:
    """Inserting piece by piece gives the document setHtml gives for all the HTML at once."""
    for text in (LOOKS, CODE, TABLE, LIST, TEXTS["mixed"]):
        rendered = render_message(text, dark=False)
        whole = QTextDocument()
        whole.setDocumentMargin(0)
        whole.setDefaultStyleSheet(f"a {{ color: {LIGHT.link}; }}")
        rendered.add_images_to(whole)
        whole.setHtml(rendered.html + "\n" + FOOTER)
        whole.setTextWidth(WIDTH)
        doc = fresh(text)
        settle(doc)
        same(doc.document, whole)


_LINES = st.sampled_from([
    "Текст абзаца.", "", "", "- пункт", "  - вложенный", "1. первый", "12. двенадцатый", "```python",
    "```", "~~~", "x = 1", "    отступ", "| a | b |", "|---|---|", "| 1 | 2 |", "$$", "x^2", "> цитата",
    "---", "## Заголовок", "$$a+b$$", "текст с $x$ формулой",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINES, min_size=1, max_size=120), cuts=st.lists(st.integers(1, 60), min_size=1, max_size=40))
def test_resplitting_a_growing_text_gives_the_pieces_of_the_whole(lines: list[str], cuts: list[int]) -> None:
    """The splitter resumes at a piece's start with its saved state: that must give exactly the pieces
    of splitting the whole text (long code blocks, tables and lists cut in parts included)."""
    text = "\n".join(lines)
    spans = split_pieces("")
    shown, end = "", 0
    for cut in cuts:
        end = min(len(text), end + cut)
        spans, _ = resplit(shown, spans, text[:end])
        shown = text[:end]
        assert [s.piece for s in spans] == [s.piece for s in split_pieces(shown)]
    spans, _ = resplit(shown, spans, text)
    assert spans == split_pieces(text)


@pytest.mark.parametrize("name", ["code", "table", "list"])
def test_a_growing_block_costs_what_changed(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long code block, table or list IS the last Markdown block: still only its last part is rendered
    again on each update, not the whole block."""
    body = {"code": "```python\n" + "\n".join(f"x{i} = {i}" for i in range(400)),
            "table": "| a | b |\n|---|---|\n" + "\n".join(f"| {i} | {i} |" for i in range(400)),
            "list": "\n".join(f"- пункт {i}" for i in range(400))}[name]
    doc = stream(body[: len(body) // 2], 200)
    rendered: list[int] = []
    original = render.render_piece

    def counting(piece, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(len(piece.source))
        return original(piece, *args, **kwargs)

    monkeypatch.setattr(render, "render_piece", counting)
    for end in range(len(body) // 2, len(body), 60):
        rendered.clear()
        doc.update(body[:end])
        assert len(rendered) <= 2
        assert sum(rendered) < 1000  # characters rendered again, of a block of 4,000+


def test_the_gui_thread_never_waits_for_a_formula() -> None:
    # Hard (but allowed) formulas, each ≈ 0.2-0.4 s in ziamath: on the GUI thread they would add up.
    hard = [("\\left(" * 6) + f"x_{{{i}}}" + ("\\right)" * 6) for i in range(8)]
    text = "\n\n".join(f"Шаг {i}: $${f}$$" for i, f in enumerate(hard))
    doc = MessageDocument(LIGHT)
    doc.set_width(WIDTH)
    started = time.perf_counter()
    doc.update(text)
    assert time.perf_counter() - started < 0.5
    assert doc.pending  # shown as source meanwhile
    assert "\\left(" in doc.document.toPlainText()
    settle(doc)
    assert "\\left(" not in doc.document.toPlainText()  # the images came in place of the sources
    same(doc.document, fresh(text, footer="").document)


@pytest.mark.parametrize("name", list(TEXTS))
def test_prepared_updates_equal_a_fresh_render(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window renders a streaming row's new pieces first (prepare) and edits its document in the next
    event: the document is the same as without, and the edit renders nothing again (no formulas here)."""
    text = TEXTS[name]
    doc = MessageDocument(LIGHT, FOOTER)
    doc.set_width(WIDTH)
    rendered: list[str] = []  # Markdown parsed or code highlighted
    markdown, code_block = render._markdown().render, render._code_block_html

    def parsing(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(source)
        return markdown(source, *args, **kwargs)

    def highlighting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        rendered.append(source)
        return code_block(source, *args, **kwargs)

    monkeypatch.setattr(render._markdown(), "render", parsing)
    monkeypatch.setattr(render, "_code_block_html", highlighting)
    for n, end in enumerate(range(75, len(text) + 75, 75)):
        doc.prepare(text[:end])
        rendered.clear()
        doc.update(text[:end])
        if name not in ("math", "mixed", "looks"):
            assert rendered == []
        if n % 7 == 0 and not doc.pending:
            expected = fresh(text[:end])
            if not expected.pending:
                same(doc.document, expected.document)
    expected = fresh(text)
    settle(doc, expected)
    same(doc.document, expected.document)


@pytest.mark.parametrize("name", ["code", "table", "mixed"])
def test_a_stale_preparation_is_not_shown(name: str) -> None:
    """The text changed between prepare and update (a rewrite, or more text): the update shows its own text."""
    text = TEXTS[name]
    doc = stream(text[: len(text) // 2], 97)
    doc.prepare(text[: len(text) // 2 + 300])
    rewritten = text[:10] + "Z" + text[11:]
    doc.update(rewritten)
    expected = fresh(rewritten)
    settle(doc, expected)
    same(doc.document, expected.document)
    doc.prepare(rewritten[:-40])
    doc.update(rewritten)  # the same text as shown: the preparation of another is dropped
    doc.update(rewritten[:-40])
    expected = fresh(rewritten[:-40])
    settle(doc, expected)
    same(doc.document, expected.document)


def test_copy_links_find_the_code_shown_now() -> None:
    """The document's code blocks (what "copy-code:N" copies) follow the text as it streams."""
    doc = MessageDocument(LIGHT, FOOTER)
    doc.update(CODE[:60])
    blocks = doc.document.property("code_blocks")
    assert list(blocks) == [CODE[CODE.index("x0"):60]]
    doc.update(CODE)
    assert list(doc.document.property("code_blocks")) == list(fresh(CODE).document.property("code_blocks"))
    assert doc.document.property("code_blocks")[0].endswith("x59 = f(59)  # 59")
    doc.update("no code any more")
    assert len(doc.document.property("code_blocks")) == 0


def same_pages(shown: MessageDocument, expected: MessageDocument) -> None:
    import re

    from PySide6.QtCore import QUrl

    assert len(shown.documents) == len(expected.documents)
    for page, expected_page in zip(shown.documents, expected.documents, strict=True):
        same(page, expected_page)
        for src in re.findall(r'<img src="([^"]+)"', page.toHtml()):  # each page holds its own images
            assert page.resource(QTextDocument.ResourceType.ImageResource, QUrl(src)) is not None


@pytest.mark.parametrize("name", list(TEXTS))
def test_a_long_message_on_pages_streams_as_it_reopens(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long message is shown on several documents (pages): streamed, rewritten on an earlier page, and
    with its formulas drawn later, each page is the same as a fresh render's."""
    from desktop_chat.ui import streaming_document

    monkeypatch.setattr(streaming_document, "PAGE_CHARS", 30)
    text = TEXTS[name]
    doc = MessageDocument(LIGHT, FOOTER)
    doc.set_width(WIDTH)
    for n, end in enumerate(range(61, len(text) + 61, 61)):
        doc.prepare(text[:end])
        doc.update(text[:end])
        if n % 9 == 0 and not doc.pending:
            expected = fresh(text[:end])
            if not expected.pending:
                same_pages(doc, expected)
    assert len(doc.documents) > 1
    expected = fresh(text)
    settle(doc, expected)
    same_pages(doc, expected)
    rewritten = text[:40] + "Z" + text[41:]  # on the first page: every later page is shown again
    doc.update(rewritten)
    doc.update(rewritten, "")
    expected = fresh(rewritten, footer="")
    settle(doc, expected)
    same_pages(doc, expected)


def test_the_delegate_draws_and_hit_tests_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QImage, QPainter

    from desktop_chat.ui import streaming_document
    from desktop_chat.ui.chat_delegate import PADDING, height_of, pages_of

    monkeypatch.setattr(streaming_document, "PAGE_CHARS", 200)
    text = "\n\n".join(f"Абзац {i} " + "слово " * 20 for i in range(8)) + "\n\n```python\nx = 1\n```\n"
    delegate = ChatDelegate(LIGHT)
    row = Row("message", message=Message.new("assistant", text))
    doc = delegate.document(row, WIDTH)
    pages = pages_of(doc)
    assert len(pages) > 2 and pages[0] is doc
    assert height_of(doc) == sum(page.size().height() for page in pages)
    rect = QRect(0, 0, WIDTH, int(height_of(doc)) + 40)
    bubble = delegate.bubble_rect(row, rect, doc)
    assert bubble.height() == int(height_of(doc)) + 2 * PADDING
    # The copy link of the code block on the last page is found where the last page is drawn.
    last = pages[-1]
    top = sum(page.size().height() for page in pages[:-1])
    assert "copy-code:0" in last.toHtml()
    found = ""
    for y in range(0, int(last.size().height()), 3):
        for x in range(0, WIDTH, 10):
            at = bubble.topLeft() + QPoint(PADDING + x, PADDING + int(top) + y)
            found = delegate.anchor_at(row, rect, at) or found
    assert found == "copy-code:0"
    assert delegate.code_block(row, WIDTH, 0) == "x = 1"
    # Every page is painted: the image is not blank where the last page's text is.
    image = QImage(rect.size(), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.rect = rect
    delegate.paint(painter, option, _index_of(row))
    painter.end()
    last_top = bubble.top() + PADDING + int(top)
    inked = [y for y in range(last_top, last_top + int(last.size().height()), 2)
             if any(image.pixelColor(x, y).red() < 100 for x in range(bubble.left() + PADDING, bubble.right(), 4))]
    assert inked  # text drawn on the last page


def _index_of(row: Row):  # type: ignore[no-untyped-def]
    from desktop_chat.ui.chat_model import ChatModel

    model = ChatModel()
    model.set_messages([row.message])  # type: ignore[list-item]
    _index_of.model = model  # type: ignore[attr-defined]  # kept alive while the index is used
    return model.index(model.row_of_message(row.message.id))  # type: ignore[union-attr]  # after its day's row
