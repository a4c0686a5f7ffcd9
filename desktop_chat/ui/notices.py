"""What the window says when something goes wrong: plain words for errors, and notices under the chat."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop_chat.chat.sessions import Refused
from desktop_chat.store import Message, StoreError
from desktop_chat.ui.chat_view import Row

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class Notices(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def describe_error(self, error: BaseException) -> str:
        from desktop_chat.api.errors import ApiError

        if isinstance(error, ApiError):
            return error.user_message(self.window.services.language)
        return self.tr("Something went wrong inside the app: %s") % type(error).__name__

    def error_text(self, message: Message) -> str:
        """Plain words for a failed reply: the live error of this session, else one for its kind."""
        error = self.window.live_errors.get(message.id)
        if error is not None:
            return self.describe_error(error)
        from desktop_chat.api.errors import message_for_kind

        if message.error == "context_too_long":
            return self.tr("The conversation is too long for the model. Delete earlier messages you no longer need "
                           "(Delete under a message), start a new chat, shorten the message or its files, or "
                           "choose a model with a larger memory.")
        return message_for_kind(message.error, self.window.services.language) or self.tr(
            "The reply failed. Retry in a moment.")

    def write_failed(self, error: BaseException, *, kept_in_box: bool = False) -> None:
        log.warning("store write failed: %s", type(error).__name__)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        disk = isinstance(error, OSError) or (isinstance(error, StoreError) and error.kind == "io")
        if disk:
            text = self.tr("Could not save to disk: %s. Free some disk space and try again.") % reason
        else:
            text = self.tr("Could not save: %s") % reason
        if kept_in_box:
            text += " " + self.tr("Your text is still in the box.")
        self.show(text)

    def show(self, text: str, *, settings_link: bool = False, retry_link: bool = False) -> None:
        # Said once, in the chat where the person is looking; the status bar does not repeat it.
        row = Row("notice", text=text)
        if settings_link:
            row.actions = [("action:settings", self.tr("Open settings"))]
        if retry_link:
            row.actions = [("action:regenerate", self.tr("Retry"))]
        self.window.chat_model.set_tail([r for r in self.window.chat_model.tail() if r.kind != "notice"] + [row])
        self.window.chat_view.scroll_to_end()

    def refused(self, refusal: Refused) -> None:
        reason, detail = refusal.reason, refusal.detail
        texts = {
            "no_account": self.tr("To send messages, add your Yandex Cloud API key and folder ID in Settings. "
                                  "Your message is kept in the box."),
            "unknown_model": self.tr("This chat's model “%s” is unknown. Choose another one in the chat's "
                                     "settings.") % detail,
            "limit": self.tr("%s replies are being written at once already. Wait for one of them to "
                             "finish; your message is kept in the box.") % detail,
            "prompt_too_long": self.tr("A picture's description may be at most %s characters. Shorten it and "
                                       "draw again.") % detail,
        }
        if reason in texts:
            self.show(texts[reason], settings_link=reason == "no_account")

    def cut_text(self, left_out: int) -> str:
        if not left_out:
            return ""
        return self.tr("%n earlier message(s) above this line are not sent to the model: "
                       "the conversation is longer than its context window.", "", left_out)

