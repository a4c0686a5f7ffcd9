"""Start to first painted window, as a process, with an empty store and with generated stores of
several sizes (offscreen); the process's max RSS at that paint; and the store's own open.

    .venv/bin/python bench/bench_startup.py [--runs 7] [--chats 1000 10000] [--messages 100000 1000000]

`--chats` and `--messages` pair up (one store per pair; default 1,000 chats / 100,000 messages);
each store also has one chat of `--big-chat` messages. Budgets (issue 18): first paint ≤ 0.3 s and
≤ 1.2× the empty store at 10,000 chats / 1,000,000 messages, max RSS at first paint ≤ 120 MB.
The stores are generated once into $DESKTOP_CHAT_BENCH_DIR (see common.py); 10,000 chats take
about 3 minutes and 1.7 GB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import ROOT, generated_store, median, print_result


def time_to_first_paint(data_dir: Path, config_dir: Path) -> tuple[float, float, float]:
    """(seconds from start to the first paint, the process's max RSS in MB, its CPU seconds until that
    paint). The app quits right after its first paint, so its max RSS is the one at that paint."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_CHAT_EXIT_AFTER_PAINT": "1"}
    env.pop("YC_API_KEY", None)
    # An installed app starts from compiled modules: let the warm-up run write them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "desktop_chat", "--data-dir", str(data_dir),
                                "--config-dir", str(config_dir)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("first-paint"):
            elapsed = time.perf_counter() - started
            words = line.split()
            cpu = float(words[words.index("cpu") + 1]) if "cpu" in words else 0.0
            break
    else:
        raise SystemExit("the app did not report a first paint")
    process.stdout.read()
    _pid, _status, usage = os.wait4(process.pid, 0)  # this child's own rusage (Linux: maxrss in KB)
    process.returncode = 0
    return elapsed, usage.ru_maxrss / 1024, cpu


def store_open(data_dir: Path) -> tuple[float, float]:
    """(seconds for ChatStore.open() as the app does it, seconds until every chat is listed)."""
    from desktop_chat.store import ChatStore

    store = ChatStore(data_dir, auto_backup=False)
    started = time.perf_counter()
    store.open()
    opened = time.perf_counter() - started
    store.wait_for_listing()
    listed = time.perf_counter() - started
    store.close()
    return opened, listed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chats", type=int, nargs="+", default=[1000])
    parser.add_argument("--messages", type=int, nargs="+", default=[100_000])
    parser.add_argument("--big-chat", type=int, default=5000)
    args = parser.parse_args()
    if len(args.chats) != len(args.messages):
        parser.error("give as many --messages as --chats (they pair up)")
    stores = [(c, m, generated_store(c, m, args.big_chat)) for c, m in zip(args.chats, args.messages, strict=True)]
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        empty, config = Path(tmp) / "empty", Path(tmp) / "config"
        for path in [empty] + [p for _c, _m, p in stores]:
            time_to_first_paint(path, config)  # warm the OS file cache, as a second start would
        # Interleaved (empty, each size, empty, …): on a shared machine the load drifts, and runs of
        # one store after the other would put that drift into the ratio.
        runs: dict[str, list[tuple[float, float, float]]] = {"empty": []}
        runs.update({f"{chats}": [] for chats, _m, _p in stores})
        for _ in range(args.runs):
            runs["empty"].append(time_to_first_paint(empty, config))
            for chats, _messages, path in stores:
                runs[f"{chats}"].append(time_to_first_paint(path, config))
    empty_paint = median([t for t, _rss, _cpu in runs["empty"]])
    empty_cpu = median([cpu for _t, _rss, cpu in runs["empty"]])
    result["first_paint_empty_s"] = empty_paint
    result["first_paint_cpu_empty_s"] = empty_cpu
    result["rss_empty_mb"] = median([rss for _t, rss, _cpu in runs["empty"]])
    print(f"empty store:  first paint {empty_paint:.3f} s ({empty_cpu:.3f} s of CPU), max RSS "
          f"{result['rss_empty_mb']:.0f} MB (medians of {args.runs})")
    for chats, messages, path in stores:
        paint = median([t for t, _rss, _cpu in runs[f"{chats}"]])
        cpu = median([c for _t, _rss, c in runs[f"{chats}"]])
        rss = max(rss for _t, rss, _cpu in runs[f"{chats}"])
        opens = [store_open(path) for _ in range(args.runs)]
        opened, listed = median([o for o, _l in opens]), median([li for _o, li in opens])
        result.update({f"first_paint_{chats}_chats_s": paint, f"ratio_{chats}_vs_empty": paint / empty_paint,
                       f"first_paint_cpu_{chats}_chats_s": cpu, f"cpu_ratio_{chats}_vs_empty": cpu / empty_cpu,
                       f"rss_{chats}_chats_mb": rss, f"store_open_{chats}_chats_s": opened,
                       f"store_listed_{chats}_chats_s": listed})
        print(f"{chats:,} chats / {messages:,} msgs: first paint {paint:.3f} s ({paint / empty_paint:.2f}× empty; "
              f"{cpu:.3f} s of CPU, {cpu / empty_cpu:.2f}× empty), "
              f"max RSS {rss:.0f} MB, store open {opened * 1000:.0f} ms (all chats listed after "
              f"{listed * 1000:.0f} ms, in the background)")
    print("budget at 10,000 chats: ≤ 0.3 s, ≤ 1.2× empty, ≤ 120 MB")
    print_result(result)


if __name__ == "__main__":
    main()
