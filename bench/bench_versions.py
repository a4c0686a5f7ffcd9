"""Benchmark of answer versions and deleting messages in one chat of N messages.

    python bench/bench_versions.py [--messages 5000] [--repeat 5]

Switching a version, deleting a message and putting it back each rewrite the chat file atomically and
index it again for search; a regenerate reads the chat to keep the old reply as a version. Prints
readable lines, then as the LAST line one JSON object of medians in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.store import ChatStore, Message


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-versions-"))
    store = ChatStore(folder, auto_backup=False, list_in_background=False, search_in_background=False)
    store.open()
    try:
        chat = store.create_chat("big")
        for i in range(args.messages // 2):
            store.append_message(chat.id, Message.new("user", f"вопрос {i} " + "слово " * 60))
            store.append_message(chat.id, Message.new("assistant", f"ответ {i} " + "текст " * 120))
        times: dict[str, list[float]] = {"regenerate_store": [], "switch": [], "delete": [], "undo_delete": []}
        for k in range(args.repeat):
            last = store.load_chat(chat.id).messages[-1]
            started = time.perf_counter()
            shown = store.append_message(chat.id, Message.new("assistant", f"вариант {k}"), replaces=last.id)
            times["regenerate_store"].append(time.perf_counter() - started)
            started = time.perf_counter()
            store.switch_version(chat.id, shown.id, 0)
            times["switch"].append(time.perf_counter() - started)
            middle = store.load_chat(chat.id).messages[len(store.load_chat(chat.id).messages) // 2]
            started = time.perf_counter()
            removed = store.delete_messages(chat.id, [middle.id])
            times["delete"].append(time.perf_counter() - started)
            started = time.perf_counter()
            store.restore_messages(removed)
            times["undo_delete"].append(time.perf_counter() - started)
        size = (folder / "chats" / f"{chat.id}.jsonl").stat().st_size
        result = {f"{name}_ms": round(statistics.median(values) * 1000, 1) for name, values in times.items()}
        result["messages"] = args.messages
        result["file_mb"] = round(size / 1e6, 2)
        for name, value in result.items():
            print(f"{name}: {value}")
        print(json.dumps(result))
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
