"""Renders the open chat with the mouse over a message (its action bar, the time, day separators,
the last answer's versions ‹ 2/2 ›),
in light and dark, English and Russian, into docs/screenshots/.

    .venv/bin/python scripts/screenshots_hover.py [--out docs/screenshots] [--all]

Without --all only the two pictures kept in docs are written (hover-actions.png: light, English;
hover-actions-dark-ru.png: dark, Russian); --all writes the other two combinations too.
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

LONG_LINE = "print(', '.join(f'{name}: {value}' for name, value in sorted(totals.items(), key=lambda kv: -kv[1])))"
TEXTS = {
    "en": [("user", "How do I print a dictionary sorted by value?"),
           ("assistant", f"Sort its items by value, then join them:\n\n```python\n{LONG_LINE}\n```\n\n"
                         "The `-kv[1]` puts the largest first."),
           ("user", "And only the first three?"),
           ("assistant", "Slice the sorted list: `sorted(...)[:3]`.")],
    "ru": [("user", "Как вывести словарь, отсортированный по значению?"),
           ("assistant", f"Отсортируйте пары по значению и соедините их:\n\n```python\n{LONG_LINE}\n```\n\n"
                         "`-kv[1]` ставит самые большие первыми."),
           ("user", "А только первые три?"),
           ("assistant", "Возьмите срез отсортированного списка: `sorted(...)[:3]`.")],
}
EARLIER = {"en": "Use `itertools.islice` on the sorted items.",
           "ru": "Используйте `itertools.islice` для отсортированных пар."}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()

    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatStore, Message
    from desktop_chat.ui.chat_model import ROW_ROLE
    from desktop_chat.ui.i18n import install_translator
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import apply_theme, current_theme

    app = QApplication([])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    wanted = [("light", "en", "hover-actions.png"), ("dark", "ru", "hover-actions-dark-ru.png")]
    if args.all:
        wanted += [("dark", "en", "hover-actions-dark-en.png"), ("light", "ru", "hover-actions-ru.png")]
    yesterday = time.time() - 86_400
    for theme, lang, name in wanted:
        install_translator(app, lang)
        with tempfile.TemporaryDirectory() as tmp:
            store = ChatStore(Path(tmp))
            store.open()
            chat = store.create_chat("Python")
            usage = {"input": 31, "completion": 87, "total": 118}
            for number, (role, text) in enumerate(TEXTS[lang]):
                message = Message.new(role, text, usage=usage if role == "assistant" else None,
                                      created_at=yesterday + number * 60 if number < 2 else time.time() - 300 + number)
                if number == len(TEXTS[lang]) - 1:  # the last answer was regenerated once: ‹ 2/2 ›
                    earlier = Message.new(role, EARLIER[lang], usage=usage, created_at=message.created_at - 30)
                    message.versions, message.version = [[earlier]], 1
                store.append_message(chat.id, message)
            apply_theme(app, theme)
            window = MainWindow(Services(store=store, settings=Settings(), tasks=BackgroundTasks(), environ={},
                                         language=lang), current_theme())
            window.set_credentials(Credentials("api_key", "not-a-real-key", "b1gexamplefolder0000"))
            window.resize(1000, 700)
            window.show()
            window.open_chat(chat.id)
            for _ in range(20):
                app.processEvents()
            view = window.chat_view
            view.scroll_to_end()
            app.processEvents()
            # The mouse over the first answer, on its copy icon.
            model = window.chat_model
            row = next(i for i in range(model.rowCount()) if (r := model.index(i).data(ROW_ROLE)).kind == "message"
                       and r.message.role == "assistant")
            index = model.index(row)
            items = view.chat_delegate.bar_items(index.data(ROW_ROLE), view.visualRect(index))
            copy = next(i for i in items if i.href == "action:copy")
            QTest.mouseMove(view.viewport(), QPoint(5, 5))  # a move the window sees, whatever came before
            app.processEvents()
            QTest.mouseMove(view.viewport(), copy.rect.center())
            for _ in range(5):
                app.processEvents()
            path = out / name
            window.grab().save(str(path))
            print(path)
            window.close()
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
