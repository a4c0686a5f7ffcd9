"""The chat window with a long chat (offscreen): open a 5,000-message chat to first paint, scroll
through it, RSS with it open, and search 100,000 messages from the window's store.

    .venv/bin/python bench/bench_chat_view.py [--runs 5]

Budgets: open ≤ 100 ms (issue goal 150 ms), RSS ≤ 150 MB, search ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import generated_store, median, print_result, rss_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = generated_store()

    from PySide6.QtWidgets import QApplication

    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatStore
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import LIGHT

    app = QApplication([])
    store = ChatStore(path)
    store.open()
    chats = store.list_chats()
    big = max(chats, key=lambda c: c.message_count)
    small = [c for c in chats if c.id != big.id][:3]
    window = MainWindow(Services(store=store, settings=Settings(), tasks=BackgroundTasks(), environ={}), LIGHT)
    window.resize(1000, 800)
    window.show()
    app.processEvents()
    # A first render pays one-off costs (imports of Markdown, Pygments; fonts): open a small chat first.
    window.open_chat(small[0].id)
    window.chat_view.viewport().repaint()

    open_times = []
    for i in range(args.runs):
        window.open_chat(small[(i + 1) % len(small)].id)
        app.processEvents()
        window.chat_view.chat_delegate.clear_cache()
        started = time.perf_counter()
        window.open_chat(big.id)
        window.chat_view.viewport().repaint()  # paints synchronously: the first paint of the chat
        open_times.append(time.perf_counter() - started)
    print(f"open a {big.message_count}-message chat to first paint: {median(open_times) * 1000:.1f} ms "
          f"(median of {args.runs})")

    # Scroll from the bottom to the top in steps of a wheel notch; older messages load as we go.
    bar = window.chat_view.verticalScrollBar()
    step_times = []
    steps = 0
    while steps < 400:
        started = time.perf_counter()
        bar.setValue(bar.value() - 120)
        window.chat_view.viewport().repaint()
        app.processEvents()
        step_times.append(time.perf_counter() - started)
        steps += 1
        if bar.value() <= 0 and not window.chat_model.has_more_above():
            break
    step_times.sort()
    print(f"scroll: {steps} steps of 120 px, median {median(step_times) * 1000:.1f} ms, "
          f"slowest {step_times[-1] * 1000:.1f} ms, p95 {step_times[int(len(step_times) * 0.95)] * 1000:.1f} ms")
    rss = rss_mb()
    print(f"RSS with the chat open (after scrolling): {rss:.0f} MB")

    queries = ["привет", "Python", "рецепт", "погода завтра", "функция"]
    search_times = []
    for query in queries * 3:
        started = time.perf_counter()
        store.search(query, limit=100)
        search_times.append(time.perf_counter() - started)
    print(f"search 100,000 messages: median {median(search_times) * 1000:.1f} ms")

    print_result({
        "open_5000_chat_s": median(open_times),
        "scroll_step_median_s": median(step_times),
        "scroll_step_max_s": step_times[-1],
        "scroll_steps": steps,
        "rss_mb": rss,
        "search_s": median(search_times),
    })
    window.close()
    store.close()


if __name__ == "__main__":
    main()
