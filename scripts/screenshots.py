"""Renders the main window with a real-looking Russian conversation, in light and dark, into docs/.

    .venv/bin/python scripts/screenshots.py [--lang ru|en] [--out docs/screenshots]

Offscreen (no display needed). Open the PNGs and look at them after every change to the window.
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

QUESTION = "Как посчитать среднее значение списка в Python? И покажи формулу."
ANSWER = """Среднее арифметическое — это сумма элементов, делённая на их количество:

$$\\bar{x} = \\frac{1}{n}\\sum_{i=1}^{n} x_i$$

В Python это можно сделать так:

```python
from statistics import mean

числа = [4, 8, 15, 16, 23, 42]
print(mean(числа))  # 18
```

Что важно помнить:

1. `mean` из модуля `statistics` работает с любыми числами.
2. Для больших массивов быстрее **NumPy**: `numpy.mean(a)`.
3. Пустой список вызовет ошибку `StatisticsError`.

| Способ | Скорость | Нужна библиотека |
|---|---|---|
| `sum(a) / len(a)` | быстро | нет |
| `statistics.mean` | средне | нет |
| `numpy.mean` | очень быстро | да |
"""
FOLLOW_UP = "А медиана?"
FOLLOW_ANSWER = "Медиана — это середина упорядоченного списка: `statistics.median(числа)` вернёт **15.5**."


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="ru", choices=["ru", "en"])
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatStore, Message
    from desktop_chat.ui.i18n import install_translator
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import apply_theme, current_theme

    app = QApplication([])
    install_translator(app, args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = ChatStore(Path(tmp))
        store.open()
        for title in ("Рецепт борща", "План поездки в Казань", "Письмо арендодателю", "Идеи для дня рождения"):
            other = store.create_chat(title)
            store.append_message(other.id, Message.new("user", title))
        chat = store.create_chat("Среднее значение в Python")
        usage = {"input": 31, "completion": 187, "total": 218}
        for role, text in (("user", QUESTION), ("assistant", ANSWER), ("user", FOLLOW_UP),
                           ("assistant", FOLLOW_ANSWER)):
            store.append_message(chat.id, Message.new(role, text, usage=usage if role == "assistant" else None,
                                                      model_version="09.02.2025"))
        store.set_pinned(store.list_chats()[-1].id, True)
        for theme in ("light", "dark"):
            apply_theme(app, theme)
            tasks = BackgroundTasks()
            window = MainWindow(Services(store=store, settings=Settings(), tasks=tasks, environ={},
                                         language=args.lang), current_theme())
            window.set_credentials(Credentials("api_key", "not-a-real-key", "b1gexamplefolder0000"))
            window.resize(1100, 760)
            window.show()
            window.open_chat(chat.id)
            window.composer.edit.setPlainText("Спасибо! А как найти моду?")
            window.composer.edit.setFocus()
            for _ in range(20):
                app.processEvents()
            window.chat_view.scroll_to_end()
            app.processEvents()
            path = out / f"chat-{theme}.png"
            window.grab().save(str(path))
            print(path)
            if theme == "light":
                # Search across all chats: the results replace the list, with the match highlighted.
                window.sidebar.search_box.setText("медиан")
                window.sidebar.search_box.setFocus()
                deadline = time.monotonic() + 5
                while window.sidebar.results_model.rowCount() == 0 and time.monotonic() < deadline:
                    app.processEvents()
                    time.sleep(0.01)
                window.sidebar.results_list.setCurrentIndex(window.sidebar.results_model.index(0))
                window.sidebar.results_list.clicked.emit(window.sidebar.results_model.index(0))
                for _ in range(10):
                    app.processEvents()
                path = out / "search.png"
                window.grab().save(str(path))
                print(path)
            window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
