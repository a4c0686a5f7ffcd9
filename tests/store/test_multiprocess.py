"""Several processes on one data folder: nothing acknowledged is lost (issue 17, finding 1)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.store.helpers import open_store

CHILD = Path(__file__).with_name("mp_child.py")
SECONDS = 4.0


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-S", str(CHILD), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_appenders_and_a_compactor_lose_nothing(data_dir: Path) -> None:
    store = open_store(data_dir)
    chat = store.create_chat("shared")
    store.close()
    children = [spawn(str(data_dir), chat.id, "append", str(SECONDS)),
                spawn(str(data_dir), chat.id, "append", str(SECONDS)),
                spawn(str(data_dir), chat.id, "compact", str(SECONDS))]
    outputs = [child.communicate(timeout=60) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        # no process broke the shared search index or lost a temp file to another's clean-up
        assert "search index" not in err and "could not" not in err, err
    acked = [line.split()[1] for out, _ in outputs[:2] for line in out.splitlines() if line.startswith("ack ")]
    words = outputs[2][0].split()
    opens, rewrites = int(words[1]), int(words[3])
    store = open_store(data_dir)
    present = [m.id for m in store.load_chat(chat.id).messages]
    store.close()
    missing = set(acked) - set(present)
    print(f"{len(acked)} acknowledged appends by 2 processes, {opens} opens ({rewrites} rewrites) by a third, "
          f"{len(missing)} missing, {len(present)} present")
    assert len(acked) > 100 and opens > 5 and rewrites > 5  # the processes really overlapped
    assert not missing
    assert len(present) == len(set(present)) == len(acked)  # no duplicates, nothing unacknowledged
    assert list((data_dir / "quarantine").glob("*")) == []  # no process saw damage


def test_drafts_of_two_processes_merge(data_dir: Path) -> None:
    open_store(data_dir).close()
    children = [spawn(str(data_dir), "-", "drafts", prefix) for prefix in ("a", "b", "c")]
    for child in children:
        _, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
    drafts = json.loads((data_dir / "drafts.json").read_text("utf-8"))["drafts"]
    assert sorted(drafts) == sorted(f"{p}-{i}" for p in "abc" for i in range(40))
