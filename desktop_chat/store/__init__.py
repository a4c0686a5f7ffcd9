"""The chat store: chats as JSON Lines files on the user's disk, with an index, search, drafts,
export/import, backups, format versions and migrations. No Qt here.

See docs/store-format.md for the files, and docs/contracts.md for the API the app relies on.
"""

from desktop_chat.store.errors import StoreError
from desktop_chat.store.model import Chat, ChatSettings, ChatSummary, Message, OpenReport, SearchHit, StoreChange
from desktop_chat.store.store import ChatStore

__all__ = ["Chat", "ChatSettings", "ChatStore", "ChatSummary", "Message", "OpenReport", "SearchHit",
           "StoreChange", "StoreError"]
