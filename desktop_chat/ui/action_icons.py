"""The small line icons of the message actions (copy, edit, regenerate…), drawn in code.

The app ships no icon theme (resources/icons holds only its own logo), and system icon themes are
missing on Windows and macOS, so the few icons the chat needs are drawn here as strokes in the theme's
colours: the same shapes read on light and dark backgrounds and stay sharp at any screen scale.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

# Which icon each action shows; an action not listed here goes under "more…".
ICON_OF = {
    "action:copy": "copy",
    "action:edit": "edit",
    "action:regenerate": "regenerate",
    "action:continue": "continue",
    "action:retry": "regenerate",
    "action:delete": "delete",
    "action:version-prev": "prev",
    "action:version-next": "next",
    "bar:more": "more",
    "copied": "check",
}


def _pen(color: QColor, width: float) -> QPen:
    pen = QPen()  # built with setters: QPen(color, width) can crash PySide 6.11 under load
    pen.setColor(color)
    pen.setWidthF(width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


# The icons made of straight strokes, on a 16-unit grid: each a list of polylines (closed when the
# last point repeats the first).
_STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "copy": [[(3.5, 10.5), (2.5, 10.5), (2.5, 2.5), (10, 2.5), (10, 3.5)]],  # and the front sheet, below
    "check": [[(3, 8.5), (6.5, 12), (13, 4.5)]],
    "edit": [[(3, 13), (3.5, 10.5), (11, 3), (13, 5), (5.5, 12.5), (3, 13)], [(9.5, 4.5), (11.5, 6.5)]],
    "continue": [[(3, 8), (12, 8)], [(8.5, 4.5), (12, 8), (8.5, 11.5)], [(14, 3.5), (14, 12.5)]],
    "delete": [[(2.5, 4.5), (13.5, 4.5)], [(6, 4.5), (6.5, 2.5), (9.5, 2.5), (10, 4.5)],
               [(4, 4.5), (4.8, 13.5), (11.2, 13.5), (12, 4.5)]],
    "prev": [[(10, 3.5), (5.5, 8), (10, 12.5)]],
    "next": [[(6, 3.5), (10.5, 8), (6, 12.5)]],
}


def draw_icon(painter: QPainter, name: str, rect: QRectF, color: QColor) -> None:
    """Draws icon `name` inside `rect` (a square; shapes are drawn on a 16-unit grid)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scale = rect.width() / 16
    painter.translate(rect.topLeft())
    painter.scale(scale, scale)
    painter.setPen(_pen(color, 1.4))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath()
    for line in _STROKES.get(name, []):
        path.moveTo(*line[0])
        for point in line[1:]:
            path.lineTo(*point)
    if name == "copy":
        painter.drawRoundedRect(QRectF(5.5, 5.5, 8, 8.5), 1.5, 1.5)
    elif name == "regenerate":
        # An open circle with an arrow head: "once more".
        path.arcMoveTo(QRectF(2.5, 2.5, 11, 11), 60)
        path.arcTo(QRectF(2.5, 2.5, 11, 11), 60, 280)
        tip = QPointF(8 + 5.5 * math.cos(math.radians(60)), 8 - 5.5 * math.sin(math.radians(60)))
        path.moveTo(tip + QPointF(-3.2, -0.8))
        path.lineTo(tip)
        path.lineTo(tip + QPointF(-0.6, 3.2))
    elif name == "more":
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        for x in (3.5, 8, 12.5):
            painter.drawEllipse(QPointF(x, 8), 1.3, 1.3)
    painter.drawPath(path)
    painter.restore()


def make_icon(name: str, color: str, size: int = 16) -> QIcon:
    """A QIcon of the shape (for menus), drawn at 1× and 2× so it is sharp on high-density screens."""
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(size * ratio, size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        draw_icon(painter, name, QRectF(0, 0, size, size), QColor(color))
        painter.end()
        icon.addPixmap(pixmap)
    return icon
