"""The process the attachment crash test kills: it stores files and the messages that reference them,
printing "ack <message id> <sha256>" after append_message returned, until it is killed.

    python -S crash_child.py DATA_DIR SEED
"""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop_chat.store import ChatStore, Message
from desktop_chat.store.model import Attachment


def main() -> None:
    data_dir, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
    store.open()
    chat_id = store.list_chats()[0].id
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        data = rng.randbytes(rng.randint(1, 3_000_000))  # up to 3 MB: kills land inside the writes
        sha = hashlib.sha256(data).hexdigest()
        ref = Attachment(sha256=sha, name=f"{sha[:8]}.bin", kind="document", mime="text/plain", size=len(data),
                         text="x", total_chars=1)
        store.put_attachment(data, ref.mime, sha)
        message = Message.new("user", sha, attachments=[ref])
        store.append_message(chat_id, message)
        sys.stdout.write(f"ack {message.id} {sha}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
