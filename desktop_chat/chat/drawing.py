"""Pictures drawn by YandexART in a chat: the `draw` use case of ChatSessions (a mixin). No Qt here.

A drawing is a turn of the chat: the prompt is stored as the user's message (with `drawing`: aspect, seed,
what to avoid), the request goes out as an asynchronous operation whose id is kept in pending.json (so a
restart still delivers the picture), and the picture is stored as an attachment (chat/pictures.py) on the
assistant's message (`drawing` again, with the seed really used, and `attachments`). The text models never
see these turns (conversation.history_messages leaves them out). A refused prompt stores a failed reply
(`error: "draw_refused"`); the prompt stays to be edited and drawn again (`draw(..., editing=<its id>)`).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from desktop_chat.chat import conversation
from desktop_chat.chat.events import ReplyFinished, ReplyStarted, SessionEvent
from desktop_chat.chat.pending import PendingReplies, PendingReply
from desktop_chat.store import ChatSettings, ChatStore, Message
from desktop_chat.store.model import Attachment

if TYPE_CHECKING:
    from desktop_chat.api.yandex_art import Picture
    from desktop_chat.chat.sessions import JobRunner, LiveReply
    from desktop_chat.providers.registry import Providers

log = logging.getLogger(__name__)

ART_MODEL = "yandex-art"


class DrawingMixin:
    if TYPE_CHECKING:
        store: ChatStore
        pending: PendingReplies
        providers: Providers
        runner: JobRunner

        def _emit(self, event: SessionEvent) -> None: ...
        def _claim(self, chat_id: str | None) -> LiveReply: ...
        def _release(self, reply: LiveReply) -> None: ...
        def _check_account(self, settings: ChatSettings | None = None) -> None: ...
        def _store_question(self, reply: LiveReply, chat_id: str | None, question: Message, text: str, *,
                            title: str, settings: ChatSettings, editing: str | None,
                            draft_key: str | None) -> str | None: ...

    def save_picture(self, chat_id: str, jpeg: bytes, name: str = "") -> Attachment:
        """Stores a drawn picture as an attachment (the store's put_attachment); returns its record for
        the reply's `attachments`. The one place that writes drawn pictures."""
        from desktop_chat.chat.pictures import save_picture

        return save_picture(self.store, jpeg, name or "yandex-art.jpg")

    def draw(self, chat_id: str | None, prompt: str, *, aspect: str = "1:1", seed: int | None = None,
             avoid: str = "", settings: ChatSettings | None = None, editing: str | None = None,
             draft_key: str | None = None) -> int:
        """Stores `prompt` as the user's message (a new chat when `chat_id` is None; replacing `editing` and
        all after it when given), then draws it. `seed` None picks one (shown on the reply, reusable). Raises
        Refused at once: "nothing", "prompt_too_long" (detail: the limit), "bad_aspect" (detail: the choices),
        "no_account", "busy", "limit"."""
        from desktop_chat.api.yandex_art import ASPECTS, MAX_PROMPT_CHARS, Drawing, new_seed
        from desktop_chat.chat.sessions import Refused

        prompt, avoid = prompt.strip(), avoid.strip()
        if not prompt:
            raise Refused("nothing")
        if len(prompt) > MAX_PROMPT_CHARS or len(avoid) > MAX_PROMPT_CHARS:
            raise Refused("prompt_too_long", str(MAX_PROMPT_CHARS))
        if aspect not in ASPECTS:
            raise Refused("bad_aspect", ", ".join(ASPECTS))
        drawing = Drawing(prompt, aspect, new_seed() if seed is None else int(seed), avoid)
        try:
            drawing.check()
        except ValueError as error:
            raise Refused("bad_seed", str(error)) from None
        self._check_account()
        reply = self._claim(chat_id)
        asked = {"aspect": aspect, "seed": drawing.seed, "avoid": avoid}
        question = Message.new("user", prompt, drawing=dict(asked))
        title = conversation.title_from_text(prompt)

        def job() -> None:
            target = self._store_question(reply, chat_id, question, prompt, title=title,
                                          settings=settings or ChatSettings(), editing=editing, draft_key=draft_key)
            if target is not None:
                self._draw(reply, target, asked, prompt)

        self.runner.start(job)
        return reply.ticket

    def _redraw(self, chat_id: str, messages: list[Message], *, fresh_seed: bool) -> int:
        """Regenerate (a new seed) or retry (the same one) a drawing turn."""
        from desktop_chat.api.yandex_art import new_seed

        question = next(m for m in reversed(messages) if m.role == "user")
        asked = dict(question.drawing or {})
        if fresh_seed or not asked.get("seed"):
            asked["seed"] = new_seed()
        self._check_account()
        reply = self._claim(chat_id)
        reply.replaces = conversation.last_reply(messages)
        self.runner.start(lambda: self._draw(reply, chat_id, asked, question.text))
        return reply.ticket

    def _resume_drawing(self, reply: LiveReply, pending: PendingReply) -> None:
        drawing = dict(pending.drawing or {})
        self._draw(reply, pending.chat_id, drawing, str(drawing.pop("prompt", "")))

    def _draw(self, reply: LiveReply, chat_id: str, asked: dict[str, Any], prompt: str) -> None:
        """Inside a job: ask for the picture (unless resuming), wait, store it."""
        from desktop_chat.api.yandex_art import Drawing

        picture: Picture | None = None
        error: BaseException | None = None
        provider = None
        reply.model = ART_MODEL
        try:
            provider = self.providers.artist()
            self._emit(ReplyStarted(reply.ticket, chat_id, ART_MODEL, reply.replaces, None, 0, waiting=True,
                                    kind="picture"))
            if not reply.operation_id:
                drawing = Drawing(prompt, str(asked.get("aspect", "1:1")), int(asked.get("seed", 0)),
                                  str(asked.get("avoid", "")))
                reply.operation_id = provider.start(drawing)
                self.pending.add(PendingReply(chat_id, reply.operation_id, ART_MODEL,
                                              reply.replaces.id if reply.replaces else None, time.time(),
                                              "picture", {"prompt": prompt, **asked}))
            picture = provider.wait(reply.operation_id, reply.cancel)
        except Exception as exc:
            error = exc
        finally:
            if provider is not None:
                provider.close()
        try:
            event = self._store_picture(reply, chat_id, asked, picture, error)
        finally:
            self._release(reply)
        self._emit(event)

    def _store_picture(self, reply: LiveReply, chat_id: str, asked: dict[str, Any], picture: Picture | None,
                       error: BaseException | None) -> ReplyFinished:
        from desktop_chat.api.errors import ApiError

        old = reply.replaces
        new: Message | None = None
        if picture is not None:
            try:
                record = self.save_picture(chat_id, picture.jpeg, f"yandex-art-{asked.get('seed', 0)}.jpg")
            except Exception as save_error:  # the operation stays pending: the next start tries again
                log.warning("could not store the picture: %s", type(save_error).__name__)
                return ReplyFinished(reply.ticket, chat_id, None, old, None, None, save_error)
            new = Message.new("assistant", "", model=ART_MODEL, model_version=picture.model_version,
                              drawing=dict(asked), attachments=[record])
        elif reply.cancel.cancelled and (error is None or isinstance(error, ApiError)):
            error = None  # stopped (or the app is closing): nothing was drawn
        elif error is not None:
            kind = error.kind if isinstance(error, ApiError) else "internal"
            details = error.support_details(model=ART_MODEL) if isinstance(error, ApiError) else ""
            new = Message.new("assistant", "", status="error", model=ART_MODEL, error=kind, error_details=details,
                              drawing=dict(asked))
            if old is not None and old.status != "error":
                new = None  # drawing again gave nothing better: the old picture stays
        if new is None:
            if reply.operation_id and not reply.abandoned:  # closing the app keeps it pending
                self.pending.remove(reply.operation_id)
            return ReplyFinished(reply.ticket, chat_id, None, old, None, error)
        try:
            new = self.store.append_message(chat_id, new, replaces=old.id if old is not None else None)
            summary = self.store.get_chat_summary(chat_id)
        except Exception as save_error:  # still pending: the next start delivers it
            log.warning("could not store the picture's message: %s", type(save_error).__name__)
            return ReplyFinished(reply.ticket, chat_id, new, old, None, error, save_error)
        if reply.operation_id:
            self.pending.remove(reply.operation_id)
        return ReplyFinished(reply.ticket, chat_id, new, old, summary, error)
