"""The process the crash test kills: it writes to a store and prints each operation before it
starts ("begin ...") and after it returned ("ack ..."), flushing at once, until it is killed.

    python -S crash_child.py DATA_DIR SEED
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import desktop_chat.store.chatfile as chatfile
from desktop_chat.store import ChatStore, Message

# Small files get compacted too, so kills also land in the middle of compactions.
chatfile.COMPACT_MIN_BYTES = 4096


def say(*words: str) -> None:
    sys.stdout.write(" ".join(words) + "\n")
    sys.stdout.flush()


def main() -> None:
    data_dir, seed = Path(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
    store.open()
    chats = {s.id: [m.id for m in store.load_chat(s.id).messages] for s in store.list_chats()}
    say("ready")
    while True:
        chat_id = rng.choice(sorted(chats))
        ids = chats[chat_id]
        roll = rng.random()
        if roll < 0.25 and ids:
            target = rng.choice(ids[-3:])
            say("begin", "truncate", chat_id, target)
            store.truncate_from(chat_id, target)
            del ids[ids.index(target):]
            say("ack", "truncate", chat_id, target)
        elif roll < 0.3:
            say("begin", "rename", chat_id)
            store.rename_chat(chat_id, f"название {rng.random()}")
            say("ack", "rename", chat_id)
        else:
            message_id = Message.new("user", "").id
            # the text starts with the id so the parent can check the right text came back;
            # some messages are long, so kills also land inside a write
            filler = "текст сообщения, text of a message. " * rng.choice((1, 5, 400))
            message = Message.new(rng.choice(("user", "assistant")), f"{message_id} {filler}", id=message_id)
            say("begin", "append", chat_id, message_id)
            store.append_message(chat_id, message)
            ids.append(message_id)
            say("ack", "append", chat_id, message_id)


if __name__ == "__main__":
    main()
