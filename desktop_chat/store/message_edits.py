"""The store's changes to messages already in a chat: keeping replaced ones as versions, switching
versions, deleting messages and putting them back (ChatStore inherits these; see store/versions.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from desktop_chat.store import versions
from desktop_chat.store.errors import StoreError
from desktop_chat.store.model import Message
from desktop_chat.store.versions import Removed

if TYPE_CHECKING:
    from desktop_chat.store.catalog import ChatCatalog
    from desktop_chat.store.index import IndexEntry
    from desktop_chat.store.model import Chat
    from desktop_chat.store.search import SearchIndex


class MessageEdits:
    _lock: threading.RLock
    _cat: ChatCatalog
    _search: SearchIndex

    if TYPE_CHECKING:
        def _entry(self, chat_id: str) -> IndexEntry: ...
        def _require_writable(self) -> None: ...
        def _notify(self, chat_id: str, kind: str) -> None: ...
        def load_chat(self, chat_id: str) -> Chat: ...

    def switch_version(self, chat_id: str, message_id: str, index: int) -> list[Message]:
        """Shows version `index` (0 = the oldest) of the turn at `message_id`; the version that was shown
        is kept in its place. One atomic rewrite of the chat file. Returns the chat's messages now."""
        return self._rewrite(chat_id, lambda messages: versions.switch(messages, message_id, index))

    def delete_messages(self, chat_id: str, message_ids: Sequence[str]) -> Removed:
        """Takes these messages (next to each other) out of the chat, with their other versions; one
        atomic rewrite. `restore_messages(removed)` puts them back (Undo)."""
        found: list[Removed] = []

        def change(messages: list[Message]) -> list[Message]:
            rest, removed = versions.remove(chat_id, messages, message_ids)
            found.append(removed)
            return rest
        self._rewrite(chat_id, change)
        return found[-1]

    def restore_messages(self, removed: Removed) -> list[Message]:
        """Undoes delete_messages: the messages go back where they were. Returns the chat's messages now."""
        return self._rewrite(removed.chat_id, lambda messages: versions.put_back(messages, removed))

    def _rewrite(self, chat_id: str, change: Callable[[list[Message]], list[Message]]) -> list[Message]:
        with self._lock:
            self._entry(chat_id)
            self._require_writable()
            read = self._cat.rewrite(chat_id, change)
            self._cat.save_index()
            self._notify(chat_id, "changed")
        # Outside the store's lock, as for a new chat: the window's other calls to the store need not wait.
        self._search.chat_rewritten(chat_id, read.messages, read.log.file_id, read.file_size)
        return read.messages

    def _as_new_version(self, chat_id: str, message: Message, replaces: str,
                        continues: bool) -> tuple[Message, list[str]]:
        """`message`, about to replace `replaces` and all after it, carrying what it replaces as earlier
        versions of that turn (a continued reply: the stopped one's versions). Also the ids it replaces,
        for the write to check that nothing came meanwhile."""
        messages = self.load_chat(chat_id).messages
        at = next((i for i, m in enumerate(messages) if m.id == replaces), None)
        if at is None:
            raise StoreError("not_found", "that message is not in this chat (any more)")
        tail = messages[at:]
        new = versions.continued(tail[0], message) if continues else versions.add_version(tail, message)
        return new, [m.id for m in tail]
