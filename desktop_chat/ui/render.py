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
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFontInfo, QGuiApplication, QImage, QTextDocument

from desktop_chat.ui.highlight import MAX_HIGHLIGHT_CHARS, _highlight, _highlight_group, _highlight_lines
from desktop_chat.ui.pieces import (
    CODE_CHUNK_LINES,
    LIST_CHUNK_ITEMS,
    TABLE_CHUNK_ROWS,
    Piece,
    Span,
    SplitState,
    resplit,
    split_pieces,
)
from desktop_chat.ui.theme import Theme, theme_for

__all__ = [
    "CODE_CHUNK_LINES", "LIST_CHUNK_ITEMS", "MAX_HIGHLIGHT_CHARS", "TABLE_CHUNK_ROWS", "FormulaBudget", "Piece",
    "RenderedMessage", "RenderedPiece", "Span", "SplitState", "render_message", "render_piece", "resplit",
    "split_pieces",
]

log = logging.getLogger(__name__)

_ALLOWED_SCHEMES = ("http://", "https://", "mailto:")

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


# ---- rendering ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPiece:
    html: str
    code_blocks: tuple[str, ...]  # md: sources of its code blocks; code: the lines of this part
    images: dict[str, QImage]
    pending: frozenset[Any]  # formulas still being rendered (their source is shown meanwhile)
    code_count: int  # how many code blocks it starts (their copy links are numbered on from here)
    pixels: int  # device pixels of its formula images


@dataclass
class FormulaBudget:
    """What is left for one message's formula images (math_render.MESSAGE_*)."""

    formulas: int
    pixels: int


def render_piece(
    piece: Piece,
    theme: Theme,
    *,
    copy_label: str,
    font_px: float,
    dpr: float,
    code_base: int = 0,
    budget: FormulaBudget | None = None,
    wait_for_formulas: bool = False,
) -> RenderedPiece:
    """Render one piece. Never raises. Without wait_for_formulas, formulas come from formula_pool:
    one not yet rendered shows its source and is listed in `pending`."""
    if budget is None:
        from desktop_chat.ui import math_render

        budget = FormulaBudget(math_render.MESSAGE_FORMULAS, math_render.MESSAGE_PIXELS)
    key = (piece, theme.dark, copy_label, font_px, dpr, code_base)
    cached = _pieces.get(key)
    if cached is not None:
        _pieces.move_to_end(key)
        return cached
    env: dict[str, Any] = {
        "theme": theme,
        "copy_label": copy_label,
        "font_px": font_px,
        "dpr": dpr,
        "code_blocks": [],
        "code_base": code_base,
        "images": {},
        "pending": set(),
        "pixels": 0,
        "math_seen": False,
        "budget": budget,
        "wait": wait_for_formulas,
        "link_stack": [],
        "piece": piece,
    }
    try:
        if piece.kind == "code":
            body = _code_block_html(piece.source, piece.lang, env, first=piece.first, last=piece.last)
            code_blocks: tuple[str, ...] = (piece.source,)
            code_count = 1 if piece.first else 0
        else:
            body = _markdown().render(piece.source, env)
            if piece.kind == "list":
                body = _list_margins(body, piece)
            elif piece.kind == "table" and not piece.first:
                body = re.sub(r"<thead>.*?</thead>", "", body, count=1, flags=re.S)
            code_blocks = tuple(env["code_blocks"])
            code_count = len(code_blocks)
    except Exception:  # a renderer bug must not take the chat down; show the text as is
        log.exception("render_piece failed")
        body = "<p>" + html.escape(piece.source).replace("\n", "<br>") + "</p>"
        code_blocks, code_count = (), 0
    result = RenderedPiece(body.rstrip(), code_blocks, env["images"], frozenset(env["pending"]), code_count,
                           env["pixels"])
    if not env["math_seen"] and len(piece.source) <= _CACHE_MAX_CHARS:
        _pieces[key] = result
        if len(_pieces) > _CACHE_ENTRIES:
            _pieces.popitem(last=False)
    return result


def _list_margins(body: str, piece: Piece) -> str:
    """The parts of a long list join up: no margin between them."""
    styles = []
    if not piece.first:
        styles.append("margin-top:0px")
    if not piece.last:
        styles.append("margin-bottom:0px")
    if not styles:
        return body
    return re.sub(r"^<(ul|ol)", lambda m: f'<{m.group(1)} style="{"; ".join(styles)}"', body, count=1)


def render_message(
    text: str,
    dark: bool,
    *,
    copy_label: str | None = None,
    font_px: float | None = None,
    dpr: float | None = None,
) -> RenderedMessage:
    """Render one message, formulas included (rendered now, in this thread: for dialogs and exports;
    the chat view uses MessageDocument, which never waits for a formula). Never raises.

    copy_label: text of the copy link above each code block (default: translated "Copy").
    font_px / dpr: text size in logical pixels and device pixel ratio, for formula images
    (default: the application's font and primary screen).
    """
    copy_label, font_px, dpr = message_metrics(copy_label, font_px, dpr)
    theme = theme_for(dark)
    from desktop_chat.ui import math_render

    budget = FormulaBudget(math_render.MESSAGE_FORMULAS, math_render.MESSAGE_PIXELS)
    parts: list[str] = []
    code_blocks: list[str] = []
    images: dict[str, QImage] = {}
    for span in split_pieces(text):
        piece = render_piece(span.piece, theme, copy_label=copy_label, font_px=font_px, dpr=dpr,
                             code_base=len(code_blocks), budget=budget, wait_for_formulas=True)
        parts.append(piece.html)
        join_code_blocks(code_blocks, span.piece, piece)
        images.update(piece.images)
    return RenderedMessage(html="\n".join(parts), code_blocks=code_blocks, images=images)


def join_code_blocks(code_blocks: list[str], piece: Piece, rendered: RenderedPiece) -> None:
    """Adds a piece's code to the message's list of code blocks (a long block's parts join up)."""
    if piece.kind == "code" and not piece.first and code_blocks:
        code_blocks[-1] += "\n" + rendered.code_blocks[0]
    else:
        code_blocks.extend(rendered.code_blocks)


def code_blocks_of(pieces: list[tuple[Piece, RenderedPiece]]) -> list[str]:
    """The message's code blocks, a long block's parts joined (linear: each block is joined once)."""
    blocks: list[list[str]] = []
    for piece, rendered in pieces:
        if piece.kind == "code" and not piece.first and blocks:
            blocks[-1].append(rendered.code_blocks[0])
        else:
            blocks.extend([code] for code in rendered.code_blocks)
    return ["\n".join(parts) for parts in blocks]


def message_metrics(copy_label: str | None, font_px: float | None, dpr: float | None) -> tuple[str, float, float]:
    if copy_label is None:
        copy_label = QCoreApplication.translate("render", "Copy")
    if font_px is None or dpr is None:
        app_px, app_dpr = _app_metrics()
        font_px = font_px or app_px
        dpr = dpr or app_dpr
    return copy_label, font_px, dpr


# Rendered pieces without formulas: the chat view re-creates documents for rows scrolled back into
# view, and a streamed reply's finished pieces are the same as the stored reply's.
_CACHE_ENTRIES = 512
_CACHE_MAX_CHARS = 64_000
_pieces: OrderedDict[tuple[Any, ...], RenderedPiece] = OrderedDict()


def clear_caches() -> None:
    _pieces.clear()
    _highlight.cache_clear()
    _highlight_group.cache_clear()


def _app_metrics() -> tuple[float, float]:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return 16.0, 1.0
    return float(QFontInfo(QGuiApplication.font()).pixelSize()), float(app.devicePixelRatio())


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
    md.core.ruler.after("inline", "task_items", _task_items)
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


def _code_block_html(content: str, lang: str, env: EnvType, *, first: bool = True, last: bool = True) -> str:
    """A code block, or one part of a long one (only the first part has the header and copy link;
    the parts join up into one box)."""
    theme = _theme(env)
    # The copied text is what the reader sees: the block without the newline before the closing fence.
    code = content[:-1] if content.endswith("\n") and env["piece"].kind != "code" else content
    index = env["code_base"] + len(env["code_blocks"])
    if env["piece"].kind != "code":
        env["code_blocks"].append(code)
    label = html.escape(lang)
    copy = html.escape(env["copy_label"])
    wrap = html.escape(QCoreApplication.translate("render", "No wrap"))  # opens the block unwrapped
    body = _highlight_lines(code, lang, theme.code_style)
    # A one-cell-wide table gives the block a padded background box, which <pre> alone cannot have in Qt.
    header = (
        f'<tr><td><span style="color:{theme.muted_text}; font-size:small">{label}</span></td>'
        f'<td align="right"><a href="wrap-code:{index}" style="color:{theme.link}; font-size:small;'
        f' text-decoration:none">{wrap}</a>'
        f'&nbsp;&nbsp;&nbsp;<a href="copy-code:{index}" style="color:{theme.link}; font-size:small;'
        f' text-decoration:none">{copy}</a></td></tr>'
    ) if first else ""
    cell = "" if first else "padding-top:0px;"
    cell += "" if last else " padding-bottom:0px"
    cell_style = f' style="{cell.strip()}"' if cell else ""
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="0" bgcolor="{theme.code_bg}"'
        f' style="margin-top:{6 if first else 0}px; margin-bottom:{6 if last else 0}px">{header}'
        f'<tr><td colspan="2"{cell_style}><pre style="white-space:pre-wrap; margin:0">{body}</pre></td></tr>'
        "</table>\n"
    )


def _table_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    border = _theme(env).border
    piece: Piece = env["piece"]
    # The parts of a long table are tables of their own: fixed column widths line them up.
    width = ' width="100%"' if piece.widths else ""
    top = 6 if piece.first else 0
    bottom = 6 if piece.last else 0
    # The grid is the table's background showing through 1 px of cell spacing: Qt paints collapsed
    # borders four times slower (8 ms for a screenful of rows), which a streaming table repaints often.
    return (
        f'<table border="0" cellspacing="1" cellpadding="5"{width} bgcolor="{border}"'
        f' style="margin-top:{top}px; margin-bottom:{bottom}px">\n'
    )


def _row_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    env["column"] = 0
    return "<tr>\n"


def _cell_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    # markdown-it writes style="text-align:…"; Qt reads the align attribute more reliably.
    match = re.search(r"text-align:(\w+)", str(token.attrGet("style") or ""))
    align = f' align="{match.group(1)}"' if match else ""
    widths = env["piece"].widths
    column = env.get("column", 0)
    env["column"] = column + 1
    if widths and column < len(widths):
        align += f' width="{widths[column]}%"'
    return f'<{token.tag}{align} bgcolor="{_theme(env).assistant_bg}">'



def _blockquote_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    # A bar on the left, as in other chat apps: Qt's blocks have no borders, so a 3 px table cell draws it.
    theme = _theme(env)
    return (
        f'<table cellspacing="0" cellpadding="0" border="0" style="margin-top:6px; margin-bottom:6px">'
        f'<tr><td width="3" bgcolor="{theme.border}"></td><td style="padding-left:10px">'
        f'<blockquote style="color:{theme.muted_text}; margin-left:0px; margin-right:0px">'
    )


def _blockquote_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return "</blockquote></td></tr></table>\n"


def _list_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A nested list sits close to its parent item (Qt gives every list a paragraph's margins)."""
    html_open: str = self.renderToken(tokens, idx, options, env)
    if tokens[idx].level > 0:
        html_open = re.sub(r"^<(ul|ol)", r'<\1 style="margin-top:0px; margin-bottom:0px"', html_open, count=1)
    return html_open


_TASK = re.compile(r"^\[([ xX])\][ \t]")


def _task_items(state: Any) -> None:
    """`- [ ] to do` and `- [x] done` as check boxes (☐ ☑): Qt draws no <input>."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or i < 2 or tokens[i - 2].type != "list_item_open" or not token.children:
            continue
        first = token.children[0]
        match = _TASK.match(first.content) if first.type == "text" else None
        if match:
            box = "☐ " if match.group(1) == " " else "☑ "
            first.content = box + first.content[match.end():]


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
    from desktop_chat.ui import math_render  # keeps QtSvg off the start-up path

    theme = _theme(env)
    env["math_seen"] = True
    budget: FormulaBudget = env["budget"]
    key = math_render.formula_key(latex, display=display, color=theme.text, font_px=env["font_px"], dpr=env["dpr"])
    formula: math_render.Formula | None = None
    if budget.formulas > 0:
        if env["wait"]:
            formula = math_render.render_formula(latex, display=display, color=theme.text,
                                                 font_px=env["font_px"], dpr=env["dpr"])
        else:
            from desktop_chat.ui.formula_pool import PENDING, pool

            found = pool().lookup(key)
            if found == PENDING:
                env["pending"].add(key)
            elif isinstance(found, math_render.Formula):
                formula = found
    if formula is not None and (formula.pixels > budget.pixels and formula.url not in env["images"]):
        formula = None  # over the message's budget: the source is shown
    if formula is None:
        dollars = "$$" if display else "$"
        source = html.escape(f"{dollars}{latex.strip()}{dollars}")
        code = f'<code style="background-color:{theme.code_bg}">{source}</code>'
        return f"<p>{code}</p>\n" if block else code
    if formula.url not in env["images"]:
        budget.formulas -= 1
        budget.pixels -= formula.pixels
        env["pixels"] += formula.pixels
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
    "tr_open": _row_open,
    "th_open": _cell_open,
    "td_open": _cell_open,
    "blockquote_open": _blockquote_open,
    "blockquote_close": _blockquote_close,
    "bullet_list_open": _list_open,
    "ordered_list_open": _list_open,
    "heading_open": _heading_open,
    "heading_close": _heading_close,
    "math_inline": _math_inline,
    "math_inline_double": _math_inline_display,
    "math_block": _math_block,
}


def prewarm() -> None:
    """One-time costs paid before the first reply (for the app's prewarm thread): the Markdown parser,
    linkify's regular expressions (≈ 30-60 ms at its first text) and the lexers of common languages."""
    from desktop_chat.ui import highlight

    render_message("Warm up: https://example.com, **bold**, `code`.\n\n| a |\n|---|\n| 1 |\n\n- [ ] item\n\n> q",
                   False, copy_label="Copy", font_px=16.0, dpr=1.0)
    highlight.prewarm()
