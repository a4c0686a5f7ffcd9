"""kill -9 at random instants: every acknowledged write survives and every chat opens.

A child process (crash_child.py) appends, truncates and renames, printing "ack" after each call
returned. The parent kills it with SIGKILL at a random instant (during start-up, open, compaction,
or writes), then opens the store itself and checks each chat against what was acknowledged:
exactly the acknowledged messages, give or take the one operation that was in flight.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore
from tests.store.helpers import open_store

CHILD = Path(__file__).with_name("crash_child.py")
LANES = 4  # independent stores killed in parallel, to get many kills in little time
ROUNDS_PER_LANE = 55  # 220 kills in total


def apply(state: dict[str, list[str]], op: list[str]) -> dict[str, list[str]]:
    """The chats after one operation (only message ids matter here)."""
    new = {k: list(v) for k, v in state.items()}
    kind, chat_id = op[0], op[1]
    if kind == "append":
        new[chat_id].append(op[2])
    elif kind == "truncate":
        ids = new[chat_id]
        del ids[ids.index(op[2]):]
    return new


def run_lane(data_dir: Path, seed: int, stats: Counter[str], failures: list[str]) -> None:
    rng = random.Random(seed)
    store = open_store(data_dir)
    for i in range(3):
        store.create_chat(f"chat {i}")
    expected = {s.id: [] for s in store.list_chats()}
    store.close()
    for round_no in range(ROUNDS_PER_LANE):
        child = subprocess.Popen([sys.executable, "-S", str(CHILD), str(data_dir), str(seed * 1000 + round_no)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 bufsize=0)  # unbuffered: readline() must not swallow later lines
        # Most kills land while writing; some during start-up (open: catch-up, repairs, compaction).
        if rng.random() < 0.7:
            assert child.stdout is not None
            child.stdout.readline()  # "ready": the store is open, writes start now
            time.sleep(rng.uniform(0.0, 0.1))
        else:
            time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        if child.returncode != -signal.SIGKILL:
            failures.append(f"child ended by itself ({child.returncode}): {err.decode()[-2000:]}")
            return
        in_flight: list[str] | None = None
        text = out.decode("utf-8", "replace")
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # cut off by the kill: treat like an operation that was never acknowledged
            words = line.split()
            if words[0] == "begin":
                in_flight = words[1:]
            elif words[0] == "ack":
                expected = apply(expected, words[1:])
                in_flight = None
                stats["acks"] += 1
        stats["kills"] += 1
        stats["mid_write"] += in_flight is not None
        allowed = [expected] if in_flight is None else [expected, apply(expected, in_flight)]
        store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
        report = store.open()
        if report.quarantined or report.repaired:
            failures.append(f"round {round_no}: damage after a kill: {report}")
        actual = {}
        for summary in store.list_chats():
            chat = store.load_chat(summary.id)
            actual[summary.id] = [m.id for m in chat.messages]
            if summary.message_count != len(chat.messages):
                failures.append(f"round {round_no}: index says {summary.message_count} messages, "
                                f"file has {len(chat.messages)}")
            for m in chat.messages:
                if not m.text.startswith(m.id):
                    failures.append(f"round {round_no}: message {m.id} has the wrong text")
        store.close()
        if actual not in allowed:
            lost = {c: set(ids) - set(actual.get(c, [])) for c, ids in expected.items()}
            failures.append(f"round {round_no}: chats differ from what was acknowledged; missing {lost}; "
                            f"in flight {in_flight}; expected {allowed}; found {actual}")
            return
        expected = actual


@pytest.mark.timeout(180)
def test_kill_9_loses_nothing_acknowledged(tmp_path: Path) -> None:
    stats: Counter[str] = Counter()
    failures: list[str] = []
    lanes = [threading.Thread(target=run_lane, args=(tmp_path / f"lane{i}", i + 1, stats, failures))
             for i in range(LANES)]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()
    assert not failures, failures[:5]
    print(dict(stats))
    assert stats["kills"] >= 200
    # real work was interrupted: many acknowledged writes, and many kills in the middle of one
    # (typically ~1,500 acks and ~65% of kills mid-operation; the bounds leave room for a slow machine)
    assert stats["acks"] > 300
    assert stats["mid_write"] > stats["kills"] / 3
