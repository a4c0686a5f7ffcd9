"""Child process for the kill test: two chats with replies in flight; prints every acknowledgement."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.events import QuestionSaved, ReplyFinished, ReplyProgress
from desktop_chat.chat.sessions import ChatSessions, ThreadRunner
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.store import ChatSettings, ChatStore
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID


def main() -> None:
    data_dir, url = Path(sys.argv[1]), sys.argv[2]
    store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
    store.open()
    account = Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, url)
    sessions = ChatSessions(store, Providers(lambda: account, {"timeout": 30.0}), Defaults, ThreadRunner())
    lock = threading.Lock()
    finished = threading.Event()
    count = {"finished": 0}

    def on_event(event: object) -> None:
        with lock:
            if isinstance(event, QuestionSaved):
                print(f"ack {event.chat_id} {event.question.id}", flush=True)
            elif isinstance(event, ReplyFinished) and event.summary is not None and event.reply is not None:
                print(f"ack {event.chat_id} {event.reply.id}", flush=True)
                count["finished"] += 1
                if count["finished"] == 2:
                    finished.set()
            elif isinstance(event, ReplyProgress) and event.text:
                print(f"progress {event.chat_id}", flush=True)

    sessions.subscribe(on_event)
    chats = [store.create_chat(name).id for name in ("a", "b")]
    for chat_id in chats:  # one whole turn each: acknowledged replies
        sessions.send(chat_id, f"первый вопрос в {chat_id}", ChatSettings())
    finished.wait(20)
    print("turns done", flush=True)
    for chat_id in chats:  # then two replies in flight, which the parent kills
        sessions.send(chat_id, f"второй вопрос в {chat_id}", ChatSettings())
    threading.Event().wait(60)


if __name__ == "__main__":
    main()
