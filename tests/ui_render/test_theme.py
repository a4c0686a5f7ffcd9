"""Themes: palettes, run-time switching and following the OS color scheme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop_chat.ui import theme
from desktop_chat.ui.theme import DARK, LIGHT, Theme, apply_theme, theme_notifier


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    saved_palette, saved_state = qapp.palette(), (theme._choice, theme._is_dark)
    yield qapp
    qapp.setPalette(saved_palette)
    theme._choice, theme._is_dark = saved_state


def window_color(app: QApplication) -> str:
    return app.palette().color(QPalette.ColorRole.Window).name()


def test_light_and_dark_change_window_color(app: QApplication) -> None:
    assert apply_theme(app, "dark") is True
    assert window_color(app) == DARK.window
    assert app.style().name().lower() == "fusion"
    assert apply_theme(app, "light") is False
    assert window_color(app) == LIGHT.window


def test_system_follows_style_hints(app: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    hints = app.styleHints()
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    assert apply_theme(app, "system") is True
    assert window_color(app) == DARK.window

    # The OS switches to light while the app runs: the palette follows and the views are told.
    seen: list[bool] = []
    theme_notifier().changed.connect(seen.append)
    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert window_color(app) == LIGHT.window
        assert seen == [False]
        # An explicit choice is not overridden by the OS.
        apply_theme(app, "dark")
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert window_color(app) == DARK.window
    finally:
        theme_notifier().changed.disconnect(seen.append)


def test_system_unknown_scheme_means_light(app: QApplication) -> None:
    # The offscreen platform reports Unknown, as do desktops without a color-scheme setting.
    if app.styleHints().colorScheme() == Qt.ColorScheme.Unknown:
        assert apply_theme(app, "system") is False


def _contrast(a: str, b: str) -> float:
    def luminance(color: str) -> float:
        c = QColor(color)
        channels = []
        for v in (c.redF(), c.greenF(), c.blueF()):
            channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("t", [LIGHT, DARK], ids=["light", "dark"])
def test_theme_colors_are_readable(t: Theme) -> None:
    for background in (t.assistant_bg, t.user_bubble, t.window, t.code_bg, t.error_bg):
        assert _contrast(t.text, background) >= 7, background
        assert _contrast(t.muted_text, background) >= 4.5, background
    for background in (t.assistant_bg, t.user_bubble, t.code_bg):
        assert _contrast(t.link, background) >= 4.5, background
    assert _contrast(t.selection_text, t.selection) >= 4.5
