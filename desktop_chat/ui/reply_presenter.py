"""Brings what the chat sessions and the store say onto the screen: the question appearing, the reply
growing in its streaming row (repainted at most every STREAM_REPAINT_MS), the stored reply taking
its place, the chat list refreshing itself and marking the chats that are writing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from desktop_chat.chat.events import QuestionFailed, QuestionSaved, ReplyFinished, ReplyProgress, ReplyStarted
from desktop_chat.providers.registry import UnknownModel
from desktop_chat.store import Message, StoreChange, StoreError
from desktop_chat.ui.chat_view import Row
from desktop_chat.ui.throttle import Throttle

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow

STREAM_REPAINT_MS = 80  # a dozen repaints a second reads smoothly and leaves the GUI thread idle


class ReplyPresenter(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.sessions = window.sessions
        self.rows: dict[int, Row] = {}  # ticket -> the row that shows that reply while it is written
        self.new_chat_ticket: int | None = None  # a send from the new-chat page, until its chat exists
        self.throttle = Throttle(self.repaint_stream, STREAM_REPAINT_MS, self)
        window.session_events.received.connect(self.on_session_event)
        window.store_events.received.connect(self.on_store_change)

    def on_store_change(self, change: StoreChange) -> None:
        window = self.window
        if change.kind == "deleted":
            if window.chat_list_model.get(change.chat_id) is not None:
                window.chat_list_model.remove(change.chat_id)
        else:
            try:
                summary = window.store.get_chat_summary(change.chat_id)
            except StoreError:
                return  # gone again meanwhile
            window.chat_list_model.upsert(summary)
        window.sidebar.select(window.chat_id)  # the list was rebuilt
        if change.chat_id == window.chat_id:
            window.update_title()

    def on_session_event(self, event: object) -> None:
        if isinstance(event, ReplyProgress):
            row = self.rows.get(event.ticket)
            if row is not None:
                row.footer_note = self._retry_note(event) if event.retry_in else self.tr("Writing…")
            if event.chat_id == self.window.chat_id:
                self.throttle.trigger()
            return
        if isinstance(event, QuestionSaved):
            self._question_saved(event)
        elif isinstance(event, QuestionFailed):
            self._question_failed(event)
        elif isinstance(event, ReplyStarted):
            self._reply_started(event)
        elif isinstance(event, ReplyFinished):
            self._reply_finished(event)
        self.window.chat_list_model.set_writing(self.sessions.writing())
        self.set_tail_for_current()

    def _retry_note(self, event: ReplyProgress) -> str:
        """Said in the reply's place while the client waits to try again (429, 503, a refused connection)."""
        from desktop_chat.api.errors import RateLimitError

        seconds = max(1, round(event.retry_in))
        note = self.tr("Retrying in %n s…", "", seconds)
        if isinstance(event.retry_error, RateLimitError):
            note = event.retry_error.retrying_message(self.window.services.language) + " " + note
        return note

    def _question_saved(self, event: QuestionSaved) -> None:
        window = self.window
        window.attach_flow.saved(event.ticket)
        if window.chat_id is None and self.new_chat_ticket == event.ticket:
            window.chat_id = event.chat_id  # the new chat on screen now exists
            window.chat_list_model.upsert(event.summary)
        if self.new_chat_ticket == event.ticket:
            self.new_chat_ticket = None
        if event.chat_id == window.chat_id:
            if event.replaced is not None:
                window.chat_model.replace_messages_from(event.replaced)
            window.chat_model.append_message(event.question)
            window.sidebar.select(event.chat_id)
            window.update_title()
            window.chat_view.scroll_to_end()

    def _question_failed(self, event: QuestionFailed) -> None:
        window = self.window
        window.attach_flow.failed(event.ticket)  # the files come back to the box
        if self.new_chat_ticket == event.ticket:
            self.new_chat_ticket = None
        if event.chat_id == window.chat_id:
            if event.editing is not None:
                window.resume_edit(event.editing, event.text)  # back into the edit, with the edited text
            elif not window.composer.text().strip():
                window.composer.set_text(event.text)  # nothing typed since: put the question back
        window.on_write_failed(event.error, kept_in_box=True)

    def _reply_started(self, event: ReplyStarted) -> None:
        window = self.window
        row = Row("streaming", text="")
        row.footer_note = self.tr("Waiting for the reply (economy mode: slower, about half the price)…") \
            if event.waiting else self.tr("Writing…")
        row.actions = [("action:stop", self.tr("Stop"))]
        self.rows[event.ticket] = row
        if event.chat_id == window.chat_id:
            if event.replaces is not None:
                window.chat_model.replace_messages_from(event.replaces.id)  # the new reply streams in its place
            window.chat_model.set_cut(event.first_sent_id, window.notices.cut_text(event.left_out))
            window.chat_model.refresh()  # "No reply yet" goes away
            window.chat_view.scroll_to_end()

    def _reply_finished(self, event: ReplyFinished) -> None:
        window = self.window
        row = self.rows.pop(event.ticket, None)
        showing = event.chat_id == window.chat_id
        old, reply, error = event.replaces, event.reply, event.error
        if isinstance(error, UnknownModel):
            if showing:
                window.notice(self.tr("This chat's model “%s” is unknown. Choose another one in the chat's "
                                      "settings.") % error.model)
            return
        if reply is not None and error is not None:
            window.live_errors[reply.id] = error
        if showing:
            view = window.chat_view
            follow = view.at_bottom()
            if row is not None:
                # Out of the view before anything is measured: the row's document is about to move to
                # the stored message (adopt_stream); measured again, a long reply would be rebuilt whole.
                window.chat_model.set_tail([r for r in window.chat_model.tail() if r is not row])
            if reply is None:
                if old is not None:
                    self._put_in_view(old, old)  # regenerating gave nothing better: the old one stays
                    if error is not None:
                        window.notice(window.notices.describe_error(error), retry_link=True)
                window.chat_model.refresh()
            else:
                self._put_in_view(reply, old)
                position = window.chat_model.row_of_message(reply.id)
                message_row = window.chat_model.row_at(position) if position is not None else None
                if message_row is not None and row is not None:
                    view.chat_delegate.adopt_stream(row, message_row, view.viewport().width())
            if follow:
                view.scroll_to_end()
            window.update_meter()
            window.update_title()  # the chat's cost now counts this reply
        if event.save_error is not None:
            window.on_write_failed(event.save_error)

    def _put_in_view(self, reply: Message, replaces: Message | None) -> None:
        model = self.window.chat_model
        if replaces is not None and model.row_of_message(replaces.id) is not None:
            model.replace_messages_from(replaces.id)
        model.append_message(reply)

    def repaint_stream(self) -> None:
        window = self.window
        live = self.sessions.live(window.chat_id)
        row = self.rows.get(live.ticket) if live is not None else None
        if live is None or row is None:
            return
        row.text = live.text  # the whole text so far: replace, never append
        # The new pieces are rendered now and put in the document in the next event: one event of the
        # GUI thread does not pay for both (a long code block or table: 2-5 ms each).
        if window.chat_model.row_of_tail(row) is not None:
            window.chat_view.chat_delegate.prepare_stream(row)
        QTimer.singleShot(0, self, lambda: self._show_stream(row))

    def _show_stream(self, row: Row) -> None:
        self.window.chat_view.stream_row_changed(row)

    def set_tail_for_current(self) -> None:
        """The open chat's streaming row (if its reply is being written) and notices under the messages."""
        window = self.window
        on_new_page = window.chat_id is None and self.new_chat_ticket is None
        live = None if on_new_page else self.sessions.live(window.chat_id)
        row = self.rows.get(live.ticket) if live is not None else None
        notices = [r for r in window.chat_model.tail() if r.kind == "notice"]
        if row is not None and live is not None:
            row.text = live.text
        window.chat_model.set_tail(([row] if row is not None else []) + notices)
        window.composer.set_busy(live is not None)
