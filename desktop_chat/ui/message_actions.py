"""What is shown under each message (notes, links) and what its links and context menu do."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextDocument

from desktop_chat.catalogue import format_rub
from desktop_chat.chat import conversation
from desktop_chat.store import Message
from desktop_chat.ui.chat_view import Row

if TYPE_CHECKING:
    from desktop_chat.ui.main_window import MainWindow


class MessageActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        from desktop_chat.ui.versions_flow import VersionsFlow

        self.versions = VersionsFlow(window)  # ‹ 2/3 › and Delete under a message
        # Day separators and message times in the UI's language, on the chat list's clock.
        from desktop_chat.ui.day_rows import Calendar

        calendar = Calendar(lambda: window.chat_list_model.clock())
        window.chat_model.day_label = calendar.day_label
        window.chat_view.chat_delegate.time_text = calendar.time_of_day
        window.chat_view.chat_delegate.full_time = calendar.full_time

    # ---- what shows under a message -------------------------------------------------------
    def decorate(self, row: Row, is_last: bool) -> None:
        """Sets the notes and links shown under a message."""
        window = self.window
        message = row.message
        if message is None:
            return
        notes: list[str] = []
        actions = [("action:copy", self.tr("Copy")), ("action:copy-md", self.tr("Copy as Markdown"))]
        writing = window.sessions.live(window.chat_id) is not None
        if message.role == "user":
            if not window.read_only:
                actions.append(("action:edit", self.tr("Edit")))
            if is_last and not window.read_only and not writing:
                notes.append(self.tr("No reply yet."))
                actions.append(("action:retry", self.tr("Send again")))
        else:
            status_note = {
                "truncated": self.tr("The reply was cut off: it reached the length limit (max tokens). "
                                     "You can raise the limit in the chat's settings."),
                "content_filter": self.tr("The model declined to answer this (content filter). This question and "
                                          "answer are not sent to the model again; edit the question to ask "
                                          "it differently."),
                "stopped": self.tr("Stopped."),
            }.get(message.status)
            if message.status == "error":
                status_note = window.notices.error_text(message)
            if status_note:
                notes.append(status_note)
            if message.usage:
                tokens = self.tr("Tokens: %1 in, %2 out").replace("%1", str(message.usage.get("input", 0))) \
                    .replace("%2", str(message.usage.get("completion", 0)))
                if message.usage.get("reasoning"):
                    tokens += " " + self.tr("(%1 of them thinking)").replace("%1", str(message.usage["reasoning"]))
                cost = conversation.message_cost(message)
                language = window.services.language
                notes.append(f"{format_rub(cost, language)} · {tokens}" if cost is not None else tokens)
            if is_last and not window.read_only and not writing:
                if message.status == "error":
                    actions.insert(0, ("action:retry", self.tr("Retry")))
                    if message.error in ("auth", "permission", "folder_mismatch"):
                        actions.insert(1, ("action:settings", self.tr("Open settings")))
                else:
                    if message.status in conversation.CONTINUABLE and message.text.strip():
                        actions.append(("action:continue", self.tr("Continue")))
                    actions.append(("action:regenerate", self.tr("Regenerate")))
            if message.error_details:
                actions.append(("action:copy-details", self.tr("Copy details for support")))
            self._web_and_drawing(message, notes, actions)
        for number, attached in enumerate(message.attachments):
            actions.append((f"action:open-file:{number}", self.tr("Open “%s”") % attached.name))
        if message.versions:  # an answer regenerated, a question edited: the earlier ones are kept
            label = f"{message.version + 1}/{len(message.versions) + 1}"
            actions.append(("action:versions", label))
            if not window.read_only:  # an arrow that leads nowhere is left out (the bar greys it)
                if message.version > 0:
                    actions.insert(-1, ("action:version-prev", "‹"))
                if message.version < len(message.versions):
                    actions.append(("action:version-next", "›"))
        if not window.read_only:
            actions.append(("action:delete", self.tr("Delete")))
        row.footer_note = "\n".join(notes)
        row.actions = actions

    def _web_and_drawing(self, message: Message, notes: list[str], actions: list[tuple[str, str]]) -> None:
        """Sources of a web answer as numbered links; a drawn picture's seed and what can be done with it."""
        if message.web:
            searches = (message.usage or {}).get("web_searches", 0)
            notes.append(self.tr("Answered with a web search.") if searches else
                         self.tr("The web was allowed; the model answered without searching."))
        for number, url in enumerate(message.sources, 1):
            href = url if url.startswith(("http://", "https://")) else "https://" + url
            host = href.split("://", 1)[1].split("/", 1)[0]
            actions.append((href, f"[{number}] {host}"))
        if message.drawing and message.attachments:
            notes.append(self.tr("Drawn by YandexART · seed %s") % message.drawing.get("seed", ""))
            actions += [("action:save-file:0", self.tr("Save picture…")),
                        ("action:copy-picture", self.tr("Copy picture")),
                        ("action:redraw", self.tr("Draw again with this seed"))]

    # ---- the keyboard's way to the same actions -------------------------------------------
    def show_menu(self, row: Row, where: QPoint) -> None:
        """The same actions as the links under a message, plus per-block code copies."""
        from PySide6.QtWidgets import QMenu

        from desktop_chat.ui.action_icons import ICON_OF, make_icon

        view = self.window.chat_view
        menu = QMenu(self.window)
        # ‹ 2/3 › are arrows under the message; in a menu they need words (the count is the arrows' context).
        words = {"action:version-prev": self.tr("Previous version"), "action:version-next": self.tr("Next version")}
        if view.text_selection.selected_text(row):
            menu.addAction(self.tr("Copy selected text"), view.text_selection.copy)
        for href, label in row.actions:
            if href == "action:versions":
                continue
            action = menu.addAction(words.get(href, label), partial(self.on_link, row, href))
            if href in ICON_OF:  # the same picture as in the bar under the message
                action.setIcon(make_icon(ICON_OF[href], self.window.theme.text))
        message = row.message
        if message is not None:
            # The text is selectable in place: this selects all of it, to copy a part or the whole.
            menu.addAction(self.tr("Select all text"), partial(view.text_selection.select_all, row))
            code = view.chat_delegate.document(row, view.viewport().width()).property("code_blocks") or []
            for number in range(len(code)):
                menu.addAction(self.tr("Copy code block %1").replace("%1", str(number + 1)),
                               partial(self.on_link, row, f"copy-code:{number}"))
                menu.addAction(self.tr("Show code block %1 without wrapping").replace("%1", str(number + 1)),
                               partial(self.on_link, row, f"wrap-code:{number}"))
        if not menu.isEmpty():
            menu.exec(where)

    # ---- links ----------------------------------------------------------------------------
    def on_link(self, row: Row, href: str) -> None:
        window = self.window
        message = row.message
        clipboard = QGuiApplication.clipboard()
        status = window.statusBar()
        if href.startswith("copy-code:") and message is not None:
            view = window.chat_view
            code = view.chat_delegate.code_block(row, view.viewport().width(), int(href.split(":", 1)[1]))
            if code is not None:
                clipboard.setText(code)
                status.showMessage(self.tr("Code copied."), 3000)
        elif href.startswith("wrap-code:") and message is not None:
            view = window.chat_view
            code = view.chat_delegate.code_block(row, view.viewport().width(), int(href.split(":", 1)[1]))
            if code is not None:
                from desktop_chat.ui.code_viewer import CodeViewer

                self.code_viewer = CodeViewer(code, window)  # kept: a dialog without an owner would vanish
                self.code_viewer.open()
        elif href == "action:copy" and message is not None:
            doc = QTextDocument()
            doc.setMarkdown(message.text)
            clipboard.setText(doc.toPlainText())
            window.chat_view.show_copied(row)  # "Copied ✓" in place of the copy icon
        elif href == "action:copy-md" and message is not None:
            clipboard.setText(message.text)
            status.showMessage(self.tr("Message copied as Markdown."), 3000)
        elif href.startswith(("action:open-file:", "action:save-file:", "action:copy-picture", "action:redraw")) \
                and message is not None:
            window.tools.on_link(message, href)
        elif href == "action:copy-details" and message is not None:
            clipboard.setText(message.error_details)
            status.showMessage(self.tr("Details copied: paste them into your message to Yandex Cloud support."),
                              5000)
        elif href in ("action:version-prev", "action:version-next") and message is not None:
            self.versions.switch(message, -1 if href == "action:version-prev" else 1)
        elif href == "action:delete" and message is not None:
            self.versions.delete(message)
        elif href == "action:edit" and message is not None:
            window.start_edit(message)
        elif href == "action:regenerate":
            window.composer.edit.setFocus()  # typing goes on in the message box
            last = conversation.last_reply(window.chat_model.messages)
            if row.kind == "notice" or (message is not None and last is not None and message.id == last.id):
                window.regenerate()  # only the link under the last reply (or a notice) regenerates
        elif href == "action:continue":
            window.composer.edit.setFocus()
            window.continue_reply()
        elif href == "action:retry":
            window.composer.edit.setFocus()
            window.retry()
        elif href == "action:stop":
            window.stop_reply()
        elif href == "action:settings":
            if message is not None and message.error == "auth":
                # An expired or revoked key: the settings open on the key field, saying why.
                window.open_settings(focus_secret=True, notice=self.tr(
                    "The key was not accepted: it may have expired or been revoked. Paste a valid API key "
                    "or IAM token and press Save."))
            else:
                window.open_settings()
        elif href.startswith(("http://", "https://", "mailto:")):
            QDesktopServices.openUrl(QUrl(href))
