"""Renders the main window (light) with part of a reply selected with the mouse, into docs/.

    .venv/bin/python scripts/screenshot_selection.py [--out docs/screenshots]

Offscreen. The selection is made as a person makes it: a press, moves and a release on the chat.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screenshots import ANSWER, QUESTION

SELECT_FROM, SELECT_TO = "это сумма", "их количество"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()

    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatStore, Message
    from desktop_chat.ui.chat_delegate import PADDING
    from desktop_chat.ui.chat_model import ROW_ROLE
    from desktop_chat.ui.i18n import install_translator
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import apply_theme, current_theme

    app = QApplication([])
    install_translator(app, "ru")
    apply_theme(app, "light")
    with tempfile.TemporaryDirectory() as tmp:
        store = ChatStore(Path(tmp))
        store.open()
        chat = store.create_chat("Среднее значение в Python")
        for role, text in (("user", QUESTION), ("assistant", ANSWER)):
            store.append_message(chat.id, Message.new(role, text))
        window = MainWindow(Services(store=store, settings=Settings(), tasks=BackgroundTasks(), environ={},
                                     language="ru"), current_theme())
        window.set_credentials(Credentials("api_key", "not-a-real-key", "b1gexamplefolder0000"))
        window.resize(1100, 760)
        window.show()
        window.open_chat(chat.id)
        deadline = time.monotonic() + 4  # formulas are drawn by a worker process, then filled in
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        view = window.chat_view
        view.scrollToTop()
        app.processEvents()

        def point(text: str, after: bool) -> QPoint:
            model = view.model()  # the reply: the second message row (a day separator is a row too)
            index = [model.index(i, 0) for i in range(model.rowCount())
                     if model.index(i, 0).data(ROW_ROLE).kind == "message"][1]
            rect = view.visualRect(index)
            message = view.chat_delegate.message_document(index.data(ROW_ROLE), rect.width())
            doc = message.document
            bubble = view.chat_delegate.bubble_rect(index.data(ROW_ROLE), rect, doc)
            found = doc.find(text)
            position = found.selectionEnd() if after else found.selectionStart()
            block = doc.findBlock(position)
            line = block.layout().lineForTextPosition(position - block.position())
            box = doc.documentLayout().blockBoundingRect(block)
            x = line.cursorToX(position - block.position())
            x = x[0] if isinstance(x, tuple) else x
            local = QPointF(box.left() + x + 1, box.top() + line.y() + line.height() / 2)
            return (local + QPointF(bubble.topLeft() + QPoint(PADDING, PADDING))).toPoint()

        start, end = point(SELECT_FROM, False), point(SELECT_TO, True)
        viewport = view.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        QTest.mouseMove(viewport, (start + end) / 2)
        QTest.mouseMove(viewport, end)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
        app.processEvents()
        print(view.text_selection.selected_text())
        path = Path(args.out) / "selection.png"
        window.grab().save(str(path))
        print(path)
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
