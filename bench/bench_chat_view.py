"""The chat window with a long chat (offscreen): open a 5,000-message chat to first paint, scroll
through it, RSS with it open, scroll the chat list, and search every message from the window's store.

    .venv/bin/python bench/bench_chat_view.py [--runs 5] [--chats 1000 10000] [--messages 100000 1000000]

`--chats` and `--messages` pair up (one generated store per pair, each with one chat of `--big-chat`
messages; default 1,000 chats / 100,000 messages). Budgets: open ≤ 100 ms, RSS ≤ 150 MB, search
≤ 50 ms for every query (issue 18, at 1,000,000 messages).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import generated_store, median, print_result, rss_mb

QUERIES = ["привет", "Python", "рецепт", "погода завтра", "функция"]


def bench_store(app, path: Path, label: str, runs: int, big_chat: int) -> dict[str, float]:
    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatStore
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import LIGHT

    store = ChatStore(path, auto_backup=False)
    store.open()
    chats = store.list_chats()
    store.wait_for_search_index()
    big = min(chats, key=lambda c: abs(c.message_count - big_chat))  # the --big-chat one
    small = [c for c in chats if c.id != big.id][:3]
    window = MainWindow(Services(store=store, settings=Settings(), tasks=BackgroundTasks(), environ={}), LIGHT)
    window.resize(1000, 800)
    window.show()
    app.processEvents()
    # A first render pays one-off costs (imports of Markdown, Pygments; fonts): open a small chat first.
    window.open_chat(small[0].id)
    window.chat_view.viewport().repaint()
    # As the app does once its prewarm is done (ui/startup.py): what start-up made is out of the collector's
    # way, so a full collection during an open walks what the open made, not the whole window.
    gc.collect()
    gc.freeze()

    open_times, open_cpu = [], []
    for i in range(runs):
        window.open_chat(small[(i + 1) % len(small)].id)
        app.processEvents()
        window.chat_view.chat_delegate.clear_cache()
        started, cpu = time.perf_counter(), time.thread_time()
        window.open_chat(big.id)
        window.chat_view.viewport().repaint()  # paints synchronously: the first paint of the chat
        open_times.append(time.perf_counter() - started)
        open_cpu.append(time.thread_time() - cpu)  # the GUI thread's own time: less noisy on a shared machine
    print(f"[{label}] open a {big.message_count}-message chat to first paint: {median(open_times) * 1000:.1f} ms "
          f"(median of {runs}; {median(open_cpu) * 1000:.1f} ms of the GUI thread's CPU)")

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
    print(f"[{label}] scroll: {steps} steps of 120 px, median {median(step_times) * 1000:.1f} ms, "
          f"slowest {step_times[-1] * 1000:.1f} ms, p95 {step_times[int(len(step_times) * 0.95)] * 1000:.1f} ms")
    rss = rss_mb()
    print(f"[{label}] RSS with the chat open (after scrolling): {rss:.0f} MB")

    # The chat list: fill it whole, scroll it page by page, and move a chat to the top (a new message).
    # The list lays out in batches (event loop passes): each step below is one pass's worth of work.
    model = window.chat_list_model
    started = time.perf_counter()
    model.set_chats(chats)
    fill = time.perf_counter() - started
    list_bar = window.chat_list.verticalScrollBar()
    for _ in range(200):  # until the batched layout has reached the end of the list
        app.processEvents()
    list_steps = []
    for _ in range(100):
        started = time.perf_counter()
        list_bar.setValue(list_bar.value() + list_bar.pageStep())
        window.chat_list.viewport().repaint()
        app.processEvents()
        list_steps.append(time.perf_counter() - started)
    moves = []
    import dataclasses
    for chat in chats[-50:]:
        started = time.perf_counter()
        model.upsert(dataclasses.replace(chat, updated_at=time.time()))
        window.chat_list.viewport().repaint()
        app.processEvents()
        moves.append(time.perf_counter() - started)
    print(f"[{label}] chat list of {len(chats)}: fill {fill * 1000:.1f} ms, page scroll median "
          f"{median(list_steps) * 1000:.1f} ms (slowest {max(list_steps) * 1000:.1f}), a chat to the top "
          f"median {median(moves) * 1000:.2f} ms (slowest {max(moves) * 1000:.1f})")

    per_query: dict[str, float] = {}
    for query in QUERIES:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            store.search(query, limit=100)
            times.append(time.perf_counter() - started)
        per_query[query] = median(times)
    slowest = max(per_query.values())
    print(f"[{label}] search: " + ", ".join(f"{q} {t * 1000:.1f} ms" for q, t in per_query.items())
          + f" (slowest {slowest * 1000:.1f} ms; budget 50)")
    window.close()
    store.close()
    return {
        f"open_{big.message_count}_chat_{label}_s": median(open_times),
        f"open_{big.message_count}_chat_cpu_{label}_s": median(open_cpu),
        f"scroll_step_median_{label}_s": median(step_times),
        f"scroll_step_max_{label}_s": step_times[-1],
        f"rss_{label}_mb": rss,
        f"list_fill_{label}_s": fill,
        f"list_page_scroll_max_{label}_s": max(list_steps),
        f"list_move_median_{label}_s": median(moves),
        f"search_median_{label}_s": median(list(per_query.values())),
        f"search_slowest_{label}_s": slowest,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chats", type=int, nargs="+", default=[1000])
    parser.add_argument("--messages", type=int, nargs="+", default=[100_000])
    parser.add_argument("--big-chat", type=int, default=5000)
    args = parser.parse_args()
    if len(args.chats) != len(args.messages):
        parser.error("give as many --messages as --chats (they pair up)")

    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    result: dict[str, float] = {}
    for chats, messages in zip(args.chats, args.messages, strict=True):
        path = generated_store(chats, messages, args.big_chat)
        result.update(bench_store(app, path, f"{chats}_chats", args.runs, args.big_chat))
    print_result(result)


if __name__ == "__main__":
    main()
