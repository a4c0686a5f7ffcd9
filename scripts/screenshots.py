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
            deadline = time.monotonic() + 4  # formulas are drawn by a worker process, then filled in
            while time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.02)
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
        concurrent_replies(app, store, out)
        files_web_and_pictures(app, store, out, Path(tmp))
        store.close()
    return 0


def concurrent_replies(app, store, out: Path) -> None:
    """Two chats writing at once (the list marks both), then the model picker open."""
    from PySide6.QtGui import QPainter

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import apply_theme, current_theme
    from tests.fakes.yandex_server import FakeYandexServer
    from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

    def pump(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    apply_theme(app, "light")
    with FakeYandexServer(chunk_delay=0.15) as server:
        # The fake server answers requests in order: the letter is asked first.
        server.script_reply("Дорогой Иван Петрович! Пишу вам по поводу протечки в ванной. " * 10, chunks=60)
        server.script_reply("Казань стоит на Волге. Начните с Кремля и мечети Кул-Шариф, затем пройдитесь "
                            "по улице Баумана, а вечером " + "поднимитесь на смотровую площадку. " * 10, chunks=60)
        window = MainWindow(Services(store=store, settings=Settings(), tasks=BackgroundTasks(), environ={},
                                     language="ru", api_base_override=server.url), current_theme())
        window.set_credentials(Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID))
        window.resize(1100, 760)
        window.show()
        chats = {c.title: c.id for c in store.list_chats()}
        window.open_chat(chats["Письмо арендодателю"])
        window.composer.sendRequested.emit("Напиши вежливое письмо о протечке")
        pump(0.5)
        window.open_chat(chats["План поездки в Казань"])
        window.composer.sendRequested.emit("Что посмотреть в Казани за один день?")
        pump(2.0)
        path = out / "two-chats-writing.png"
        window.grab().save(str(path))
        print(path)
        # Offscreen, a popup is not part of the window's picture: draw the open list under the box.
        picker = window.header.model_picker
        window.header.open_picker()
        pump(0.3)
        view = picker.view()
        view.resize(max(picker.width(), view.sizeHintForColumn(0) + 24), view.sizeHintForRow(0) * picker.count() + 4)
        image = window.grab()
        painter = QPainter(image)
        corner = picker.mapTo(window, picker.rect().bottomRight())
        painter.drawPixmap(corner.x() - view.width(), corner.y() + 2, view.grab())
        painter.end()
        path = out / "model-picker.png"
        image.save(str(path))
        print(path)
        picker.hidePopup()
        window.close()



def files_web_and_pictures(app, store, out: Path, tmp: Path) -> None:
    """Chips of attached files over the message box, a web answer with its sources, a drawn picture."""
    from PySide6.QtGui import QColor, QImage, QPainter

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.ui.draw_dialog import DrawDialog
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import apply_theme, current_theme
    from tests.fakes.yandex_server import FakeYandexServer
    from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

    def pump(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)

    apply_theme(app, "light")
    photo = QImage(640, 420, QImage.Format.Format_RGB32)
    photo.fill(QColor("#d9e8f5"))
    painter = QPainter(photo)
    painter.fillRect(40, 260, 560, 120, QColor("#4a7f3b"))
    painter.setBrush(QColor("#f2b134"))
    painter.drawEllipse(470, 50, 110, 110)
    painter.end()
    photo.save(str(tmp / "дача.png"), "PNG")
    (tmp / "договор аренды.txt").write_text("Договор аренды квартиры.\n" * 200, "utf-8")
    with FakeYandexServer(chunk_delay=0.02) as server:
        window = MainWindow(Services(store=store, settings=Settings(auto_titles=False), tasks=BackgroundTasks(),
                                     environ={}, language="ru", api_base_override=server.url), current_theme())
        window.set_credentials(Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID))
        window.resize(1100, 760)
        window.show()
        window.new_chat()
        server.script_web("Курс доллара ЦБ на сегодня — **92,35 ₽** [1]. На бирже днём он колебался между 92 "
                          "и 93 ₽ [2].", sources=["cbr.ru", "www.moex.com"], searches=1)
        window.composer.web_button.setChecked(True)
        window.composer.sendRequested.emit("Какой сегодня курс доллара?")
        pump(1.5)
        DrawDialog.exec = lambda dialog: (dialog.seed.setValue(271828), 1)[1]
        window.composer.set_text("/draw рыжая лиса в заснеженном берёзовом лесу, акварель")
        window.composer.sendRequested.emit(window.composer.text())
        pump(2.0)
        window.chat_view.scroll_to_end()
        pump(0.3)
        path = out / "web-and-picture.png"
        window.grab().save(str(path))
        print(path)
        window.attach_flow.bar.add_paths([tmp / "дача.png", tmp / "договор аренды.txt"])
        window.composer.set_text("Что изображено на фото и о чём договор?")
        pump(1.5)
        path = out / "attachments.png"
        window.grab().save(str(path))
        print(path)
        window.close()


if __name__ == "__main__":
    sys.exit(main())
