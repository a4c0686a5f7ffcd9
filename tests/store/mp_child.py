"""A process sharing a data folder with others (test_multiprocess.py).

    python -S mp_child.py DATA_DIR CHAT_ID append SECONDS   appends (and renames) until SECONDS pass,
                                                           printing "ack <message id>" after each append
    python -S mp_child.py DATA_DIR CHAT_ID compact SECONDS  opens the store again and again (each open
                                                           reads the chat, compacting / repairing it)
    python -S mp_child.py DATA_DIR - drafts PREFIX          sets 40 drafts PREFIX-0 .. PREFIX-39
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import desktop_chat.store.chatfile as chatfile
from desktop_chat.store import ChatStore, Message

# Small files get compacted too, so compactions happen all the time.
chatfile.COMPACT_MIN_BYTES = 2048
chatfile.COMPACT_DEAD_FRACTION = 0.2


def main() -> None:
    data_dir, chat_id, role, arg = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    if role == "drafts":
        store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
        store.open()
        for i in range(40):
            store.set_draft(f"{arg}-{i}", f"draft {arg} {i}")
        store.close()
        return
    deadline = time.monotonic() + float(arg)
    if role == "append":
        store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
        store.open()
        n = 0
        while time.monotonic() < deadline:
            message = Message.new("user", f"message {n}")
            store.append_message(chat_id, message)
            sys.stdout.write(f"ack {message.id}\n")
            sys.stdout.flush()
            # two dead events per message: over half the file is dead, so compaction has work
            store.rename_chat(chat_id, f"title {message.id}")
            store.rename_chat(chat_id, f"title {n}")
            n += 1
        store.close()
        return
    opens = 0
    shrinks = 0
    path = data_dir / "chats" / f"{chat_id}.jsonl"
    size = path.stat().st_size
    while time.monotonic() < deadline:
        store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
        store.open()
        store.load_chat(chat_id)
        store.close()
        now = path.stat().st_size
        shrinks += now < size  # appends only grow the file: it was compacted
        size = now
        opens += 1
    sys.stdout.write(f"opens {opens} rewrites {shrinks}\n")


if __name__ == "__main__":
    main()
