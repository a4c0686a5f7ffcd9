"""Light and dark themes: the Fusion palette for the widgets plus the few colors the chat view paints itself.

`apply_theme(app, "system" | "light" | "dark")` sets the palette and returns whether the result is dark.
With "system" the palette follows the OS color scheme at run time (QStyleHints.colorSchemeChanged);
`theme_notifier().changed(bool)` fires whenever the effective theme flips, so the chat view can re-render
messages (their HTML carries colors: code highlighting, links, formula images).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ThemeChoice = Literal["system", "light", "dark"]


@dataclass(frozen=True)
class Theme:
    """Colors as "#rrggbb" strings, so they can go straight into HTML and QColor."""

    dark: bool
    window: str  # main window / chat list background
    base: str  # input fields, lists
    text: str
    muted_text: str  # timestamps, code language labels, block quotes
    user_bubble: str  # background of the user's messages
    assistant_bg: str  # background of the assistant's messages
    error_bg: str
    link: str
    code_bg: str  # fenced code blocks and inline code
    border: str  # table borders, separators
    selection: str
    selection_text: str
    code_style: str  # Pygments style whose token colors read well on code_bg


# Contrast (WCAG): text on assistant_bg ≈ 15:1 light / 12:1 dark; muted ≥ 4.5:1 on both backgrounds;
# link ≥ 4.5:1 on every background it can appear on (assistant, user bubble, code_bg).
LIGHT = Theme(
    dark=False,
    window="#eef0f3",
    base="#ffffff",
    text="#1f2328",
    muted_text="#59636e",
    user_bubble="#dcebfd",
    assistant_bg="#ffffff",
    error_bg="#fde4e4",
    link="#0757ba",
    code_bg="#f3f4f6",
    border="#c5cdd6",
    selection="#2f6fde",
    selection_text="#ffffff",
    code_style="default",
)

DARK = Theme(
    dark=True,
    window="#1b1d21",
    base="#25272c",
    text="#e4e6eb",
    muted_text="#a0a8b4",
    user_bubble="#263a52",
    assistant_bg="#25272c",
    error_bg="#4e2226",
    link="#7cb8ff",
    code_bg="#17191d",
    border="#4a505a",
    selection="#3a6fb8",
    selection_text="#ffffff",
    code_style="github-dark",
)


def theme_for(dark: bool) -> Theme:
    return DARK if dark else LIGHT


def palette_for(theme: Theme) -> QPalette:
    """A full QPalette for the Fusion style built from the theme colors."""
    window = QColor(theme.window)
    # This constructor derives Light/Midlight/Mid/Dark/Shadow from the button color, as Fusion expects.
    pal = QPalette(QColor(theme.base if theme.dark else "#f7f8fa"), window)
    text, muted = QColor(theme.text), QColor(theme.muted_text)
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, QColor(theme.base)),
        (QPalette.ColorRole.AlternateBase, QColor(theme.assistant_bg if theme.dark else "#f6f7f9")),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, QColor(theme.base)),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, muted),
        (QPalette.ColorRole.BrightText, QColor("#ff5555")),
        (QPalette.ColorRole.Link, QColor(theme.link)),
        (QPalette.ColorRole.LinkVisited, QColor(theme.link)),
        (QPalette.ColorRole.Highlight, QColor(theme.selection)),
        (QPalette.ColorRole.HighlightedText, QColor(theme.selection_text)),
    ):
        pal.setColor(role, color)
    disabled = QColor(theme.muted_text)
    disabled.setAlpha(160)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.HighlightedText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return pal


class ThemeNotifier(QObject):
    """Tells the views that the effective theme flipped (argument: is_dark)."""

    changed = Signal(bool)


_notifier: ThemeNotifier | None = None
_choice: ThemeChoice = "system"
_is_dark = False
_watching = False


def theme_notifier() -> ThemeNotifier:
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def current_theme() -> Theme:
    """The theme set by the last apply_theme call (light before any)."""
    return theme_for(_is_dark)


def system_is_dark() -> bool:
    """True when the OS asks for a dark scheme; Unknown (e.g. offscreen, old desktops) counts as light."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, choice: ThemeChoice) -> bool:
    """Switch the application's palette; safe to call again at run time. Returns is_dark."""
    global _choice, _watching
    _choice = choice
    if app.style().name().lower() != "fusion":
        # Native styles (Windows 11, macOS) ignore parts of a custom palette; Fusion honors all of it.
        app.setStyle("Fusion")
    hints = app.styleHints()
    if not _watching:
        hints.colorSchemeChanged.connect(_on_system_scheme_changed)
        _watching = True
    # Tell the platform as well, so native parts (the Windows title bar, macOS menus) match the choice.
    # _choice is already set, so the colorSchemeChanged this may emit is handled consistently.
    if choice == "system":
        hints.unsetColorScheme()
    else:
        hints.setColorScheme(Qt.ColorScheme.Dark if choice == "dark" else Qt.ColorScheme.Light)
    dark = system_is_dark() if choice == "system" else choice == "dark"
    _set_palette(app, dark)
    return dark


def _on_system_scheme_changed(scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    if _choice != "system" or not isinstance(app, QApplication):
        return
    _set_palette(app, scheme == Qt.ColorScheme.Dark)


def _set_palette(app: QApplication, dark: bool) -> None:
    global _is_dark
    flipped = dark != _is_dark
    _is_dark = dark
    app.setPalette(palette_for(theme_for(dark)))
    if flipped:
        theme_notifier().changed.emit(dark)
