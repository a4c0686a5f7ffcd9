"""Several chats writing at once in the window, and the model picker in the chat header."""

from __future__ import annotations

import json

WAIT = 10000


def test_two_chats_write_at_once_and_switching_never_stops_a_reply(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.chunk_delay = 0.03
    fake_server.script_reply("ответ в первом чате " * 20, chunks=40)
    fake_server.script_reply("ответ во втором чате " * 20, chunks=40)
    a = window.store.create_chat("A")
    b = window.store.create_chat("B")
    window.open_chat(a.id)
    window.composer.sendRequested.emit("вопрос A")
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    window.open_chat(b.id)
    window.composer.sendRequested.emit("вопрос B")
    qtbot.waitUntil(lambda: window.chat_list_model.writing() == {a.id, b.id}, timeout=WAIT)
    assert window.stream is not None  # the chat on screen is B, writing; A writes on unseen
    # The marks go when the finished replies' events reach the window.
    qtbot.waitUntil(lambda: not window.busy and window.chat_list_model.writing() == set(), timeout=WAIT)
    for chat_id, question in ((a.id, "вопрос A"), (b.id, "вопрос B")):
        messages = window.store.load_chat(chat_id).messages
        assert messages[0].text == question and messages[1].status == "final"
    # What the view shows equals what is stored.
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2, timeout=WAIT)
    assert [m.text for m in window.chat_model.messages] == [m.text for m in window.store.load_chat(b.id).messages]


def test_closing_the_window_keeps_every_partial_reply(qtbot, make_window, fake_server, tmp_path) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("часть первая " * 30, chunks=30)
    fake_server.script_reply("часть вторая " * 30, chunks=30)
    fake_server.stall_next(after_chunks=3)
    fake_server.stall_next(after_chunks=3)
    a = window.store.create_chat("A")
    b = window.store.create_chat("B")
    for chat in (a, b):
        window.open_chat(chat.id)
        window.composer.sendRequested.emit(f"вопрос {chat.title}")
        qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    window.close()
    fake_server.release_stalls()
    store = window.store
    for chat in (a, b):
        messages = store.load_chat(chat.id).messages
        assert [m.role for m in messages] == ["user", "assistant"]
        assert messages[1].status == "stopped" and messages[1].text


def test_the_model_is_chosen_in_the_chat_and_remembered(qtbot, make_window, fake_server, tmp_path) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("ответ")
    window.composer.sendRequested.emit("вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and not window.busy, timeout=WAIT)
    picker = window.header.model_picker
    index = picker.findData("yandexgpt/rc")
    assert index >= 0 and picker.itemText(index) == "YandexGPT Pro 5.1"
    picker.setCurrentIndex(index)
    picker.activated.emit(index)
    chat_id = window.chat_id
    qtbot.waitUntil(lambda: window.store.get_chat_settings(chat_id).model == "yandexgpt/rc", timeout=WAIT)
    fake_server.script_reply("второй ответ")
    window.composer.sendRequested.emit("ещё вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 4 and not window.busy, timeout=WAIT)
    assert fake_server.completion_requests()[-1].body["modelUri"].endswith("/yandexgpt/rc")
    # Another chat and back: the picker shows each chat's own model.
    window.new_chat()
    assert picker.currentData() == window.defaults().model
    window.open_chat(chat_id)
    assert picker.currentData() == "yandexgpt/rc"
    # The switches follow the model: Pro thinks longer and has economy mode, and both are per chat.
    assert not window.header.think_button.isHidden() and not window.header.economy_button.isHidden()
    window.header.think_button.setChecked(True)
    qtbot.waitUntil(lambda: window.store.get_chat_settings(chat_id).reasoning, timeout=WAIT)


def test_the_window_paints_over_poisoned_files(qtbot, make_window, tmp_path) -> None:
    """A crafted chat line, index and drafts file never stop the start: the chat goes to quarantine."""
    data = tmp_path / "data"
    (data / "chats").mkdir(parents=True)
    good = "0123456789abcdef0123456789abcdef"
    header = {"format": "desktop-chat/chat", "version": 1, "id": good, "created_at": 1.7e9, "title": "ok"}
    (data / "chats" / f"{good}.jsonl").write_text(json.dumps(header) + "\n", "utf-8")
    bad = "fedcba9876543210fedcba9876543210"
    (data / "chats" / f"{bad}.jsonl").write_text("[" * 100000 + "\n", "utf-8")
    (data / "index.v1.json").write_text('{"version": 1, "chats": {"x": {"size": Infinity}}}', "utf-8")
    (data / "drafts.json").write_text('{"new": ' + "[" * 50000 + "}", "utf-8")
    window = make_window(data_dir=data)
    qtbot.waitExposed(window)
    assert window.isVisible()
    ids = [c.id for c in window.chat_list_model.chats()]
    assert bad not in ids
    assert any(bad in p.name for p in (data / "quarantine").iterdir())
    assert good in ids  # the good chat next to it opens as usual


def test_the_reply_says_when_it_retries(qtbot, make_window, fake_server) -> None:
    from desktop_chat.api.errors import RateLimitError
    from desktop_chat.chat.events import ReplyProgress, ReplyStarted

    window = make_window(fake_server, online=True)
    presenter = window.presenter
    presenter.on_session_event(ReplyStarted(99, "c" * 32, "yandexgpt-lite", None, None, 0))
    error = RateLimitError("too many", status=429)
    presenter.on_session_event(ReplyProgress(99, "c" * 32, "", retry_in=2.2, retry_error=error))
    assert "Retrying in 2 s" in presenter.rows[99].footer_note
    presenter.on_session_event(ReplyProgress(99, "c" * 32, "текст"))
    assert presenter.rows[99].footer_note == "Writing…"


def test_help_lists_every_shortcut(qtbot, make_window) -> None:
    window = make_window()
    rows = dict(window.window_actions.shortcut_table())
    assert rows["Send the message"] == "Enter"
    for action in (window.window_actions.new, window.window_actions.attach, window.window_actions.model,
                   window.window_actions.shortcuts):
        assert action.shortcut().toString(action.shortcut().SequenceFormat.NativeText) in rows.values()
    assert len(rows) >= 20


def test_continue_joins_the_stopped_reply_and_its_continuation(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("Начало длинного ответа " * 20, chunks=20)
    fake_server.stall_next(after_chunks=2)
    window.composer.sendRequested.emit("Расскажи")
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    window.stop_reply()
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and window.stream is None, timeout=WAIT)
    stopped = window.chat_model.messages[-1]
    row = window.chat_model.row_at(window.chat_model.row_of_message(stopped.id))
    assert ("action:continue", "Continue") in row.actions
    fake_server.release_stalls()
    fake_server.script_reply("конец.", chunks=1)
    window.message_actions.on_link(row, "action:continue")
    qtbot.waitUntil(lambda: window.chat_model.messages[-1].role == "assistant"
                    and window.chat_model.messages[-1].status == "final" and window.stream is None, timeout=WAIT)
    joined = window.chat_model.messages[-1].text
    assert joined.startswith(stopped.text) and joined.endswith("конец.")
    assert [m.text for m in window.chat_model.messages] == [m.text for m in
                                                            window.store.load_chat(window.chat_id).messages]


def test_the_newest_button_shows_when_scrolled_up_and_goes_down(qtbot, make_window) -> None:
    from desktop_chat.store import Message

    window = make_window()
    chat = window.store.create_chat("long")
    for i in range(40):
        window.store.append_message(chat.id, Message.new("user" if i % 2 == 0 else "assistant", f"сообщение {i}\n" * 4))
    window.open_chat(chat.id)
    qtbot.waitUntil(lambda: window.chat_view.at_bottom(), timeout=WAIT)
    assert window.newest_button.isHidden()
    window.chat_view.verticalScrollBar().setValue(0)
    assert window.newest_button.isVisible()
    window.newest_button.click()
    assert window.chat_view.at_bottom() and window.newest_button.isHidden()


def test_the_meter_says_money_first_and_the_draft_never_leaves_the_computer(qtbot, make_window,
                                                                           fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("ответ")
    window.composer.sendRequested.emit("первый вопрос")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and not window.busy, timeout=WAIT)
    secret_draft = "черновик про зарплату коллеги"
    window.composer.edit.setPlainText(secret_draft)
    window.update_meter()
    qtbot.waitUntil(lambda: any(r.path.endswith("tokenizeCompletion") for r in fake_server.requests), timeout=WAIT)
    text = window.composer.meter.text()
    assert "₽" in text and text.index("₽") < text.index("Context:")
    sent = b"".join(r.raw for r in fake_server.requests if r.path.endswith("tokenizeCompletion"))
    assert "первый вопрос".encode() in sent  # stored history is counted by the API
    assert secret_draft.encode() not in sent  # the draft is counted offline
