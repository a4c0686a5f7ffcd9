"""Shared helpers for the benchmark scripts: a generated store cached between runs, medians, RSS."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("DESKTOP_CHAT_BENCH_DIR", Path(tempfile.gettempdir()) / "desktop-chat-bench"))


def generated_store(chats: int = 1000, messages: int = 100_000, big_chat: int = 5000) -> Path:
    """A store of `chats` chats and `messages` messages (one chat with `big_chat`), made once and reused."""
    path = CACHE / f"store-{chats}-{messages}-{big_chat}"
    if not (path / ".complete").exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_store.py"), str(path), "--chats", str(chats),
                        "--messages", str(messages), "--big-chat", str(big_chat)], check=True)
        (path / ".complete").write_text("ok")
    return path


def median(values: list[float]) -> float:
    return statistics.median(values)


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def print_result(result: dict[str, float]) -> None:
    """The last line of every bench: one JSON object of named numbers."""
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))
