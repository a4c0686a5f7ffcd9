"""The small icon bar under a message: its actions as icons, a version pager ‹ 2/3 ›, "more…" and the time.

Which of a row's actions (Row.actions, filled by message_actions.decorate) go where is decided here,
in one place:
- text links under the message's text (message_footer): web sources, and a failed exchange's fix
  (Retry, Open settings, Send again), which must never hide behind the mouse;
- icons in the bar: the frequent ones (ICON_OF in action_icons);
- the version pager: always visible when the message has versions;
- everything else under "more…" (the context menu, which lists every action).

The bar sits in a strip reserved under every message's bubble, so rows do not change height when the
mouse moves; it is shown for the row under the mouse, the chosen row and the chat's last message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen

from desktop_chat.ui.action_icons import ICON_OF, draw_icon
from desktop_chat.ui.chat_model import Row
from desktop_chat.ui.theme import Theme

BAR_HEIGHT = 28  # reserved under every message's bubble
BUTTON = 24
ICON = 16
GAP = 2
INSET = 6  # the icons line up with the text inside the bubble (its padding less the button's margin)
PAGER = ("action:version-prev", "action:version-next")
MENU_ONLY = ("action:delete",)  # rare and destructive: under "more…", not a click away from Copy
COUNT = "action:versions"  # its label is the pager's "2/3"; it is not a button
MORE = "bar:more"
TIME = "bar:time"
WEB = ("http://", "https://", "mailto:")
_COUNT = re.compile(r"\d+\s*/\s*\d+")


def is_text_link(row: Row, href: str) -> bool:
    """True when the action stays a visible text link under the message instead of going to the bar."""
    if row.kind != "message" or row.message is None:
        return True  # a reply being written and notices keep their links (Stop, Open settings) as text
    if href.startswith(WEB):
        return True  # a web answer's sources are part of the answer
    return href in ("action:retry", "action:settings")  # the fix of a failed or unanswered message


def text_links(row: Row) -> list[tuple[str, str]]:
    return [(href, label) for href, label in row.actions if is_text_link(row, href)]


def has_bar(row: Row) -> bool:
    return row.kind == "message" and row.message is not None


@dataclass
class BarItem:
    href: str  # an action's href, MORE or TIME
    label: str  # the tooltip and accessible name; the text itself for the pager's count and the time
    rect: QRect
    kind: str  # "icon", "count" (the pager's 2/3) or "time"
    enabled: bool = True


@dataclass
class BarState:
    """What the view tells the delegate about the bars: where the mouse and the keyboard are."""

    hovered: str = ""  # key of the row under the mouse
    hot: str = ""  # href of the bar button under the mouse
    focus_key: str = ""  # key of the row whose bar has the keyboard's focus…
    focus_href: str = ""  # …and which of its buttons
    copied: str = ""  # key of the row whose copy icon shows a check for a moment


def has_pager(row: Row) -> bool:
    """The message has versions: its pager shows even while the rest of its bar is hidden."""
    return any(href in (*PAGER, COUNT) for href, _label in row.actions)


def pager_count(row: Row) -> str:
    """The "2/3" of a message with versions (the label of its "action:versions" entry)."""
    for href, label in row.actions:
        if href in (*PAGER, COUNT) and _COUNT.search(label):
            return _COUNT.search(label).group(0).replace(" ", "")  # type: ignore[union-attr]
    return ""


def layout(row: Row, bubble: QRect, metrics: QFontMetrics, labels: dict[str, str], time_text: str) -> list[BarItem]:
    """The bar's items under `bubble`, left to right: pager, icons, more…, the time.

    `labels` names the buttons that have no action label of their own ("more", "prev", "next",
    "copied"). The time's slot is wide enough for "Copied" too, so nothing moves when it shows."""
    if not has_bar(row):
        return []
    hrefs = dict(row.actions)
    items: list[tuple[str, str, int, str, bool]] = []  # href, label, width, kind, enabled
    count = pager_count(row)
    if count or any(h in hrefs for h in PAGER):
        items.append((PAGER[0], labels["prev"], BUTTON, "icon", PAGER[0] in hrefs))
        items.append(("bar:count", count, metrics.horizontalAdvance(count) + 4, "count", False))
        items.append((PAGER[1], labels["next"], BUTTON, "icon", PAGER[1] in hrefs))
    for href, label in row.actions:
        if href in ICON_OF and href not in (*PAGER, *MENU_ONLY, COUNT) and not is_text_link(row, href):
            items.append((href, label, BUTTON, "icon", True))
    items.append((MORE, labels["more"], BUTTON, "icon", True))
    slot = max(metrics.horizontalAdvance(time_text), metrics.horizontalAdvance(labels["copied"]) + ICON + 4) + 8
    items.append((TIME, time_text, slot, "time", False))
    total = sum(width for _h, _l, width, _k, _e in items) + GAP * (len(items) - 1)
    user = row.message is not None and row.message.role == "user"
    x = bubble.right() + 1 - INSET - total if user else bubble.left() + INSET
    top = bubble.bottom() + 1 + (BAR_HEIGHT - BUTTON) // 2
    result = []
    for href, label, width, kind, enabled in items:
        result.append(BarItem(href, label, QRect(x, top, width, BUTTON), kind, enabled))
        x += width + GAP
    return result


def visible_items(items: list[BarItem], shown: bool) -> list[BarItem]:
    """The whole bar when shown; otherwise only the version pager, which is always there."""
    if shown:
        return items
    return [item for item in items if item.href in PAGER or item.kind == "count"]


def paint(painter: QPainter, items: list[BarItem], theme: Theme, state: BarState, row: Row,
          copied_label: str) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    muted, text = QColor(theme.muted_text), QColor(theme.text)
    copied = state.copied == row.key
    focused = state.focus_key == row.key
    for item in items:
        rect = item.rect
        if item.kind == "icon":
            hot = item.enabled and (state.hovered == row.key and state.hot == item.href)
            has_focus = focused and state.focus_href == item.href
            if hot or has_focus:
                fill = QColor(theme.border)
                fill.setAlpha(110)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(rect, 5, 5)
            if has_focus:
                pen = QPen()
                pen.setColor(QColor(theme.selection))
                pen.setWidthF(1.5)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(rect).adjusted(0.75, 0.75, -0.75, -0.75), 5, 5)
            name = ICON_OF.get(item.href, "more")
            if item.href == "action:copy" and copied:
                name = "check"
            color = text if hot or has_focus else muted
            if not item.enabled:
                color = QColor(muted)
                color.setAlpha(90)
            icon_rect = QRectF(rect.center().x() - ICON / 2 + 0.5, rect.center().y() - ICON / 2 + 0.5, ICON, ICON)
            draw_icon(painter, name, icon_rect, color)
        elif item.kind == "time" and copied:
            check = QRectF(rect.left() + 4, rect.center().y() - 7 + 0.5, 14, 14)
            draw_icon(painter, "check", check, text)
            painter.setPen(text)
            painter.drawText(rect.adjusted(ICON + 6, 0, 0, 0),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), copied_label)
        else:
            painter.setPen(muted)
            align = Qt.AlignmentFlag.AlignCenter if item.kind == "count" else Qt.AlignmentFlag.AlignLeft
            painter.drawText(rect.adjusted(4 if item.kind == "time" else 0, 0, 0, 0),
                             int(Qt.AlignmentFlag.AlignVCenter | align), item.label)
    painter.restore()


def buttons(items: list[BarItem]) -> list[BarItem]:
    """The items the keyboard and the mouse can press."""
    return [item for item in items if item.kind == "icon" and item.enabled]
