"""The use cases of a chat, without Qt: send, stream, stop, regenerate, edit and resend, retry.

One `ChatSessions` serves the whole app (the window or the terminal command). Each reply in flight
runs as one job on a worker that the caller provides (`JobRunner`: a QThread per reply in the
window, a plain thread or the calling thread elsewhere). A job does, in order and on its own
thread: store the question durably, plan the request from the chat as stored, stream the reply from
the chat model's provider, store the reply. Listeners hear each step as an event (events.py), on
the job's thread; the window's adapter hands them to the GUI thread.

Several chats may have a reply in flight at once (up to `limit`); one chat has at most one, so the
writes of one chat stay in order without a shared writer lane. Nothing typed and no partial reply
is lost: a stopped, failed or abandoned reply stores what arrived (see `_finish`).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from desktop_chat.chat import conversation
from desktop_chat.chat.conversation import Defaults, RequestPlan
from desktop_chat.chat.drawing import DrawingMixin
from desktop_chat.chat.events import (
    QuestionFailed,
    QuestionSaved,
    ReplyFinished,
    ReplyProgress,
    ReplyStarted,
    SessionEvent,
)
from desktop_chat.chat.pending import PendingReplies, PendingReply
from desktop_chat.providers.base import ChatProvider
from desktop_chat.providers.registry import NoAccount, Providers, UnknownModel
from desktop_chat.store import ChatSettings, ChatStore, Message
from desktop_chat.store.model import Attachment

if TYPE_CHECKING:
    from desktop_chat.api.client import CancelToken, Completion
    from desktop_chat.attachments import Prepared

log = logging.getLogger(__name__)

DEFAULT_PARALLEL_REPLIES = 4
MAX_PARALLEL_REPLIES = 10  # the API's own limit of generations at once per folder


class JobRunner(Protocol):
    def start(self, job: Callable[[], None]) -> None: ...


class ThreadRunner:
    """Each job on its own daemon thread (tests, tools)."""

    def start(self, job: Callable[[], None]) -> None:
        threading.Thread(target=job, name="chat-reply", daemon=True).start()


class InlineRunner:
    """Each job on the calling thread, to the end (the terminal command)."""

    def start(self, job: Callable[[], None]) -> None:
        job()


class Refused(Exception):
    """A request the sessions will not start now; `reason` says why (the UI words it)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        # "busy" | "limit" | "no_account" | "unknown_model" | "nothing" | "cannot_see" (detail: a model that
        # can, "" if none is known) | "too_long" (detail: tokens the files may take; see fit_attachments);
        # drawing: "prompt_too_long" (detail: the limit), "bad_aspect" (detail: the choices), "bad_seed"
        self.reason = reason
        self.detail = detail


@dataclass
class LiveReply:
    """A reply being written: which chat, what it replaces, what has arrived so far."""

    ticket: int
    chat_id: str | None  # None until a new chat has been created
    cancel: CancelToken
    model: str = ""
    replaces: Message | None = None
    text: str = ""
    reasoning: str = ""
    abandoned: bool = False  # closing or deleting: no verdict on a regenerated reply
    operation_id: str = ""  # economy mode or a picture: the background operation this reply waits for
    web: bool = False  # an answer from the web (the Responses API with web search)
    sources: tuple[str, ...] = ()  # a web answer's sources so far
    prefix: str = ""  # "continue": the stopped reply this one goes on from (shown and stored joined)
    done: threading.Event = field(default_factory=threading.Event)


def _ref(file: Prepared | Attachment) -> Attachment:
    return file if isinstance(file, Attachment) else file.to_ref()


def _tokens(file: Prepared | Attachment, model: str) -> int:
    from desktop_chat.attachments import token_cost

    return token_cost(file, model) if isinstance(file, Attachment) else file.tokens(model)


class ChatSessions(DrawingMixin):
    def __init__(self, store: ChatStore, providers: Providers, defaults: Callable[[], Defaults],
                 runner: JobRunner, *, limit: int = DEFAULT_PARALLEL_REPLIES,
                 auto_titles: Callable[[], bool] = lambda: False) -> None:
        """`auto_titles()`: name a new chat from its first exchange (chat/titles.py) after its first reply."""
        self.store = store
        self.auto_titles = auto_titles
        # abandon_all(): the app is closing. Made when first needed: importing api.types here was ~6 ms of
        # the start before the window's first paint.
        self._closing_token: CancelToken | None = None
        self._token_lock = threading.Lock()
        self.pending = PendingReplies(store.data_dir)
        self.providers = providers
        self.defaults = defaults
        self.runner = runner
        self.limit = max(1, min(MAX_PARALLEL_REPLIES, limit))
        self._lock = threading.Lock()
        self._replies: dict[int, LiveReply] = {}
        self._next_ticket = 0
        self._listeners: list[Callable[[SessionEvent], None]] = []

    def _closing(self) -> CancelToken:
        with self._token_lock:
            if self._closing_token is None:
                from desktop_chat.api.types import CancelToken

                self._closing_token = CancelToken()
            return self._closing_token

    # ---- listening ------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[SessionEvent], None]) -> None:
        """`listener(event)` runs on the job's thread for every event of every chat."""
        self._listeners.append(listener)

    def _emit(self, event: SessionEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken view must not break the reply, which is being stored
                log.exception("a session listener failed")

    # ---- what is in flight ----------------------------------------------------------------
    def live(self, chat_id: str | None) -> LiveReply | None:
        """The reply being written for `chat_id` (None: a new chat not yet created), if any."""
        with self._lock:
            return next((r for r in self._replies.values() if r.chat_id == chat_id), None)

    def writing(self) -> set[str]:
        with self._lock:
            return {r.chat_id for r in self._replies.values() if r.chat_id is not None}

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._replies)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Waits until every job has finished (its reply stored); False on timeout."""
        with self._lock:
            replies = list(self._replies.values())
        return all(reply.done.wait(timeout) for reply in replies)

    # ---- the use cases --------------------------------------------------------------------
    def send(self, chat_id: str | None, text: str, settings: ChatSettings, *, editing: str | None = None,
             draft_key: str | None = None, attachments: Sequence[Prepared | Attachment] = (),
             model: str | None = None, web: bool | None = None) -> int:
        """Stores `text` as the user's question (in a new chat when `chat_id` is None; replacing
        `editing` and all after it when given), then streams the reply. Returns the ticket.

        `attachments`: files made ready by `desktop_chat.attachments.prepare` (documents go in the message
        as text, pictures as image parts), or stored `Attachment` records (edit and resend keeps the files).
        `model`: this reply only is written by that model (the chat keeps its own), e.g. a vision model for a
        picture. Refused at once, nothing stored: "cannot_see" (pictures
        for a model that cannot see them; `detail` names one that can), "too_long" (the files do not fit).
        `web`: answer from the web for this message (None: the chat's `settings.web_search`)."""
        files = list(attachments)
        if not text.strip() and not files:
            raise Refused("nothing")
        reply_settings = self._for_model(settings, model)
        self._check_account(reply_settings)
        self._check_files(text, files, reply_settings)
        reply = self._claim(chat_id)
        reply.web = settings.web_search if web is None else web
        question = Message.new("user", text, attachments=[_ref(f) for f in files])
        title = conversation.title_from_text(text) or (files[0].name if files else "")

        def job() -> None:
            target = self._store_question(reply, chat_id, question, text, title=title, settings=settings,
                                          editing=editing, draft_key=draft_key, files=files)
            if target is not None:
                self._reply(reply, target, reply_settings)

        self.runner.start(job)
        return reply.ticket

    def _store_question(self, reply: LiveReply, chat_id: str | None, question: Message, text: str, *, title: str,
                        settings: ChatSettings, editing: str | None, draft_key: str | None,
                        files: Sequence[Prepared | Attachment] = ()) -> str | None:
        """Stores a question (in a new chat when `chat_id` is None) and says so with QuestionSaved;
        returns its chat. On failure says QuestionFailed, releases the reply and returns None."""
        try:
            for file in files:  # durably on disk before the message that references them
                if not isinstance(file, Attachment):
                    self.store.put_attachment(file.data, file.mime, file.sha256)
            target = chat_id if chat_id is not None else self.store.create_chat(title, settings).id
            with self._lock:
                reply.chat_id = target
            # An edit keeps the old question, and what followed it, as an earlier version of this turn.
            stored = self.store.append_message(target, question, replaces=editing)
            if editing is None and draft_key is not None:
                self.store.set_draft(draft_key, "")  # sent: no longer a draft
            if editing is not None and self._is_first_message(target, question.id):
                self.store.rename_chat(target, title)  # the chat is named after its first message
            summary = self.store.get_chat_summary(target)
        except Exception as error:
            log.warning("could not store the question: %s", type(error).__name__)
            self._release(reply)
            self._emit(QuestionFailed(reply.ticket, chat_id, text, editing, error))
            return None
        self._emit(QuestionSaved(reply.ticket, target, stored, summary, editing))
        return target

    def regenerate(self, chat_id: str, settings: ChatSettings, messages: list[Message] | None = None, *,
                   model: str | None = None, web: bool | None = None) -> int:
        """A new reply to the last question; the old one stays until the new one is stored, and then as an
        earlier version of it (store/versions.py).
        `messages`: the chat as the caller has it (saves reading it again). `model`: as for send. `web`: None
        answers the way the old reply did (from the web or not). A drawn picture is drawn again, new seed."""
        settings = self._for_model(settings, model)
        messages = self.store.load_chat(chat_id).messages if messages is None else messages
        old = conversation.last_reply(messages)
        if old is None:
            raise Refused("nothing")
        if conversation.is_drawing_turn(messages):
            return self._redraw(chat_id, messages, fresh_seed=old.status != "error")
        self._check_account(settings)
        self._check_pictures(messages[:-1], settings)
        reply = self._claim(chat_id)
        reply.replaces = old
        reply.web = old.web if web is None else web
        self.runner.start(lambda: self._reply(reply, chat_id, settings))
        return reply.ticket

    def retry(self, chat_id: str, settings: ChatSettings, messages: list[Message] | None = None, *,
              model: str | None = None, web: bool | None = None) -> int:
        """Asks again after a failed reply, or for a question that has none yet (a drawing: the same seed)."""
        messages = self.store.load_chat(chat_id).messages if messages is None else messages
        if not conversation.awaiting_reply(messages):
            raise Refused("nothing")
        if messages[-1].role == "assistant":
            return self.regenerate(chat_id, settings, messages, model=model, web=web)
        if conversation.is_drawing_turn(messages):
            return self._redraw(chat_id, messages, fresh_seed=False)
        settings = self._for_model(settings, model)
        self._check_account(settings)
        self._check_pictures(messages, settings)
        reply = self._claim(chat_id)
        reply.web = settings.web_search if web is None else web
        self.runner.start(lambda: self._reply(reply, chat_id, settings))
        return reply.ticket

    def continue_reply(self, chat_id: str, settings: ChatSettings, messages: list[Message] | None = None) -> int:
        """The model goes on from where its last reply stopped (Stop, or the length limit); the two parts
        are stored as one reply, in place of the stopped one."""
        messages = self.store.load_chat(chat_id).messages if messages is None else messages
        old = conversation.last_reply(messages)
        if old is None or old.status not in conversation.CONTINUABLE or not old.text.strip():
            raise Refused("nothing")
        self._check_account(settings)
        reply = self._claim(chat_id)
        reply.replaces, reply.prefix, reply.text = old, old.text, old.text
        self.runner.start(lambda: self._reply(reply, chat_id, settings))
        return reply.ticket

    def stop(self, chat_id: str | None) -> None:
        """Ends the chat's reply; what arrived is stored as a stopped reply."""
        reply = self.live(chat_id)
        if reply is not None:
            reply.cancel.cancel()

    def abandon(self, chat_id: str | None) -> LiveReply | None:
        """Stops the chat's reply before a close or delete. Its partial text is still stored, but a
        regenerated reply gives way to the complete old one. Returns the reply, to wait for."""
        reply = self.live(chat_id)
        if reply is not None:
            reply.abandoned = True
            reply.cancel.cancel()
        return reply

    def abandon_all(self, timeout: float = 5.0) -> bool:
        self._closing().cancel()  # a chat being named gives up too: its request ends at once
        with self._lock:
            replies = list(self._replies.values())
        for reply in replies:
            reply.abandoned = True
            reply.cancel.cancel()
        return all(reply.done.wait(timeout) for reply in replies)

    # ---- planning (also for the context meter) --------------------------------------------
    def plan(self, messages: list[Message], settings: ChatSettings) -> RequestPlan:
        return conversation.plan_request(messages, settings, self.defaults())

    def count_tokens(self, plan: RequestPlan) -> int | None:
        """The request's tokens as the model counts them (a network call: not on the GUI thread);
        None where the model's API cannot count. A hint only: fails fast, never retries."""
        provider, uri = self.providers.resolve(plan.model, timeout=5.0, max_retries=0)
        try:
            return provider.count_tokens(uri, plan.messages, plan.options)
        finally:
            provider.close()

    # ---- attachments ------------------------------------------------------------------------
    def vision_model(self) -> str | None:
        """The model to offer for a message with pictures when the chat's model cannot see (Gemma 3 27B)."""
        from desktop_chat.attachments import vision_models

        found = vision_models()
        return found[0] if found else None

    def can_see(self, settings: ChatSettings, model: str | None = None) -> bool:
        from desktop_chat.attachments import can_see

        return can_see(model or conversation.chat_model(settings, self.defaults()))

    def files_budget(self, text: str, settings: ChatSettings, files: Sequence[Prepared | Attachment],
                     model: str | None = None) -> int:
        """Tokens the documents of a new message may take: the model's window less the reply's room, the
        system prompt, the question and the pictures (history gives way, the new message cannot)."""
        settings = self._for_model(settings, model)
        defaults = self.defaults()
        model_id = conversation.chat_model(settings, defaults)
        plan = conversation.plan_request([Message.new("user", text)], settings, defaults)
        pictures = sum(_tokens(f, model_id) for f in files if f.kind == "image")
        return plan.prompt_budget - plan.estimated_tokens - pictures

    def fit_attachments(self, text: str, settings: ChatSettings, files: Sequence[Prepared | Attachment],
                        model: str | None = None) -> list[Prepared | Attachment]:
        """The files with each document cut to the first part that fits (in proportion to its size), for
        the "send the first part" offer; `len(f.text) / f.total_chars` is how much of each is kept."""
        from desktop_chat.attachments import cut_to_fit

        model_id = model or conversation.chat_model(settings, self.defaults())
        budget = self.files_budget(text, settings, files, model)
        documents = [f for f in files if f.kind != "image"]
        total = sum(_tokens(f, model_id) for f in documents)
        if total <= budget:
            return list(files)
        def cut(file: Prepared | Attachment) -> Prepared | Attachment:
            share = max(0, budget * _tokens(file, model_id) // max(1, total))
            if isinstance(file, Attachment):
                return cut_to_fit(file, share, model_id)
            return cut_to_fit(file, share, model_id)

        return [f if f.kind == "image" else cut(f) for f in files]

    def _for_model(self, settings: ChatSettings, model: str | None) -> ChatSettings:
        return dataclasses.replace(settings, model=model) if model else settings

    def _check_files(self, text: str, files: list[Prepared | Attachment], settings: ChatSettings) -> None:
        if not files:
            return
        if any(f.kind == "image" for f in files) and not self.can_see(settings):
            raise Refused("cannot_see", self.vision_model() or "")
        model_id = conversation.chat_model(settings, self.defaults())
        budget = self.files_budget(text, settings, files)
        if sum(_tokens(f, model_id) for f in files if f.kind != "image") > budget:
            raise Refused("too_long", str(max(0, budget)))

    def _check_pictures(self, messages: list[Message], settings: ChatSettings) -> None:
        """Asking again about a question with pictures needs a model that sees them."""
        last_question = next((m for m in reversed(messages) if m.role == "user"), None)
        if last_question is not None and conversation.pictures_of(last_question) and not self.can_see(settings):
            raise Refused("cannot_see", self.vision_model() or "")

    # ---- inside a job ---------------------------------------------------------------------
    def _reply(self, reply: LiveReply, chat_id: str, settings: ChatSettings) -> None:
        completion: Completion | None = None
        error: BaseException | None = None
        provider: ChatProvider | None = None
        try:
            messages = self.store.load_chat(chat_id).messages
            if reply.replaces is not None:
                messages = messages[: next(i for i, m in enumerate(messages) if m.id == reply.replaces.id)]
                if reply.prefix:  # continue: the stopped reply is history, then the request to go on
                    messages += [reply.replaces, conversation.continue_request()]
            plan = conversation.plan_request(messages, settings, self.defaults(), load=self.store.read_attachment)
            reply.model = plan.model
            def retrying(delay: float, why: BaseException) -> None:
                self._emit(ReplyProgress(reply.ticket, chat_id, reply.text, reply.reasoning, delay, why))

            if reply.web:
                provider, uri = self.providers.web_search(plan.model, conversation.web_options(settings),
                                                          on_retry=retrying)
            else:
                provider, uri = self.providers.resolve(plan.model, on_retry=retrying)
            economy = (settings.economy and not reply.web and conversation.has_economy(plan.model)
                       and hasattr(provider, "start_async"))
            self._emit(ReplyStarted(reply.ticket, chat_id, plan.model, reply.replaces, plan.first_sent_id,
                                    plan.left_out, waiting=economy, web=reply.web))
            if economy:
                operation_id = provider.start_async(uri, plan.messages, plan.options)  # type: ignore[attr-defined]
                reply.operation_id = operation_id
                self.pending.add(PendingReply(chat_id, operation_id, plan.model,
                                              reply.replaces.id if reply.replaces else None, time.time()))
                completion = self._wait(provider, reply, chat_id)
            else:
                for completion in provider.stream(uri, plan.messages, plan.options, reply.cancel):
                    # The whole text so far: replace, never append (after what a continued reply had).
                    reply.text = conversation.join_continued(reply.prefix, completion.text)
                    reply.reasoning = getattr(completion, "reasoning_text", "")
                    reply.sources = completion.sources
                    self._emit(ReplyProgress(reply.ticket, chat_id, reply.text, reply.reasoning,
                                             sources=reply.sources))
        except Exception as exc:
            error = exc
        finally:
            if provider is not None:
                provider.close()
        try:
            event = self._finish(reply, chat_id, completion, error)
        finally:
            self._release(reply)  # before the event: whoever hears it sees the chat free
        self._emit(event)
        if event.summary is not None and event.reply is not None and event.summary.message_count == 2 \
                and self.auto_titles():
            self._name_chat(chat_id)

    def _name_chat(self, chat_id: str) -> None:
        from desktop_chat.api.client import CancelToken
        from desktop_chat.chat.titles import name_chat

        cancel = CancelToken()
        stop_watching = self._closing().add_callback(cancel.cancel)  # called at once if already closing
        try:
            name_chat(self.store, self.providers, chat_id, cancel)  # the store tells the views
        except Exception as error:  # the first line stays the name: never a reason to bother anyone
            log.info("the chat was not named: %s", type(error).__name__)
        finally:
            stop_watching()

    def _wait(self, provider: object, reply: LiveReply, chat_id: str) -> Completion | None:
        """Waits for an economy-mode reply; it arrives whole."""
        completion = provider.wait_async(reply.operation_id, reply.cancel)  # type: ignore[attr-defined]
        reply.text = completion.text
        self._emit(ReplyProgress(reply.ticket, chat_id, reply.text))
        return completion

    def resume_pending(self) -> list[int]:
        """Waits again for the economy-mode replies asked for before the app was closed."""
        tickets = []
        for pending in self.pending.all():
            try:
                messages = self.store.load_chat(pending.chat_id).messages
                reply = self._claim(pending.chat_id)
            except Exception as error:  # the chat is gone, or busy: try again at the next start
                log.info("a pending reply was not resumed: %s", type(error).__name__)
                continue
            reply.model, reply.operation_id = pending.model, pending.operation_id
            reply.replaces = next((m for m in messages if m.id == pending.replaces), None)
            if pending.kind == "picture":
                reply.model = ""  # set by the drawing job
                self.runner.start(functools.partial(self._resume_drawing, reply, pending))
            else:
                self.runner.start(functools.partial(self._resume, reply, pending))
            tickets.append(reply.ticket)
        return tickets

    def _resume(self, reply: LiveReply, pending: PendingReply) -> None:
        completion: Completion | None = None
        error: BaseException | None = None
        provider = None
        try:
            provider, _uri = self.providers.resolve(pending.model)
            self._emit(ReplyStarted(reply.ticket, pending.chat_id, pending.model, reply.replaces, None, 0,
                                    waiting=True))
            completion = self._wait(provider, reply, pending.chat_id)
        except Exception as exc:
            error = exc
        finally:
            if provider is not None:
                provider.close()
        try:
            event = self._finish(reply, pending.chat_id, completion, error)
        finally:
            self._release(reply)
        self._emit(event)

    def _finish(self, reply: LiveReply, chat_id: str, completion: Completion | None,
                error: BaseException | None) -> ReplyFinished:
        """Decides what to store for the reply and stores it; returns what to tell."""
        event = self._store_reply(reply, chat_id, completion, error)
        if reply.operation_id and not (reply.abandoned and event.reply is None):
            # Stored, failed or stopped on purpose: no longer pending. Closing the app keeps it pending.
            self.pending.remove(reply.operation_id)
        return event

    def _store_reply(self, reply: LiveReply, chat_id: str, completion: Completion | None,
                     error: BaseException | None) -> ReplyFinished:
        from desktop_chat.api.errors import ApiError

        old = reply.replaces
        new: Message | None
        stopped = reply.cancel.cancelled and (error is None or isinstance(error, ApiError))
        if stopped:
            error = None
        if isinstance(error, NoAccount | UnknownModel):
            return ReplyFinished(reply.ticket, chat_id, None, old, None, error)
        if error is not None:
            if not isinstance(error, ApiError):
                log.error("the reply failed inside the app: %s", type(error).__name__)
            kind = error.kind if isinstance(error, ApiError) else "internal"
            details = error.support_details(model=reply.model) if isinstance(error, ApiError) else ""
            new = conversation.reply_message(None, reply.text, model=reply.model, status="error", error=kind,
                                             error_details=details, web=reply.web, sources=reply.sources)
            if old is not None and old.status != "error":
                new = None  # regenerating gave nothing better: the old reply stays
        elif stopped:
            keep_old = old is not None and reply.abandoned  # closing is no verdict on the old reply
            new = None if keep_old or not reply.text else conversation.reply_message(
                completion, reply.text, model=reply.model, status="stopped", web=reply.web, sources=reply.sources)
        elif completion is None:
            new = None
        else:
            new = conversation.reply_message(completion, completion.text, model=reply.model, web=reply.web)
        if new is None:
            return ReplyFinished(reply.ticket, chat_id, None, old, None, error)
        if reply.prefix:
            new.text = reply.text  # one reply: what had arrived before, and its continuation
        try:
            # A regenerated reply keeps the old one as an earlier version; a continued one takes its place.
            new = self.store.append_message(chat_id, new, replaces=old.id if old is not None else None,
                                            continues=bool(reply.prefix))
            summary = self.store.get_chat_summary(chat_id)
        except Exception as save_error:
            log.warning("could not store the reply: %s", type(save_error).__name__)
            return ReplyFinished(reply.ticket, chat_id, new, old, None, error, save_error)
        return ReplyFinished(reply.ticket, chat_id, new, old, summary, error)

    # ---- book-keeping ---------------------------------------------------------------------
    def _check_account(self, settings: ChatSettings | None = None) -> None:
        """Refuses at once what cannot be sent: no account, or a model nobody serves."""
        if self.providers.account is None:
            raise Refused("no_account")
        if settings is not None:
            model = conversation.chat_model(settings, self.defaults())
            try:
                self.providers.model_uri(model)
            except UnknownModel:
                raise Refused("unknown_model", model) from None

    def _claim(self, chat_id: str | None) -> LiveReply:
        from desktop_chat.api.client import CancelToken

        with self._lock:
            if chat_id is not None and any(r.chat_id == chat_id for r in self._replies.values()):
                raise Refused("busy")
            if len(self._replies) >= self.limit:
                raise Refused("limit", str(self.limit))
            self._next_ticket += 1
            reply = LiveReply(self._next_ticket, chat_id, CancelToken())
            self._replies[reply.ticket] = reply
            return reply

    def _release(self, reply: LiveReply) -> None:
        with self._lock:
            self._replies.pop(reply.ticket, None)
        reply.done.set()

    def _is_first_message(self, chat_id: str, message_id: str) -> bool:
        messages = self.store.load_chat(chat_id).messages
        return bool(messages) and messages[0].id == message_id
