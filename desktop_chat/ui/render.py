"""Markdown of a chat message → HTML in the subset QTextDocument understands.

QTextDocument ignores CSS classes and most CSS, so everything is inline styles and HTML attributes:
tables with border/cellpadding, <pre> with colored <span>s for code, <img> for formulas (rendered to
QImage by math_render; the caller adds them to the document as image resources).

Model output is untrusted: raw HTML is escaped (html=False) and only http/https/mailto links become
links; anything else (javascript:, file:, data:, relative paths) is shown as plain text.
"""

from __future__ import annotations

import html
import logging
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import _TokenType
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFontInfo, QGuiApplication, QImage, QTextDocument

from desktop_chat.ui.theme import Theme, theme_for

log = logging.getLogger(__name__)

_ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
# Bigger code is shown without highlighting: Pygments needs ~1 s per MB and streaming re-renders often.
MAX_HIGHLIGHT_CHARS = 200_000


@dataclass(frozen=True)
class RenderedMessage:
    """Treat as read-only: results are cached and may be shared between callers."""

    html: str
    code_blocks: list[str] = field(default_factory=list)  # raw source of block N, for href "copy-code:N"
    images: dict[str, QImage] = field(default_factory=dict)  # resource URL → formula image

    def add_images_to(self, document: QTextDocument) -> None:
        """Registers the formula images with a document, before or after its HTML is set."""
        for url, image in self.images.items():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)


def render_message(
    text: str,
    dark: bool,
    *,
    copy_label: str | None = None,
    font_px: float | None = None,
    dpr: float | None = None,
) -> RenderedMessage:
    """Render one message. Never raises.

    copy_label: text of the copy link above each code block (default: translated "Copy").
    font_px / dpr: text size in logical pixels and device pixel ratio, for formula images
    (default: the application's font and primary screen).
    """
    if copy_label is None:
        copy_label = QCoreApplication.translate("render", "Copy")
    if font_px is None or dpr is None:
        app_px, app_dpr = _app_metrics()
        font_px = font_px or app_px
        dpr = dpr or app_dpr
    key = (text, dark, copy_label, font_px, dpr)
    cached = _results.get(key)
    if cached is not None:
        _results.move_to_end(key)
        return cached
    try:
        result = _render(text, theme_for(dark), copy_label, font_px, dpr)
    except Exception:  # a renderer bug must not take the chat down; show the text as is
        log.exception("render_message failed")
        escaped = html.escape(text).replace("\n", "<br>")
        result = RenderedMessage(html=f"<p>{escaped}</p>")
    if len(text) <= _CACHE_MAX_CHARS:
        _results[key] = result
        if len(_results) > _CACHE_ENTRIES:
            _results.popitem(last=False)
    return result


# The chat view measures and paints rows with separate documents and re-creates them for rows scrolled back
# into view; a few recent results save re-parsing. Huge texts are left out to bound the memory.
_CACHE_ENTRIES = 16
_CACHE_MAX_CHARS = 64_000
_results: OrderedDict[tuple[str, bool, str, float, float], RenderedMessage] = OrderedDict()


def _app_metrics() -> tuple[float, float]:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return 16.0, 1.0
    return float(QFontInfo(QGuiApplication.font()).pixelSize()), float(app.devicePixelRatio())


def _render(text: str, theme: Theme, copy_label: str, font_px: float, dpr: float) -> RenderedMessage:
    env: dict[str, Any] = {
        "theme": theme,
        "copy_label": copy_label,
        "font_px": font_px,
        "dpr": dpr,
        "code_blocks": [],
        "images": {},
        "link_stack": [],
    }
    body = _markdown().render(text, env)
    return RenderedMessage(html=body, code_blocks=env["code_blocks"], images=env["images"])


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # breaks=True: a single newline is a line break, as people type in a chat box and as models mean it.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    try:
        import linkify_it  # noqa: F401  - optional dependency (linkify-it-py)
    except ImportError:
        pass
    else:
        md.options["linkify"] = True
        md.enable("linkify")
    # No digits or spaces next to the dollars, so "$5 and $10" stays text.
    # $$…$$ inside a paragraph is display math too.
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True)
    # Models often write \( … \) and \[ … \] instead of dollars.
    md.inline.ruler.before("escape", "math_brackets", _math_brackets)
    md.validateLink = _link_allowed  # type: ignore[method-assign]
    for name, rule in _RULES.items():
        md.add_render_rule(name, rule)
    return md


def _link_allowed(url: str) -> bool:
    return url.strip().lower().startswith(_ALLOWED_SCHEMES)


def _math_brackets(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith(("\\(", "\\["), pos):
        return False
    closing = "\\)" if src[pos + 1] == "(" else "\\]"
    end = src.find(closing, pos + 2)
    if end < 0 or not src[pos + 2 : end].strip():
        return False
    if not silent:
        token = state.push("math_inline" if closing == "\\)" else "math_inline_double", "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = src[pos : pos + 2]
    state.pos = end + 2
    return True


# ---- render rules: (renderer, tokens, idx, options, env) -> html ---------------------------------------

Rule = Any  # markdown-it binds these as methods of RendererHTML


def _theme(env: EnvType) -> Theme:
    theme: Theme = env["theme"]
    return theme


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    href = str(tokens[idx].attrGet("href") or "")
    ok = _link_allowed(href)
    env["link_stack"].append(ok)
    if not ok:
        return ""
    return f'<a href="{html.escape(href)}" style="color:{_theme(env).link}">'


def _link_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    stack = env["link_stack"]
    return "</a>" if stack and stack.pop() else ""


def _image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # Never load images named by the model; show a link to them instead.
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = html.escape(self.renderInlineAsText(token.children or [], options, env) or src)
    if _link_allowed(src):
        return f'<a href="{html.escape(src)}" style="color:{_theme(env).link}">🖼 {alt}</a>'
    return alt


def _code_inline(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    code = html.escape(tokens[idx].content)
    return f'<code style="background-color:{_theme(env).code_bg}">{code}</code>'


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    lang = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
    return _code_block_html(token.content, lang, env)


def _indented_code(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return _code_block_html(tokens[idx].content, "", env)


def _code_block_html(content: str, lang: str, env: EnvType) -> str:
    theme = _theme(env)
    # The copied text is what the reader sees: the block without the newline before the closing fence.
    code = content[:-1] if content.endswith("\n") else content
    index = len(env["code_blocks"])
    env["code_blocks"].append(code)
    label = html.escape(lang)
    copy = html.escape(env["copy_label"])
    body = _highlight(code, lang, theme.code_style)
    # A one-cell-wide table gives the block a padded background box, which <pre> alone cannot have in Qt.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="0" bgcolor="{theme.code_bg}"'
        ' style="margin-top:6px; margin-bottom:6px">'
        f'<tr><td><span style="color:{theme.muted_text}; font-size:small">{label}</span></td>'
        f'<td align="right"><a href="copy-code:{index}" style="color:{theme.link}; font-size:small;'
        f' text-decoration:none">{copy}</a></td></tr>'
        f'<tr><td colspan="2"><pre style="white-space:pre-wrap; margin:0">{body}</pre></td></tr></table>\n'
    )


def _table_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    border = _theme(env).border
    return (
        f'<table border="1" cellspacing="0" cellpadding="5" style="border-collapse:collapse;'
        f' border-color:{border}; border-style:solid; margin-top:6px; margin-bottom:6px">\n'
    )


def _cell_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    # markdown-it writes style="text-align:…"; Qt reads the align attribute more reliably.
    match = re.search(r"text-align:(\w+)", str(token.attrGet("style") or ""))
    align = f' align="{match.group(1)}"' if match else ""
    return f"<{token.tag}{align}>"


def _blockquote_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return f'<blockquote style="color:{_theme(env).muted_text}; margin-left:16px; margin-right:0">'


def _heading_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # Qt's h1/h2 are poster-sized inside a chat bubble; shift the big ones down a level.
    level = int(tokens[idx].tag[1])
    return f"<h{min(level + 1, 6)}>" if level <= 2 else f"<h{level}>"


def _heading_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    level = int(tokens[idx].tag[1])
    return f"</h{min(level + 1, 6)}>\n" if level <= 2 else f"</h{level}>\n"


def _math_inline(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return _math_html(tokens[idx].content, display=False, block=False, env=env)


def _math_inline_display(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return _math_html(tokens[idx].content, display=True, block=False, env=env)


def _math_block(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return _math_html(tokens[idx].content, display=True, block=True, env=env)


def _math_html(latex: str, *, display: bool, block: bool, env: EnvType) -> str:
    from desktop_chat.ui.math_render import render_formula  # keeps QtSvg off the start-up path

    theme = _theme(env)
    formula = render_formula(latex, display=display, color=theme.text, font_px=env["font_px"], dpr=env["dpr"])
    if formula is None:
        dollars = "$$" if display else "$"
        source = html.escape(f"{dollars}{latex.strip()}{dollars}")
        code = f'<code style="background-color:{theme.code_bg}">{source}</code>'
        return f"<p>{code}</p>\n" if block else code
    env["images"][formula.url] = formula.image
    img = f'<img src="{formula.url}" width="{formula.width}" height="{formula.height}" style="vertical-align:middle">'
    if block:
        return f'<p align="center">{img}</p>\n'
    return f"<br>{img}<br>" if display else img


_RULES: dict[str, Rule] = {
    "link_open": _link_open,
    "link_close": _link_close,
    "image": _image,
    "code_inline": _code_inline,
    "fence": _fence,
    "code_block": _indented_code,
    "table_open": _table_open,
    "th_open": _cell_open,
    "td_open": _cell_open,
    "blockquote_open": _blockquote_open,
    "heading_open": _heading_open,
    "heading_close": _heading_close,
    "math_inline": _math_inline,
    "math_inline_double": _math_inline_display,
    "math_block": _math_block,
}


# ---- syntax highlighting ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _lexer(lang: str) -> Lexer | None:
    if not lang:
        return None
    try:
        return get_lexer_by_name(lang.lower(), stripnl=False, ensurenl=False)
    except Exception:  # ClassNotFound, or a plugin lexer that fails to load
        return None


@lru_cache(maxsize=512)
def _highlight(code: str, lang: str, style_name: str) -> str:
    """Code as HTML with one <span style> per run of same-styled tokens.

    Cached: while a reply streams, every earlier (finished) block is re-rendered on each update.
    """
    lexer = _lexer(lang)
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS:
        return html.escape(code, quote=False)
    styles = _token_styles(style_name)
    parts: list[str] = []
    run_style, run_text = "", ""
    for ttype, value in lexer.get_tokens(code):
        css = styles.get(ttype)
        if css is None:
            css = styles[ttype] = _css_for(style_name, ttype)
        if css != run_style and run_text:
            parts.append(_span(run_style, run_text))
            run_text = ""
        run_style = css
        run_text += value
    if run_text:
        parts.append(_span(run_style, run_text))
    return "".join(parts)


def _span(css: str, text: str) -> str:
    escaped = html.escape(text, quote=False)
    return f'<span style="{css}">{escaped}</span>' if css else escaped


@lru_cache(maxsize=8)
def _token_styles(style_name: str) -> dict[_TokenType, str]:
    return {}


def _css_for(style_name: str, ttype: _TokenType) -> str:
    info = get_style_by_name(style_name).style_for_token(ttype)
    css = []
    if info["color"]:
        css.append(f"color:#{info['color']}")
    if info["bold"]:
        css.append("font-weight:bold")
    if info["italic"]:
        css.append("font-style:italic")
    return "; ".join(css)
