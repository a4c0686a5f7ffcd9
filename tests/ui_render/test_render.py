"""render_message: Markdown → Qt rich-text HTML, code blocks, links, formulas."""

from __future__ import annotations

import re
import time
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument, QTextTable

from desktop_chat.ui.render import RenderedMessage, render_message

pytestmark = pytest.mark.usefixtures("qapp")


def make_document(rendered: RenderedMessage, width: float = 800) -> QTextDocument:
    """Build the document the way the chat view's delegate does."""
    doc = QTextDocument()
    rendered.add_images_to(doc)
    doc.setHtml(rendered.html)
    doc.setTextWidth(width)
    return doc


def test_table_renders_as_table_and_lays_out() -> None:
    rendered = render_message("| Имя | Год |\n|---|--:|\n| Python | 1991 |\n| Rust | 2015 |\n", dark=False)
    assert "<table" in rendered.html
    doc = make_document(rendered)
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 1
    assert (tables[0].rows(), tables[0].columns()) == (3, 2)
    assert tables[0].cellAt(2, 1).firstCursorPosition().block().text() == "2015"
    assert doc.size().height() > 0


def test_code_block_is_highlighted_and_copy_link_maps_to_raw_source() -> None:
    source = 'def f(x):\n    return x < 1  # "<b>"\n\n\nprint(f(2))'
    text = f"До кода\n\n```python\n{source}\n```\n\n```\nplain & simple\n```\n"
    rendered = render_message(text, dark=False)
    assert rendered.code_blocks == [source, "plain & simple"]
    hrefs = re.findall(r'href="(copy-code:\d+)"', rendered.html)
    assert hrefs == ["copy-code:0", "copy-code:1"]
    assert re.search(r'<span style="[^"]*color:#[0-9a-fA-F]{6}[^"]*">def</span>', rendered.html)
    # The document shows the same characters the copy link copies, and the link is hit-testable.
    doc = make_document(rendered)
    assert source in doc.toPlainText().replace("\u2029", "\n")
    anchors = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor():
                anchors.append(fmt.anchorHref())
            it += 1
        block = block.next()
    assert anchors == ["wrap-code:0", "copy-code:0", "wrap-code:1", "copy-code:1"]  # "No wrap", "Copy" per block


def test_unknown_language_and_unclosed_fence_render_plain() -> None:
    rendered = render_message("text\n```nosuchlang\nx = <1>\nstill streaming", dark=True)
    assert rendered.code_blocks == ["x = <1>\nstill streaming"]
    assert "x = &lt;1&gt;" in rendered.html
    make_document(rendered)


def test_copy_label_is_a_parameter() -> None:
    rendered = render_message("```\nx\n```", dark=False, copy_label="Копировать")
    assert ">Копировать</a>" in rendered.html


def _non_transparent_pixels(image: QImage) -> int:
    return sum(
        1 for y in range(0, image.height()) for x in range(0, image.width()) if image.pixelColor(x, y).alpha() > 0
    )


def test_formula_becomes_image_resource() -> None:
    rendered = render_message("Энергия $E=mc^2$ и\n\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\n", dark=False)
    assert len(rendered.images) == 2
    for url, image in rendered.images.items():
        assert f'src="{url}"' in rendered.html
        assert image.width() > 0 and image.height() > 0
        assert _non_transparent_pixels(image) > 20
    doc = make_document(rendered)
    for url in rendered.images:
        resource = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(url))
        assert isinstance(resource, QImage) and not resource.isNull()


def test_formula_color_follows_theme() -> None:
    def darkest_and_lightest(dark: bool) -> float:
        (image,) = render_message("$x+y$", dark=dark).images.values()
        values = [
            image.pixelColor(x, y).lightnessF()
            for y in range(image.height())
            for x in range(image.width())
            if image.pixelColor(x, y).alpha() == 255
        ]
        return sum(values) / len(values)

    assert darkest_and_lightest(dark=False) < 0.3
    assert darkest_and_lightest(dark=True) > 0.7


def test_broken_formula_shows_source_and_does_not_raise() -> None:
    rendered = render_message(r"Сломано: $\frac{1}{$ конец", dark=False)
    assert rendered.images == {}
    assert r"<code" in rendered.html and r"$\frac{1}{$" in rendered.html
    make_document(rendered)


def test_prices_are_not_math() -> None:
    rendered = render_message("Стоит $5 и $10, итого $15.", dark=False)
    assert rendered.images == {}
    assert "$5 и $10" in rendered.html


def test_bare_web_addresses_become_links() -> None:
    rendered = render_message("Документация: https://yandex.cloud/ru/docs и www.example.com.", dark=False)
    hrefs = re.findall(r'href="([^"]*)"', rendered.html)
    assert hrefs == ["https://yandex.cloud/ru/docs", "http://www.example.com"]


def test_bracket_delimiters_are_math() -> None:
    rendered = render_message("Пусть \\(a^2\\), тогда\n\\[\nb = \\sqrt{a}\n\\]", dark=False)
    assert len(rendered.images) == 2


def test_raw_html_and_dangerous_links_are_neutralized() -> None:
    text = (
        "<script>alert(1)</script> <b onclick=x>жирный</b>\n\n"
        "[плохая](javascript:alert(1)) <javascript:alert(2)> [файл](file:///etc/passwd) "
        "![img](data:image/png;base64,AAAA) [хорошая](https://ya.ru) <mailto:a@b.ru>\n\n"
        '<img src="http://evil/x.png">'
    )
    rendered = render_message(text, dark=False)
    hrefs = re.findall(r'href="([^"]*)"', rendered.html)
    # The escaped <img> tag's address shows as text, and linkify makes a plain web link of it: harmless.
    assert hrefs == ["https://ya.ru", "mailto:a@b.ru", "http://evil/x.png"]
    assert "<script" not in rendered.html and "<b " not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "плохая" in rendered.html  # the text stays visible


def test_dark_and_light_use_different_colors() -> None:
    text = "[ссылка](https://ya.ru) `код`\n\n```python\nimport os\n```\n"

    def colors(html: str) -> set[str]:
        return {QColor(c).name() for c in re.findall(r"#[0-9a-fA-F]{6}\b", html)}

    light, dark = render_message(text, dark=False).html, render_message(text, dark=True).html
    assert light != dark
    assert colors(light) != colors(dark)


def test_russian_text_survives() -> None:
    text = "## Привет, мир!\n\nЁжик в тумане — «ёлочки», **жирный** и _курсив_.\n\n- пункт один\n  - вложенный"
    doc = make_document(render_message(text, dark=False))
    plain = doc.toPlainText()
    for word in ("Привет, мир!", "Ёжик в тумане — «ёлочки»", "жирный", "курсив", "пункт один", "вложенный"):
        assert word in plain


def test_nested_lists_and_quotes() -> None:
    rendered = render_message("1. a\n   - b\n     - c\n\n> цитата\n> > вложенная", dark=False)
    assert rendered.html.count("<ul>") == 2 and "<ol>" in rendered.html
    assert rendered.html.count("<blockquote") == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(list("ab $\\{}^_`~*#|-:>[]()<&\n\t1ёЖ")) | st.characters(),
        max_size=200,
    )
)
def test_render_never_raises(text: str) -> None:
    rendered = render_message(text, dark=bool(len(text) % 2))
    assert isinstance(rendered.html, str)
    for block in rendered.code_blocks:
        assert isinstance(block, str)


def _anchor_point(doc: QTextDocument, href: str) -> QPointF:
    """Document coordinates of the middle of the first character of the link with this href."""
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                rect = doc.documentLayout().blockBoundingRect(block)
                pos = fragment.position() - block.position()
                line = block.layout().lineForTextPosition(pos)
                x = cast(tuple[float, int], line.cursorToX(pos))[0] + 2  # PySide6 returns (x, pos)
                return QPointF(rect.left() + x, rect.top() + line.y() + line.height() / 2)
            it += 1
        block = block.next()
    raise AssertionError(f"no anchor {href}")


def test_copy_links_are_hit_testable_with_anchor_at() -> None:
    rendered = render_message("Текст\n\n```python\nprint(1)\n```\n\n```sh\nls -la\n```\n", dark=False)
    doc = make_document(rendered, width=600)
    layout = doc.documentLayout()
    for n in range(2):
        href = f"copy-code:{n}"
        assert layout.anchorAt(_anchor_point(doc, href)) == href
    assert layout.anchorAt(QPointF(3, 3)) == ""


def test_pathological_formula_is_refused_before_rendering() -> None:
    # ziamath's time doubles per nesting level: 14 nested fractions would take minutes. The cap is
    # decided from the source, before any rendering, so nothing can swallow it.
    deep = "\\frac{1}{" * 14 + "2" + "}" * 14
    start = time.perf_counter()
    rendered = render_message(f"Дробь ${deep}$ конец", dark=False)
    assert time.perf_counter() - start < 0.5
    assert rendered.images == {}
    assert "<code" in rendered.html


def test_everyday_formulas_render() -> None:
    formulas = [
        r"x = \frac{-b \pm \sqrt{b^2-4ac}}{2a}",
        r"\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}",
        r"f(x)=\begin{cases}x^2 & x>0 \\ 0 & \text{иначе}\end{cases}",
        r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        r"a_0 + \cfrac{1}{a_1 + \cfrac{1}{a_2 + \cfrac{1}{a_3}}}",
    ]
    rendered = render_message("\n\n".join(f"$${f}$$" for f in formulas), dark=False)
    assert len(rendered.images) == len(formulas)


def test_prewarm_runs_off_the_gui_thread() -> None:
    """What the app's prewarm thread calls: no Qt objects, no formulas, no errors."""
    import threading

    from desktop_chat.ui import render

    failures: list[BaseException] = []

    def warm() -> None:
        try:
            render.prewarm()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=warm)
    thread.start()
    thread.join(60)
    assert failures == []
