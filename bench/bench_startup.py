"""Start to first painted window, as a process, with an empty store and with 1,000 chats / 100,000
messages on disk (offscreen). Budget: 0.4 s, and no slower than 1.2x the empty store.

    .venv/bin/python bench/bench_startup.py [--runs 7]
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
from common import ROOT, generated_store, median, print_result


def time_to_first_paint(data_dir: Path, config_dir: Path) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_CHAT_EXIT_AFTER_PAINT": "1"}
    env.pop("YC_API_KEY", None)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "desktop_chat", "--data-dir", str(data_dir),
                                "--config-dir", str(config_dir)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("first-paint"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise SystemExit("the app did not report a first paint")
    process.wait(timeout=30)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    big = generated_store()
    with tempfile.TemporaryDirectory() as tmp:
        empty, config = Path(tmp) / "empty", Path(tmp) / "config"
        time_to_first_paint(empty, config)  # warm the OS file cache for both, as a second start would
        time_to_first_paint(big, config)
        empty_times = [time_to_first_paint(empty, config) for _ in range(args.runs)]
        big_times = [time_to_first_paint(big, config) for _ in range(args.runs)]
    result = {
        "first_paint_empty_s": median(empty_times),
        "first_paint_1000_chats_s": median(big_times),
        "ratio_vs_empty": median(big_times) / median(empty_times),
    }
    print(f"empty store:                  {result['first_paint_empty_s']:.3f} s (median of {args.runs})")
    print(f"1,000 chats / 100,000 msgs:   {result['first_paint_1000_chats_s']:.3f} s")
    print(f"ratio:                        {result['ratio_vs_empty']:.2f} (budget 0.4 s and 1.2x)")
    print_result(result)


if __name__ == "__main__":
    main()
