"""Benchmark of the chat store on a big generated store (1,000 chats, 100,000 messages by default).

    python bench/bench_store.py [--dir DIR] [--chats 1000] [--messages 100000] [--big-chat 5000]

Without --dir the store is generated into a temp folder and removed afterwards; with --dir it is
generated there when the folder is empty, and reused (faster) on later runs. Prints readable
lines, then as the LAST line one JSON object of the numbers (milliseconds unless named otherwise).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_store import make_store

from desktop_chat.store import ChatStore, Message
from desktop_chat.store.chatfile import CHAT_SUFFIX, chat_file_bytes
from desktop_chat.store.index import INDEX_NAME
from desktop_chat.store.model import ChatSettings, new_id

QUERIES = ["привет", "ПРИВЕ", "ёлка", "елка зелёный", "код функция", "отчёт клиенту", "Москва",
           "hello", "database query", "Berlin", "weather", "qwertyuiop"]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def open_store(path: Path) -> ChatStore:
    store = ChatStore(path, auto_backup=False, search_in_background=False)
    store.open()
    return store


def write_chat(path: Path, count: int) -> str:
    """A chat file with `count` messages, written directly (like make_store)."""
    chat_id = new_id()
    now = time.time() - count
    messages = [Message.new("user" if i % 2 == 0 else "assistant", f"сообщение {i} message " * 8,
                            created_at=now + i) for i in range(count)]
    data = chat_file_bytes(chat_id, now, f"append bench {count}", False, ChatSettings(), messages)
    (path / "chats" / (chat_id + CHAT_SUFFIX)).write_bytes(data)
    return chat_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="store folder to (re)use")
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--big-chat", type=int, default=5000)
    parser.add_argument("--appends", type=int, default=200, help="appends timed per chat")
    args = parser.parse_args(argv)
    temp = None if args.dir else tempfile.mkdtemp(prefix="bench-store-")
    root = args.dir or Path(temp or ".")
    results: dict[str, float] = {}
    try:
        chats_dir = root / "chats"
        if not chats_dir.is_dir() or not any(chats_dir.iterdir()):
            seconds = timed(lambda: make_store(root, chats=args.chats, messages=args.messages,
                                               big_chat=args.big_chat, prepare=True))
            print(f"generated {args.chats} chats / {args.messages} messages in {seconds:.1f} s")
        size = sum(p.stat().st_size for p in chats_dir.glob("*" + CHAT_SUFFIX))
        print(f"store: {root} ({size / 1e6:.1f} MB of chat files)")

        # 1. start-up: open (index + stat of every chat file) and list the chats
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            store = open_store(root)
            chats = store.list_chats()
            runs.append(time.perf_counter() - started)
            store.close()
        results["startup_open_and_list_ms"] = ms(statistics.median(runs))
        results["chats"] = len(chats)
        print(f"start-up (open + list_chats of {len(chats)} chats): median {ms(statistics.median(runs))} ms")

        store = open_store(root)
        # 2. load the biggest chat
        biggest = max(store.list_chats(), key=lambda s: s.message_count)
        runs = [timed(lambda: store.load_chat(biggest.id)) for _ in range(5)]
        results["load_big_chat_ms"] = ms(statistics.median(runs))
        results["big_chat_messages"] = biggest.message_count
        print(f"load_chat of {biggest.message_count} messages: median {ms(statistics.median(runs))} ms")

        # 3. search
        per_query = {}
        for query in QUERIES:
            store.search(query)  # warm
            per_query[query] = statistics.median(timed(lambda q=query: store.search(q)) for _ in range(7))
        results["search_median_ms"] = ms(statistics.median(per_query.values()))
        results["search_max_ms"] = ms(max(per_query.values()))
        print("search: median {} ms, slowest {} ms ({})".format(
            results["search_median_ms"], results["search_max_ms"],
            ", ".join(f"{q!r} {ms(t)}" for q, t in per_query.items())))
        store.close()

        # 4. append latency at 10 vs 10,000 messages (each append is then cut again, unmeasured,
        # so both chats keep their length); interleaved so disk noise hits both alike
        small_id, large_id = write_chat(root, 10), write_chat(root, 10_000)
        store = open_store(root)
        store.load_chat(small_id)
        store.load_chat(large_id)
        times: dict[str, list[float]] = {small_id: [], large_id: []}
        for i in range(args.appends * 2):
            chat_id = small_id if i % 2 == 0 else large_id
            message = Message.new("assistant", "ответ " * 50)
            times[chat_id].append(timed(lambda c=chat_id, m=message: store.append_message(c, m)))
            store.truncate_from(chat_id, message.id)
        small, large = statistics.median(times[small_id]), statistics.median(times[large_id])
        results["append_10_ms"] = ms(small)
        results["append_10000_ms"] = ms(large)
        results["append_ratio"] = round(large / small, 2)
        print(f"append (fsync'd, + search index): 10 messages {ms(small)} ms, 10,000 messages {ms(large)} ms, "
              f"ratio {large / small:.2f} (median of {args.appends})")
        store.delete_chat(small_id)
        store.delete_chat(large_id)
        store.close()

        # 5. rebuilds: the start-up index (reads every chat file) and the search index
        (root / INDEX_NAME).unlink()
        seconds = timed(lambda: open_store(root).close())
        results["index_rebuild_ms"] = ms(seconds)
        print(f"start-up index rebuilt from all chat files: {seconds:.2f} s")
        store = open_store(root)
        seconds = timed(store.rebuild_search_index)
        store.close()
        results["search_rebuild_ms"] = ms(seconds)
        print(f"search index rebuilt: {seconds:.2f} s")
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
