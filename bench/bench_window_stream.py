"""The longest GUI-thread stall of the real window while replies stream over HTTP from the fake server:
the chat sessions, a QThread per reply, the event bridge, the presenter and the chat view, all as the
app runs them. One chat streams from the native API (whole text so far in every line), a second chat at
the same time from the OpenAI-compatible API (deltas); the chat on screen is the first.

A 2 ms heartbeat timer runs on the GUI thread; the longest gap between ticks minus the interval is the
longest time the window could not react. Budget: 30 ms, p99 10 ms.

    .venv/bin/python bench/bench_window_stream.py [--kind prose|code|table|math|mixed] [--size 100000]
                                                  [--chats 1|2] [--rate 100]

Last line: one JSON object (max_stall_ms, p99_stall_ms, replies_stored_whole, rss_mb, …).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import print_result, rss_mb
from stream_texts import KINDS, make_text

HEARTBEAT_MS = 2
ROOT = Path(__file__).resolve().parent.parent
SERVER = """
import sys, threading
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/bench")
from stream_texts import make_text
from tests.fakes.yandex_server import FakeYandexServer
text = make_text({kind!r}, {size})
server = FakeYandexServer(chunk_delay=1.0 / {rate}).start()
server.script_reply(text, chunks={chunks})
if {chats} == 2:
    server.script_chat(text, chunks={chunks}, delay=1.0 / {rate})
print(server.url, flush=True)
threading.Event().wait()
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=KINDS, default="prose")
    parser.add_argument("--size", type=int, default=100_000, help="characters of each reply")
    parser.add_argument("--chats", type=int, choices=(1, 2), default=2, help="replies streaming at once")
    parser.add_argument("--rate", type=float, default=100.0, help="chunks per second")
    parser.add_argument("--chunk-chars", type=int, default=75)
    parser.add_argument("--server-in-process", action="store_true",
                        help="run the fake server in this process (its work then competes for the GIL)")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatSettings, ChatStore
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import LIGHT
    from tests.fakes.yandex_server import FakeYandexServer

    app = QApplication([])
    text = make_text(args.kind, args.size)
    chunks = max(1, len(text) // args.chunk_chars)
    if args.server_in_process:
        server = FakeYandexServer(chunk_delay=1.0 / args.rate).start()
        server.script_reply(text, chunks=chunks)
        if args.chats == 2:
            server.script_chat(text, chunks=chunks, delay=1.0 / args.rate)
        url = server.url
    else:  # as in life, the server's work is not the app's: it runs in a process of its own
        server_process = subprocess.Popen(
            [sys.executable, "-c", SERVER.format(root=str(ROOT), kind=args.kind, size=args.size, rate=args.rate,
                                                 chunks=chunks, chats=args.chats)],
            stdout=subprocess.PIPE, text=True)
        assert server_process.stdout is not None
        url = server_process.stdout.readline().strip()
    with tempfile.TemporaryDirectory() as tmp:
        store = ChatStore(Path(tmp))
        store.open()
        native = store.create_chat("native", ChatSettings(model="yandexgpt-lite"))
        openai = store.create_chat("openai", ChatSettings(model="qwen3-235b-a22b-fp8"))
        settings = Settings(max_tokens=30000, auto_titles=False)
        window = MainWindow(Services(store=store, settings=settings, tasks=BackgroundTasks(), environ={},
                                     api_base_override=url), LIGHT)
        window.set_credentials(Credentials("api_key", "AQVN-bench-key", "b1gbenchfolder000000"))
        window.resize(1000, 800)
        window.show()
        app.processEvents()
        window.prewarm().result(timeout=60)  # as the app does after its first paint
        gc.freeze()  # as the app does once the prewarm is done (ui/startup.py)
        app.processEvents()

        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        worst: list[tuple[float, float]] = []  # (stall ms, seconds into the run)

        def beat() -> None:
            now = clock.nsecsElapsed()
            gap = (now - last[0]) / 1e6 - HEARTBEAT_MS
            gaps.append(gap)
            if gap > 20:
                worst.append((round(gap, 1), round(time.perf_counter() - started, 2)))
            last[0] = now

        heartbeat = QTimer()
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(beat)
        started = time.perf_counter()
        if args.chats == 2:
            window.open_chat(openai.id)
            window.composer.sendRequested.emit("Напиши очень длинный ответ (второй чат)")
        window.open_chat(native.id)
        window.composer.sendRequested.emit("Напиши очень длинный ответ")
        while not window.busy and time.perf_counter() - started < 10:
            app.processEvents()
        heartbeat.start()
        while window.busy and time.perf_counter() - started < 900:
            app.processEvents()
        deadline = time.perf_counter() + 5  # the last events: the stored replies shown
        while time.perf_counter() < deadline and (len(window.chat_model.messages) < 2
                                                   or window.chat_model.messages[-1].role != "assistant"):
            app.processEvents()
        heartbeat.stop()
        duration = time.perf_counter() - started
        stored = [store.load_chat(c.id).messages[-1].text if store.load_chat(c.id).messages else ""
                  for c in ((native, openai) if args.chats == 2 else (native,))]
        shown = window.chat_model.messages[-1].text if window.chat_model.messages else ""
        window.close()
        store.close()
    if args.server_in_process:
        server.stop()
    else:
        server_process.terminate()
        server_process.wait(timeout=10)
    gaps.sort()
    result = {
        "kind": args.kind,
        "chats": args.chats,
        "reply_chars": len(text),
        "stream_seconds": round(duration, 1),
        "max_stall_ms": round(gaps[-1], 1) if gaps else 0.0,
        "p99_stall_ms": round(gaps[int(len(gaps) * 0.99)], 1) if gaps else 0.0,
        "replies_stored_whole": 1.0 if all(s == text for s in stored) else 0.0,
        "shown_equals_stored": 1.0 if shown == stored[0] else 0.0,
        "rss_mb": round(rss_mb(), 1),
    }
    print(f"{args.chats} chat(s) streaming {len(text)} characters each ({args.kind}) in {duration:.1f} s")
    print(f"longest GUI stall: {result['max_stall_ms']} ms, p99 {result['p99_stall_ms']} ms (budget 30 / 10 ms)")
    print(f"replies stored whole: {bool(result['replies_stored_whole'])}; RSS {result['rss_mb']} MB")
    for gap, at in sorted(worst, reverse=True)[:5]:
        print(f"  stall of {gap} ms at {at} s")
    print_result(result)


if __name__ == "__main__":
    main()
