"""The longest GUI-thread stall while a 20,000-token reply streams at 100 chunks per second, with the
real main window against the fake server over HTTP (offscreen). Budget: 30 ms (issue goal 50 ms).

A 2 ms heartbeat timer runs on the GUI thread; the longest gap between its ticks, minus the
interval, is the longest time the window could not react.

    .venv/bin/python bench/bench_stream.py [--tokens 20000] [--rate 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import print_result, rss_mb

HEARTBEAT_MS = 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=100.0, help="chunks per second")
    parser.add_argument("--tokens-per-chunk", type=int, default=15, help="the real Pro stream has about 15")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import Credentials
    from desktop_chat.settings import Settings
    from desktop_chat.store import ChatStore
    from desktop_chat.ui.main_window import MainWindow, Services
    from desktop_chat.ui.tasks import BackgroundTasks
    from desktop_chat.ui.theme import LIGHT
    from tests.fakes.yandex_server import FakeYandexServer, long_text

    app = QApplication([])
    server = FakeYandexServer(chunk_delay=1.0 / args.rate).start()
    text = long_text(args.tokens)
    server.script_reply(text, tokens_per_chunk=args.tokens_per_chunk)
    with tempfile.TemporaryDirectory() as tmp:
        store = ChatStore(Path(tmp))
        store.open()
        settings = Settings(max_tokens=30000)
        window = MainWindow(Services(store=store, settings=settings, tasks=BackgroundTasks(), environ={},
                                     api_base_override=server.url), LIGHT)
        window.set_credentials(Credentials("api_key", "AQVN-bench-key", "b1gbenchfolder000000"))
        window.resize(1000, 800)
        window.show()
        app.processEvents()
        # As the app does after its first paint: load the HTTP client and the renderer in the background.
        window.prewarm().result(timeout=30)
        app.processEvents()

        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        worst: list[tuple[float, float]] = []  # (stall ms, seconds into the stream)

        def beat() -> None:
            now = clock.nsecsElapsed()
            gap = (now - last[0]) / 1e6 - HEARTBEAT_MS
            gaps.append(gap)
            if gap > 20:
                worst.append((gap, now / 1e9))
            last[0] = now

        heartbeat = QTimer()
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(beat)

        window.composer.edit.setPlainText("Напиши очень длинный ответ")
        window.composer.sendRequested.emit(window.composer.text())
        started = time.perf_counter()
        while window.stream is None and time.perf_counter() - started < 10:
            app.processEvents()
        heartbeat.start()
        while (window.stream is not None or window.busy) and time.perf_counter() - started < 600:
            app.processEvents()
        heartbeat.stop()
        duration = time.perf_counter() - started
        # Let the reply be stored, then check it is whole.
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and (not window.chat_model.messages
                                                   or window.chat_model.messages[-1].role != "assistant"):
            app.processEvents()
        stored = store.load_chat(window.chat_id).messages[-1].text if window.chat_id else ""
        window.close()
        store.close()
    server.stop()
    gaps.sort()
    result = {
        "stream_seconds": duration,
        "chunks": -(-args.tokens // args.tokens_per_chunk),
        "reply_chars": len(text),
        "max_stall_ms": gaps[-1] if gaps else 0.0,
        "p99_stall_ms": gaps[int(len(gaps) * 0.99)] if gaps else 0.0,
        "rss_mb": rss_mb(),
        "reply_stored_whole": 1.0 if stored == text else 0.0,
    }
    print(f"streamed {result['chunks']} chunks ({len(text)} chars) in {duration:.1f} s")
    print(f"longest GUI stall: {result['max_stall_ms']:.1f} ms, p99 {result['p99_stall_ms']:.1f} ms "
          f"(budget 30 ms)")
    for gap, at in sorted(worst, reverse=True)[:5]:
        print(f"  stall of {gap:.0f} ms at {at:.2f} s")
    print(f"reply stored whole: {bool(result['reply_stored_whole'])}; RSS {result['rss_mb']:.0f} MB")
    print_result(result)


if __name__ == "__main__":
    main()
