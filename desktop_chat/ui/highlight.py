"""Code highlighting with Pygments: CSS per token type, and highlighting in groups of lines with the
lexer's state carried over, so a growing code block costs only its new lines."""

from __future__ import annotations

import html
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Error, Whitespace, _TokenType

# Bigger code is shown without highlighting: Pygments needs ~1 s per MB.
MAX_HIGHLIGHT_CHARS = 200_000


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
    return _spans(lexer.get_tokens(code), style_name)


def _spans(tokens: Iterable[tuple[Any, str]], style_name: str) -> str:
    """Tokens as HTML, one <span style> per run of same-styled tokens."""
    styles = _token_styles(style_name)
    parts: list[str] = []
    run_style, run_text = "", ""
    for ttype, value in tokens:
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


HIGHLIGHT_GROUP_LINES = 4


def _highlight_lines(code: str, lang: str, style_name: str) -> str:
    """Like _highlight, but in groups of lines, the lexer's state carried from one to the next: a
    growing code block costs the lexing of its last lines only (each group is cached with the state
    it starts in)."""
    lexer = _lexer(lang)
    if lexer is None or len(code) > MAX_HIGHLIGHT_CHARS or not _resumable(lexer):
        return _highlight(code, lang, style_name)
    lines = code.split("\n")
    parts: list[str] = []
    stack: tuple[str, ...] = ("root",)
    for start in range(0, len(lines), HIGHLIGHT_GROUP_LINES):
        group = "\n".join(lines[start: start + HIGHLIGHT_GROUP_LINES])
        if start + HIGHLIGHT_GROUP_LINES < len(lines):
            group += "\n"
        part, stack = _highlight_group(group, lang, style_name, stack)
        parts.append(part)
    return "".join(parts)


def _resumable(lexer: Lexer) -> bool:
    return isinstance(lexer, RegexLexer) and \
        type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed


@lru_cache(maxsize=2048)
def _highlight_group(code: str, lang: str, style_name: str, stack: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    lexer = _lexer(lang)
    assert isinstance(lexer, RegexLexer)
    tokens, end_stack = _lex(lexer, code, stack)
    return _spans(tokens, style_name), end_stack


def _lex(lexer: RegexLexer, text: str, stack: tuple[str, ...]) -> tuple[list[tuple[Any, str]], tuple[str, ...]]:
    """RegexLexer.get_tokens_unprocessed, returning the state stack it ends in (Pygments keeps it local)."""
    pos = 0
    tokendefs = lexer._tokens
    statestack = list(stack)
    statetokens = tokendefs[statestack[-1]]
    out: list[tuple[Any, str]] = []
    while True:
        for rexmatch, action, new_state in statetokens:
            m = rexmatch(text, pos)
            if m:
                if action is not None:
                    if type(action) is _TokenType:
                        out.append((action, m.group()))
                    else:
                        out.extend((token, value) for _pos, token, value in action(lexer, m))
                pos = m.end()
                if new_state is not None:
                    if isinstance(new_state, tuple):
                        for state in new_state:
                            if state == "#pop":
                                if len(statestack) > 1:
                                    statestack.pop()
                            elif state == "#push":
                                statestack.append(statestack[-1])
                            else:
                                statestack.append(state)
                    elif isinstance(new_state, int):
                        if abs(new_state) >= len(statestack):
                            del statestack[1:]
                        else:
                            del statestack[new_state:]
                    elif new_state == "#push":
                        statestack.append(statestack[-1])
                    statetokens = tokendefs[statestack[-1]]
                break
        else:
            if pos >= len(text):
                break
            if text[pos] == "\n":
                statestack = ["root"]
                statetokens = tokendefs["root"]
                out.append((Whitespace, "\n"))
            else:
                out.append((Error, text[pos]))
            pos += 1
    return out, tuple(statestack)


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


COMMON_LANGUAGES = ("python", "bash", "sh", "javascript", "typescript", "json", "sql", "c", "cpp", "java", "go",
                    "rust", "html", "css", "yaml")


def prewarm(languages: tuple[str, ...] = COMMON_LANGUAGES) -> None:
    """Builds the lexers code blocks most often name (each compiles its rules on first use: 5-40 ms that
    would otherwise stall the window at the first code block in that language). For a background thread."""
    for lang in languages:
        _lexer(lang)
