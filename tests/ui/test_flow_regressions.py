"""Regressions found in review: sending while the chat changes, stale links, regenerate that fails,
edits and drafts, deleting the chat that streams, undo, search while the network hangs."""

from __future__ import annotations

import threading
import time

from desktop_chat.store import Message
from desktop_chat.ui.chat_view import ROW_ROLE

COMPLETION = "/foundationModels/v1/completion"
WAIT = 8000


def rows(window):
    return [window.chat_model.index(i).data(ROW_ROLE) for i in range(window.chat_model.rowCount())]


def stored(window, chat_id=None):
    return window.store.load_chat(chat_id or window.chat_id).messages


def hold_writer(window) -> threading.Event:
    """Blocks the serial writer until the returned event is set (a slow disk)."""
    release = threading.Event()
    window.tasks.write(lambda: release.wait(10))
    return release


def test_switching_chats_while_the_question_is_saved_keeps_the_right_history(qtbot, make_window, fake_server):
    window = make_window(fake_server)
    other = window.store.create_chat("Другой")
    window.store.append_message(other.id, Message.new("user", "чужой вопрос"))
    window.chat_list_model.set_chats(window.store.list_chats())
    release = hold_writer(window)
    window.composer.edit.setPlainText("Мой вопрос")
    window.composer.sendRequested.emit("Мой вопрос")
    window.composer.sendRequested.emit("Мой вопрос")  # a second Enter while saving
    window.open_chat(other.id)
    release.set()
    qtbot.waitUntil(lambda: len(fake_server.completion_requests()) == 1 and window.stream is None, timeout=WAIT)
    sent = [m["text"] for m in fake_server.completion_requests()[0].body["messages"]]
    assert sent == ["Мой вопрос"]
    new_chats = [c for c in window.store.list_chats() if c.id != other.id]
    assert len(new_chats) == 1  # one chat, not two
    qtbot.waitUntil(lambda: len(stored(window, new_chats[0].id)) == 2, timeout=WAIT)
    assert window.store.get_draft("new") == ""
    assert [m.text for m in window.chat_model.messages] == ["чужой вопрос"]  # the other chat is untouched


def test_only_the_last_reply_offers_regenerate(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    for question in ("Первый", "Второй"):
        fake_server.script_reply(f"ответ на {question}", chunks=1)
        window.composer.sendRequested.emit(question)
        qtbot.waitUntil(lambda q=question: window.stream is None and bool(window.chat_model.messages)
                        and window.chat_model.messages[-1].text == f"ответ на {q}", timeout=WAIT)
    message_rows = [r for r in rows(window) if r.message is not None]
    first_reply, last_reply = message_rows[1], message_rows[3]
    assert all(href != "action:regenerate" for href, _ in first_reply.actions)
    assert any(href == "action:regenerate" for href, _ in last_reply.actions)
    width = window.chat_view.viewport().width()
    doc = window.chat_view.chat_delegate.document(first_reply, width)
    assert "action:regenerate" not in doc.toHtml()
    window.message_actions.on_link(first_reply, "action:regenerate")  # a stale click must not delete the newest reply
    assert [m.text for m in stored(window)][-1] == "ответ на Второй"


def test_a_failed_regenerate_keeps_the_old_reply(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("хороший ответ", chunks=1)
    window.composer.sendRequested.emit("Вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)
    fake_server.fail_next(500, times=5, path=COMPLETION)
    window.regenerate()
    qtbot.waitUntil(lambda: window.stream is None and any(r.kind == "notice" for r in rows(window)), timeout=WAIT)
    assert [m.text for m in stored(window)] == ["Вопрос", "хороший ответ"]
    assert [m.text for m in window.chat_model.messages] == ["Вопрос", "хороший ответ"]
    assert any(r.kind == "notice" for r in rows(window))  # the error is said, with Retry


def test_editing_keeps_the_draft_that_was_in_the_box(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("ответ", chunks=1)
    window.composer.sendRequested.emit("Вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)
    window.composer.edit.setPlainText("мой недописанный черновик")
    window.start_edit(window.chat_model.messages[0])
    assert window.composer.text() == "Вопрос"
    window.composer.editCancelled.emit()
    assert window.composer.text() == "мой недописанный черновик"
    window.start_edit(window.chat_model.messages[0])
    fake_server.script_reply("новый ответ", chunks=1)
    window.composer.sendRequested.emit("Вопрос, исправленный")
    qtbot.waitUntil(lambda: [m.text for m in stored(window)] == ["Вопрос, исправленный", "новый ответ"],
                    timeout=WAIT)
    assert window.composer.text() == "мой недописанный черновик"


def test_deleting_the_streaming_chat_keeps_its_partial_reply_for_undo(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("раз два три четыре пять шесть семь", chunks=7, delay=0.3)
    window.composer.sendRequested.emit("Считай")
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    chat_id = window.chat_id
    window.window_actions.delete.trigger()
    qtbot.waitUntil(lambda: window.chat_list_model.get(chat_id) is None, timeout=WAIT)
    window.undo_delete()
    qtbot.waitUntil(lambda: window.chat_id == chat_id, timeout=WAIT)
    messages = stored(window)
    assert messages[-1].role == "assistant" and messages[-1].status == "stopped" and messages[-1].text


def test_undo_brings_back_every_chat_deleted_in_the_session(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    ids = []
    for title in ("A", "B"):
        chat = window.store.create_chat(title)
        window.store.append_message(chat.id, Message.new("user", title))
        ids.append(chat.id)
    window.chat_list_model.set_chats(window.store.list_chats())
    for chat_id in ids:
        window.open_chat(chat_id)
        window.delete_chat()
        qtbot.waitUntil(lambda c=chat_id: window.chat_list_model.get(c) is None, timeout=WAIT)
    window.undo_delete()
    window.undo_delete()
    qtbot.waitUntil(lambda: all(window.chat_list_model.get(c) is not None for c in ids), timeout=WAIT)


def test_a_search_hit_in_the_open_chat_keeps_the_edit(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    chat = window.store.create_chat("Поиск")
    for i in range(40):
        window.store.append_message(chat.id, Message.new("user", f"строка {i} малина" if i == 2 else f"строка {i}"))
    window.chat_list_model.set_chats(window.store.list_chats())
    window.open_chat(chat.id)
    window.composer.edit.setPlainText("незаконченная мысль")
    window.sidebar.search_box.setText("малина")
    qtbot.waitUntil(lambda: window.sidebar.results_model.rowCount() > 0, timeout=WAIT)
    window.sidebar.results_list.clicked.emit(window.sidebar.results_model.index(0))
    assert window.composer.text() == "незаконченная мысль"
    current = window.chat_view.currentIndex().data(ROW_ROLE)
    assert current is not None and "малина" in current.message.text


def test_a_hanging_token_count_does_not_delay_search(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    chat = window.store.create_chat("Клубника")
    window.store.append_message(chat.id, Message.new("user", "клубника со сливками"))
    window.chat_list_model.set_chats(window.store.list_chats())
    fake_server.stall_next(after_chunks=0, seconds=20, path="/foundationModels/v1/tokenizeCompletion")
    fake_server.stall_next(after_chunks=0, seconds=20, path="/foundationModels/v1/tokenizeCompletion")
    for text in ("первый черновик", "второй черновик", "третий черновик"):
        window.composer.edit.setPlainText(text)
        window.update_meter()
    started = time.monotonic()
    window.sidebar.search_box.setText("клубника")
    qtbot.waitUntil(lambda: window.sidebar.results_model.rowCount() > 0, timeout=WAIT)
    assert time.monotonic() - started < 5.0  # the stalled counts hang for 20 s; search takes ~10 ms
    fake_server.release_stalls()


def first_exchange(qtbot, window, fake_server) -> None:
    fake_server.script_reply("ПОЛНЫЙ старый ответ", chunks=1)
    window.composer.sendRequested.emit("Вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)


def start_regenerate(qtbot, window, fake_server) -> None:
    fake_server.script_reply("новый один два три четыре пять шесть", chunks=7, delay=0.4)
    window.regenerate()
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)


def test_closing_during_regenerate_keeps_the_complete_old_reply(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    first_exchange(qtbot, window, fake_server)
    chat_id = window.chat_id
    start_regenerate(qtbot, window, fake_server)
    window.close()
    assert [m.text for m in window.store.load_chat(chat_id).messages] == ["Вопрос", "ПОЛНЫЙ старый ответ"]


def test_deleting_during_regenerate_then_undo_keeps_the_old_reply(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    first_exchange(qtbot, window, fake_server)
    chat_id = window.chat_id
    start_regenerate(qtbot, window, fake_server)
    window.window_actions.delete.trigger()
    qtbot.waitUntil(lambda: window.chat_list_model.get(chat_id) is None, timeout=WAIT)
    window.undo_delete()
    qtbot.waitUntil(lambda: window.chat_id == chat_id, timeout=WAIT)
    assert stored(window)[-1].text == "ПОЛНЫЙ старый ответ"


def test_a_failed_edit_goes_back_into_the_edit(qtbot, make_window, fake_server, monkeypatch) -> None:
    window = make_window(fake_server)
    first_exchange(qtbot, window, fake_server)
    window.composer.edit.setPlainText("черновик")
    window.start_edit(window.chat_model.messages[0])

    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(window.store, "append_message", disk_full)
    window.composer.sendRequested.emit("Исправленный вопрос")
    qtbot.waitUntil(lambda: window.composer.text() == "Исправленный вопрос", timeout=WAIT)
    assert window.composer.text() == "Исправленный вопрос"
    assert window.editing_message_id == window.chat_model.messages[0].id
    monkeypatch.undo()
    window.composer.editCancelled.emit()
    assert window.composer.text() == "черновик"
    notice = [r.text for r in window.chat_model.tail() if r.kind == "notice"][-1]
    assert "disk space" in notice


def test_reopening_a_chat_while_its_write_is_in_flight_shows_each_message_once(qtbot, make_window, fake_server):
    window = make_window(fake_server)
    first_exchange(qtbot, window, fake_server)
    chat_a = window.chat_id
    other = window.store.create_chat("B")
    window.chat_list_model.set_chats(window.store.list_chats())
    release = hold_writer(window)
    fake_server.script_reply("второй ответ", chunks=1)
    window.composer.sendRequested.emit("Второй вопрос")
    window.open_chat(other.id)
    release.set()
    deadline = time.monotonic() + 5
    while len(window.store.load_chat(chat_a).messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)  # the write landed; its callback is still queued
    window.open_chat(chat_a)
    qtbot.waitUntil(lambda: window.stream is None and len(window.store.load_chat(chat_a).messages) == 4,
                    timeout=WAIT)
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 4, timeout=WAIT)
    assert [m.id for m in window.chat_model.messages] == [m.id for m in window.store.load_chat(chat_a).messages]


def test_deleting_a_chat_while_its_question_is_sent_keeps_the_question_for_undo(qtbot, make_window,
                                                                                fake_server) -> None:
    window = make_window(fake_server)
    first_exchange(qtbot, window, fake_server)
    chat_id = window.chat_id
    fake_server.stall_next(after_chunks=1)
    window.composer.sendRequested.emit("Вопрос 2")
    window.window_actions.delete.trigger()
    qtbot.waitUntil(lambda: chat_id in window.chat_ops.deleted and not window.busy, timeout=WAIT)
    fake_server.release_stalls()
    window.undo_delete()
    qtbot.waitUntil(lambda: window.chat_id == chat_id, timeout=WAIT)
    assert [m.text for m in stored(window)][2] == "Вопрос 2"  # the question was stored before the delete


def test_an_unknown_model_in_a_chat_is_explained_and_keeps_the_reply(qtbot, make_window, fake_server) -> None:
    from desktop_chat.store import ChatSettings

    window = make_window(fake_server)
    first_exchange(qtbot, window, fake_server)
    window.chat_settings = ChatSettings(model="no-such-model")
    window.regenerate()
    assert [m.text for m in window.chat_model.messages] == ["Вопрос", "ПОЛНЫЙ старый ответ"]
    assert "no-such-model" in [r.text for r in window.chat_model.tail() if r.kind == "notice"][-1]
    assert window.stream is None
