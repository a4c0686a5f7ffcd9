"""kill -9 while attachments are being stored: every acknowledged message keeps its whole file."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop_chat.store import StoreError
from tests.store.helpers import open_store

CHILD = Path(__file__).with_name("crash_child.py")
ROUNDS = 25


def test_a_kill_while_storing_attachments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    chat_id = store.create_chat("crash").id
    store.close()
    rng = random.Random(12)
    acknowledged: dict[str, str] = {}
    for round_no in range(ROUNDS):
        child = subprocess.Popen([sys.executable, "-S", str(CHILD), str(data_dir), str(round_no)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        assert child.stdout is not None
        assert child.stdout.readline() == b"ready\n", child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.3))
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate(timeout=30)
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "ack":
                acknowledged[parts[1]] = parts[2]
        store = open_store(data_dir)
        messages = {m.id: m for m in store.load_chat(chat_id).messages}
        for message_id, sha in acknowledged.items():
            assert message_id in messages, f"round {round_no}: an acknowledged message is gone"
            [ref] = messages[message_id].attachments
            assert ref.sha256 == sha
            try:
                store.read_attachment(ref)  # there, whole, and its hash checks
            except StoreError as error:
                raise AssertionError(f"round {round_no}: the file of an acknowledged message: {error}") from None
        store.close()
    assert len(acknowledged) > ROUNDS  # the kills landed among many writes
