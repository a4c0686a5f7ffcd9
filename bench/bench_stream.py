"""The longest GUI-thread stall while a reply streams into the chat view (offscreen).

A reply's text is replaced chunk by chunk at a set rate, as the session adapter does (every update
carries the whole text so far; the view is repainted at most every STREAM_REPAINT_MS), then the reply
is finished as the window finishes it (the stored message's row adopts the streamed document). The
bench drives the chat view, its model and delegate only, so it does not depend on the main window.

A 2 ms heartbeat timer runs on the GUI thread; the longest gap between its ticks, minus the interval,
is the longest time the window could not react. Measured from the first chunk until the finished
reply is shown and every formula it started has been drawn. Budget: 30 ms, p99 10 ms.

    .venv/bin/python bench/bench_stream.py [--kind prose|code|table|math|mixed] [--size 100000]
                                           [--text-file PATH] [--rate 100] [--chunk-chars 75]

Another stream at the same time (a second chat) is one more `Stream(...)` in `streams` (see main()):
`visible=False` streams update their row's text without it being in the view's model.
The last line is one JSON object (max_stall_ms, p99_stall_ms, reply_stored_whole, rss_mb, …).
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
from common import print_result, rss_mb
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from stream_texts import KINDS, make_text

from desktop_chat.store import Message
from desktop_chat.ui.chat_delegate import pages_of
from desktop_chat.ui.chat_view import ChatModel, ChatView, Row
from desktop_chat.ui.streaming_document import MessageDocument
from desktop_chat.ui.theme import LIGHT
from desktop_chat.ui.throttle import Throttle

HEARTBEAT_MS = 2
STREAM_REPAINT_MS = 80  # as the main window


class Stream:
    """One reply streaming into a chat: its row's text is replaced at `rate` chunks per second."""

    def __init__(self, view: ChatView, model: ChatModel, text: str, rate: float, chunk_chars: int,
                 visible: bool = True) -> None:
        self.view, self.model, self.text = view, model, text
        self.visible = visible
        self.row = Row("streaming", text="", footer_note="Writing…", actions=[("action:stop", "Stop")])
        self.sent = 0
        self.chunk_chars = chunk_chars
        self.done = False
        self.finish_ms = 0.0
        self.message_row: Row | None = None
        self._timer = QTimer()
        self._timer.setInterval(max(1, round(1000 / rate)))
        self._timer.timeout.connect(self._chunk)
        self._received = ""
        self._repaint = Throttle(self._show, STREAM_REPAINT_MS)

    def start(self) -> None:
        if self.visible:
            self.model.set_tail([self.row])
            self.view.scroll_to_end()
        self._timer.start()

    def _chunk(self) -> None:
        self.sent = min(len(self.text), self.sent + self.chunk_chars)
        self._received = self.text[: self.sent]  # the whole text so far: replace, never append
        self._repaint.trigger()
        if self.sent >= len(self.text):
            self._timer.stop()
            self._finish()

    def _show(self) -> None:
        # What the window's stream repaint does (ReplyPresenter.repaint_stream): the row's text and its
        # changed pieces rendered, then in the next event the row is measured again.
        self.row.text = self._received
        if not self.visible:
            return
        self.view.chat_delegate.prepare_stream(self.row)
        QTimer.singleShot(0, self._measure)

    def _measure(self) -> None:
        if self.done:
            return  # the finished reply took the row's place
        self.view.stream_row_changed(self.row)  # what the window's reply presenter does

    def _finish(self) -> None:
        """What the window does when the reply is stored: the message row adopts the document."""
        started = time.perf_counter()
        self._repaint.cancel()
        self.row.text = self._received
        self._measure()
        message = Message.new("assistant", self.text)
        if self.visible:
            follow = self.view.at_bottom()
            self.model.set_tail([])
            self.model.append_message(message)
            position = self.model.row_of_message(message.id)
            self.message_row = self.model.row_at(position) if position is not None else None
            if self.message_row is not None:
                self.view.chat_delegate.adopt_stream(self.row, self.message_row, self.view.viewport().width())
            if follow:
                self.view.scroll_to_end()
        self.finish_ms = (time.perf_counter() - started) * 1000
        self.done = True


def shown_equals_fresh(view: ChatView, row: Row, text: str) -> bool:
    """The finished reply's document is the same as a fresh one of the stored text (as when reopened)."""
    width = view.viewport().width()
    shown = pages_of(view.chat_delegate.document(row, width))
    fresh = MessageDocument(view.chat_delegate.theme)
    fresh.update(text, view.chat_delegate._footer_html(row))
    fresh.set_width(shown[0].textWidth())
    return len(shown) == len(fresh.documents) and all(
        page.toHtml() == other.toHtml() and page.size() == other.size()
        for page, other in zip(shown, fresh.documents, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=KINDS, default="prose")
    parser.add_argument("--size", type=int, default=100_000, help="characters of generated text")
    parser.add_argument("--text-file", type=Path, help="stream this Markdown file instead")
    parser.add_argument("--rate", type=float, default=100.0, help="chunks per second")
    parser.add_argument("--chunk-chars", type=int, default=75, help="≈ 15 tokens, as the real Pro stream")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after the warm-up, as the app could after its start: a full collection "
                             "of the objects made at start costs 10-30 ms at a random moment of the stream")
    args = parser.parse_args()

    app = QApplication([])
    text = args.text_file.read_text(encoding="utf-8") if args.text_file else make_text(args.kind, args.size)
    view = ChatView(LIGHT)
    model = ChatModel()
    view.setModel(model)
    view.resize(1000, 800)
    view.show()
    model.set_messages([Message.new("user", "Напиши очень длинный ответ")])
    app.processEvents()
    # As the app does after its first paint (MainWindow.prewarm, which should call render.prewarm()): the
    # Markdown parser, linkify and the lexers of common languages; and the formula worker.
    from desktop_chat.ui import math_render, render

    render.prewarm()
    math_render.render_formula("x^2", display=False, color="#000000", font_px=16)
    from desktop_chat.ui import formula_pool

    formula_pool.warm_up()
    formula_pool.pool().wait_idle(30)
    if args.gc_freeze:
        import gc

        gc.collect()
        gc.freeze()

    streams = [Stream(view, model, text, args.rate, args.chunk_chars)]
    # The lead's "two chats at once": streams.append(Stream(view, model, other_text, args.rate,
    # args.chunk_chars, visible=False))

    gaps: list[float] = []
    busy: list[float] = []  # of each gap, the time the GUI thread itself ran (the rest: the machine's load)
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed(), time.thread_time()]
    worst: list[tuple[float, float, float]] = []

    def beat() -> None:
        now, cpu = clock.nsecsElapsed(), time.thread_time()
        gap = (now - last[0]) / 1e6 - HEARTBEAT_MS
        ran = min(gap, (cpu - last[1]) * 1000)
        gaps.append(gap)
        busy.append(ran)
        if gap > 15:
            worst.append((gap, ran, now / 1e9))
        last[0], last[1] = now, cpu

    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    from desktop_chat.ui.formula_pool import pool

    loop = QEventLoop()
    started = time.perf_counter()
    checks = 0

    def check() -> None:
        # Done when every stream has finished and the work the finished reply causes is over
        # (formulas drawn in the background, the view laid out again): 300 ms of quiet after that.
        nonlocal checks
        if all(s.done for s in streams) and pool().wait_idle(0):
            checks += 1
            if checks >= 3:
                loop.quit()
        else:
            checks = 0

    watcher = QTimer()
    watcher.setInterval(100)
    watcher.timeout.connect(check)
    watcher.start()
    for stream in streams:
        stream.start()
    loop.exec()
    duration = time.perf_counter() - started
    heartbeat.stop()
    main_stream = streams[0]
    row = main_stream.message_row
    whole = row is not None and row.message is not None and row.message.text == text
    equal = whole and row is not None and shown_equals_fresh(view, row, text)
    gaps.sort()
    busy.sort()
    result = {
        "kind": "file" if args.text_file else args.kind,
        "gc_freeze": args.gc_freeze,
        "stream_seconds": duration,
        "chunks": -(-len(text) // args.chunk_chars),
        "reply_chars": len(text),
        "max_stall_ms": gaps[-1] if gaps else 0.0,
        "p99_stall_ms": gaps[int(len(gaps) * 0.99)] if gaps else 0.0,
        # The same, counting only the GUI thread's own CPU time in each gap (a shared machine's other
        # processes take the CPU from it at times: that stalls the window too, but not because of us).
        "max_busy_ms": busy[-1] if busy else 0.0,
        "p99_busy_ms": busy[int(len(busy) * 0.99)] if busy else 0.0,
        "finish_ms": main_stream.finish_ms,
        "rss_mb": rss_mb(),
        "reply_stored_whole": 1.0 if whole else 0.0,
        "shown_equals_fresh": 1.0 if equal else 0.0,
        "formulas_late": float(pool().late),
    }
    print(f"streamed {result['chunks']} chunks ({len(text)} chars) in {duration:.1f} s")
    print(f"longest GUI stall: {result['max_stall_ms']:.1f} ms, p99 {result['p99_stall_ms']:.1f} ms "
          f"(budget 30 / 10 ms); finishing the reply took {main_stream.finish_ms:.1f} ms")
    print(f"GUI thread's own CPU time in a gap: longest {result['max_busy_ms']:.1f} ms, "
          f"p99 {result['p99_busy_ms']:.1f} ms")
    for gap, ran, at in sorted(worst, reverse=True)[:5]:
        print(f"  stall of {gap:.0f} ms (GUI thread ran {ran:.0f} ms of it) at {at:.2f} s")
    print(f"reply whole: {whole}; shown = fresh render: {equal}; RSS {result['rss_mb']:.0f} MB")
    print_result(result)


if __name__ == "__main__":
    main()
