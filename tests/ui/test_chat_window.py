"""The chat window against the fake Yandex server over real HTTP (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

from desktop_chat.api import errors
from desktop_chat.store import ChatSettings, Message
from desktop_chat.ui.chat_view import ROW_ROLE

COMPLETION = "/foundationModels/v1/completion"
WAIT = 8000


def send(qtbot, window, text: str) -> None:
    window.expected_count = len(window.chat_model.messages) + 2  # the question and its reply
    window.composer.edit.setPlainText(text)
    qtbot.keyClick(window.composer.edit, "\r")


def wait_idle(qtbot, window) -> None:
    """Waits until the reply to the last sent message is in the view and the window is idle."""
    def done() -> bool:
        messages = window.chat_model.messages
        return (window.stream is None and not window.busy and len(messages) >= window.expected_count
                and messages[-1].role == "assistant")

    qtbot.waitUntil(done, timeout=WAIT)


def stored(window) -> list[Message]:
    return window.store.load_chat(window.chat_id).messages


def footers(window) -> list[str]:
    rows = [window.chat_model.index(i).data(ROW_ROLE) for i in range(window.chat_model.rowCount())]
    return [r.footer_note for r in rows]


def test_two_turns_second_request_carries_the_first(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("Здравствуйте! Чем помочь?", chunks=3)
    send(qtbot, window, "Привет")
    wait_idle(qtbot, window)
    fake_server.script_reply("Вот ответ на второй вопрос.", chunks=3)
    send(qtbot, window, "Второй вопрос")
    wait_idle(qtbot, window)

    second = fake_server.completion_requests()[-1].body["messages"]
    assert [(m["role"], m["text"]) for m in second] == [
        ("user", "Привет"), ("assistant", "Здравствуйте! Чем помочь?"), ("user", "Второй вопрос")]
    assert [(m.role, m.text) for m in stored(window)] == [
        ("user", "Привет"), ("assistant", "Здравствуйте! Чем помочь?"),
        ("user", "Второй вопрос"), ("assistant", "Вот ответ на второй вопрос.")]
    assert window.composer.text() == ""
    summary = window.chat_list_model.get(window.chat_id)
    assert summary is not None and summary.title == "Привет"


def test_prefix_change_mid_stream_shows_and_stores_exactly_the_final_text(qtbot, make_window, fake_server):
    window = make_window(fake_server)
    fake_server.script_reply(chunks=["Столица Франции — Лион", "Столица", "Столица Франции — Париж."], delay=0.05)
    send(qtbot, window, "Столица Франции?")
    wait_idle(qtbot, window)
    reply = stored(window)[-1]
    assert reply.text == "Столица Франции — Париж." and reply.status == "final"
    assert window.chat_model.messages[-1].text == "Столица Франции — Париж."


def test_stop_keeps_the_partial_reply_marked_stopped(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("один два три четыре пять шесть семь восемь девять десять", chunks=10, delay=0.3)
    send(qtbot, window, "Считай")
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    window.window_actions.stop.trigger()
    wait_idle(qtbot, window)
    reply = stored(window)[-1]
    assert reply.status == "stopped"
    assert reply.text and "десять" not in reply.text
    assert "Stopped." in footers(window)[-1]


def test_regenerate_replaces_the_last_reply(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("Первый вариант", chunks=2)
    send(qtbot, window, "Придумай название")
    wait_idle(qtbot, window)
    fake_server.script_reply("Второй вариант", chunks=2)
    window.window_actions.regenerate.trigger()
    qtbot.waitUntil(lambda: stored(window)[-1].text == "Второй вариант", timeout=WAIT)
    assert [m.text for m in stored(window)] == ["Придумай название", "Второй вариант"]
    assert [m["text"] for m in fake_server.completion_requests()[-1].body["messages"]] == ["Придумай название"]


def test_edit_and_resend_replaces_later_turns(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    for question in ("Вопрос один", "Вопрос два"):
        fake_server.script_reply(f"Ответ на «{question}»", chunks=2)
        send(qtbot, window, question)
        wait_idle(qtbot, window)
    first = stored(window)[0]
    window.start_edit(first)
    assert window.composer.text() == "Вопрос один"
    fake_server.script_reply("Новый ответ", chunks=2)
    send(qtbot, window, "Вопрос один, исправленный")
    qtbot.waitUntil(lambda: [m.text for m in stored(window)] == ["Вопрос один, исправленный", "Новый ответ"],
                    timeout=WAIT)
    assert [m["text"] for m in fake_server.completion_requests()[-1].body["messages"]] == ["Вопрос один, исправленный"]


ERROR_CASES = [
    ("status", {"status": 401}, errors.AuthenticationError),
    ("status", {"status": 403}, errors.PermissionDeniedError),
    ("status", {"status": 429, "times": 5}, errors.RateLimitError),
    ("status", {"status": 500, "times": 5}, errors.ServerError),
    ("status", {"status": 504, "times": 5}, errors.GatewayTimeoutError),
    ("html_502", {"times": 5}, errors.MalformedResponseError),
    ("torn", {"after_chunks": 1}, errors.ConnectionLostError),
    ("error_line", {"after_chunks": 1}, errors.StreamError),
]


@pytest.mark.parametrize(("kind", "params", "error_type"), ERROR_CASES, ids=[c[2].__name__ for c in ERROR_CASES])
def test_each_error_shows_its_message_and_retry_works(qtbot, make_window, fake_server, kind, params, error_type):
    window = make_window(fake_server)
    fake_server.inject(kind, path=COMPLETION, **params)
    send(qtbot, window, "Вопрос")
    wait_idle(qtbot, window)
    failed = stored(window)[-1]
    assert failed.status == "error"
    shown = window.notices.error_text(failed)
    assert shown and shown in footers(window)[-1]
    assert window.statusBar().currentMessage() == ""  # said once, in the reply's place (issue 15)
    assert window.chat_model.messages[0].text == "Вопрос"  # the question is kept
    assert any(href == "action:retry" for href, _ in window.chat_model.index(
        window.chat_model.rowCount() - 1).data(ROW_ROLE).actions)

    fake_server.clear_faults()
    fake_server.script_reply("Теперь получилось", chunks=2)
    window.retry()
    qtbot.waitUntil(lambda: stored(window)[-1].text == "Теперь получилось", timeout=WAIT)
    assert [m.text for m in stored(window)] == ["Вопрос", "Теперь получилось"]


def test_partial_reply_is_kept_when_the_connection_drops(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("часть ответа и ещё немного текста", chunks=4, delay=0.05)
    fake_server.inject("torn", path=COMPLETION, after_chunks=2)
    send(qtbot, window, "Вопрос")
    wait_idle(qtbot, window)
    failed = stored(window)[-1]
    assert failed.status == "error" and failed.error == "connection_lost"
    assert failed.text  # what arrived before the drop is not lost


def test_content_filter_and_truncated_replies_are_marked(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    fake_server.inject("content_filter", path=COMPLETION, after_chunks=1)
    send(qtbot, window, "Что-то запретное")
    wait_idle(qtbot, window)
    assert stored(window)[-1].status == "content_filter"
    assert "content filter" in footers(window)[-1]
    fake_server.inject("truncated", path=COMPLETION, after_chunks=1)
    send(qtbot, window, "Длинный ответ, пожалуйста")
    wait_idle(qtbot, window)
    assert stored(window)[-1].status == "truncated"
    assert "max tokens" in footers(window)[-1]


def test_context_trimming_marks_the_cut(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    chat = window.store.create_chat("Длинный чат", ChatSettings(max_tokens=31000))  # leaves ~1.7k tokens
    for i in range(6):
        window.store.append_message(chat.id, Message.new("user", f"вопрос {i} " + "текст " * 300))
        window.store.append_message(chat.id, Message.new("assistant", f"ответ {i}"))
    window.chat_list_model.set_chats(window.store.list_chats())
    window.open_chat(chat.id)
    fake_server.script_reply("ок", chunks=1)
    send(qtbot, window, "Последний вопрос")
    wait_idle(qtbot, window)
    sent = fake_server.completion_requests()[-1].body["messages"]
    assert sent[-1]["text"] == "Последний вопрос"
    assert 1 < len(sent) < 13
    kinds = [window.chat_model.index(i).data(ROW_ROLE).kind for i in range(window.chat_model.rowCount())]
    assert "cut" in kinds
    cut_row = kinds.index("cut")
    first_sent = window.chat_model.index(cut_row + 1).data(ROW_ROLE).message
    assert first_sent is not None and first_sent.text == sent[0]["text"]


def test_offline_without_credentials_reads_searches_and_keeps_the_draft(qtbot, make_window, tmp_path) -> None:
    window = make_window(None, online=False)
    chat = window.store.create_chat("Рецепты")
    window.store.append_message(chat.id, Message.new("user", "Как испечь хлеб?"))
    window.store.append_message(chat.id, Message.new("assistant", "Нужны мука, вода и соль."))
    window.chat_list_model.set_chats(window.store.list_chats())
    window.open_chat(chat.id)
    assert [m.text for m in window.chat_model.messages] == ["Как испечь хлеб?", "Нужны мука, вода и соль."]
    assert window.banner.isVisible()

    window.sidebar.search_box.setText("МУКА")
    qtbot.waitUntil(lambda: window.sidebar.results_model.rowCount() > 0, timeout=WAIT)

    send(qtbot, window, "Новый вопрос без сети")
    assert window.composer.text() == "Новый вопрос без сети"  # the draft is not lost
    assert window.chat_model.tail() and "Settings" in window.chat_model.tail()[-1].text
    assert len(window.store.load_chat(chat.id).messages) == 2


def test_draft_survives_switching_chats_and_restart(qtbot, make_window, tmp_path) -> None:
    data = tmp_path / "drafts"
    window = make_window(None, data_dir=data, online=False)
    a = window.store.create_chat("A")
    b = window.store.create_chat("B")
    window.chat_list_model.set_chats(window.store.list_chats())
    window.open_chat(a.id)
    window.composer.edit.setPlainText("черновик для A")
    window.open_chat(b.id)
    assert window.composer.text() == ""
    window.open_chat(a.id)
    assert window.composer.text() == "черновик для A"
    window.close()
    again = make_window(None, data_dir=data, online=False)
    again.open_chat(a.id)
    assert again.composer.text() == "черновик для A"


def test_the_view_stays_at_the_bottom_unless_the_reader_scrolled_up(qtbot, make_window, fake_server) -> None:
    from tests.fakes.yandex_server import long_text

    window = make_window(fake_server)
    window.resize(700, 400)
    fake_server.script_reply(long_text(1500), tokens_per_chunk=30, delay=0.02)
    window.composer.sendRequested.emit("Длинный ответ, пожалуйста")
    qtbot.waitUntil(lambda: window.stream is not None, timeout=WAIT)
    bar = window.chat_view.verticalScrollBar()
    qtbot.waitUntil(lambda: window.stream is None and len(window.chat_model.messages) == 2, timeout=WAIT)
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    window.resize(600, 400)  # the text re-wraps and grows taller
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT)
    bar.setValue(bar.maximum() // 2)  # the reader scrolls up
    window.resize(650, 400)
    qtbot.wait(100)
    assert bar.value() < bar.maximum()
