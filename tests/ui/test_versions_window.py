"""Answer versions (‹ 1/2 ›) and deleting messages (with Undo) in the window, against the fake server."""

from __future__ import annotations

from desktop_chat.ui.chat_view import ROW_ROLE
from tests.ui.test_chat_window import WAIT, send, stored, wait_idle


def message_rows(window):
    rows = [window.chat_model.index(i).data(ROW_ROLE) for i in range(window.chat_model.rowCount())]
    return [r for r in rows if r.message is not None]


def click(qtbot, window, row, href: str) -> None:
    assert href in [h for h, _label in row.actions], (href, row.actions)
    window.chat_view.linkActivated.emit(row, href)


def message_hits(window, query: str) -> list[str | None]:
    return [h.message_id for h in window.services.store.search(query) if h.message_id is not None]


def labels(row) -> list[str]:
    return [label for _href, label in row.actions]


def test_regenerate_shows_versions_and_the_one_chosen_is_sent_next_and_kept(qtbot, make_window, fake_server,
                                                                           tmp_path) -> None:
    window = make_window(fake_server)
    fake_server.script_reply("Первый вариант", chunks=2)
    send(qtbot, window, "Придумай название")
    wait_idle(qtbot, window)
    assert "1/1" not in labels(message_rows(window)[-1])  # one answer: no versions to flip through
    fake_server.script_reply("Второй вариант", chunks=2)
    window.window_actions.regenerate.trigger()
    qtbot.waitUntil(lambda: window.chat_model.messages[-1].text == "Второй вариант" and not window.busy,
                    timeout=WAIT)
    reply_row = message_rows(window)[-1]
    assert labels(reply_row)[-3:] == ["‹", "2/2", "Delete"]  # the newest: no "next" arrow
    from desktop_chat.ui import hover_bar

    assert hover_bar.pager_count(reply_row) == "2/2"  # the bar's pager shows it

    click(qtbot, window, reply_row, "action:version-prev")
    qtbot.waitUntil(lambda: window.chat_model.messages[-1].text == "Первый вариант", timeout=WAIT)
    assert labels(message_rows(window)[-1])[-3:] == ["1/2", "›", "Delete"]  # the oldest: no "previous"
    assert stored(window)[-1].text == "Первый вариант"  # saved at once

    send(qtbot, window, "Ещё вопрос")
    wait_idle(qtbot, window)
    sent = [m["text"] for m in fake_server.completion_requests()[-1].body["messages"]]
    assert sent == ["Придумай название", "Первый вариант", "Ещё вопрос"]

    # Reopened, the chat shows the version chosen, and the other is still there.
    chat_id = window.chat_id
    window.close()
    window.services.store.close()
    again = make_window(fake_server, data_dir=tmp_path / "data")
    again.open_chat(chat_id)
    reply = again.chat_model.messages[1]
    assert reply.text == "Первый вариант" and [[m.text for m in v] for v in reply.versions] == [["Второй вариант"]]
    assert "1/2" in labels(message_rows(again)[1])


def test_switching_versions_and_deleting_wait_while_the_chat_writes_a_reply(qtbot, make_window, fake_server):
    window = make_window(fake_server)
    fake_server.script_reply("Первый", chunks=2)
    send(qtbot, window, "Вопрос")
    wait_idle(qtbot, window)
    fake_server.script_reply("Второй", chunks=2)
    window.window_actions.regenerate.trigger()
    qtbot.waitUntil(lambda: window.chat_model.messages[-1].text == "Второй" and not window.busy, timeout=WAIT)
    reply_row = message_rows(window)[-1]
    fake_server.script_reply("медленно " * 20, chunks=20, delay=0.2)
    send(qtbot, window, "Следующий")
    qtbot.waitUntil(lambda: window.stream is not None and bool(window.stream.text), timeout=WAIT)
    window.message_actions.on_link(reply_row, "action:version-prev")
    assert "then switch versions" in window.statusBar().currentMessage()
    window.message_actions.on_link(reply_row, "action:delete")
    assert "then delete" in window.statusBar().currentMessage()
    window.window_actions.stop.trigger()
    wait_idle(qtbot, window)
    assert [m.text for m in stored(window)][:2] == ["Вопрос", "Второй"]


def test_deleting_a_question_takes_its_reply_and_undo_puts_both_back(qtbot, make_window, fake_server) -> None:
    window = make_window(fake_server)
    for question in ("Вопрос один", "Вопрос два"):
        fake_server.script_reply(f"Ответ на «{question}»", chunks=2)
        send(qtbot, window, question)
        wait_idle(qtbot, window)
    first_question = message_rows(window)[0]
    click(qtbot, window, first_question, "action:delete")
    qtbot.waitUntil(lambda: [m.text for m in window.chat_model.messages] == ["Вопрос два", "Ответ на «Вопрос два»"],
                    timeout=WAIT)
    assert [m.text for m in stored(window)] == ["Вопрос два", "Ответ на «Вопрос два»"]
    assert window.undo_button.isVisible() and "deleted" in window.statusBar().currentMessage()
    assert message_hits(window, "один") == []  # the search index forgot it

    window.undo_button.click()
    expected = ["Вопрос один", "Ответ на «Вопрос один»", "Вопрос два", "Ответ на «Вопрос два»"]
    qtbot.waitUntil(lambda: [m.text for m in window.chat_model.messages] == expected, timeout=WAIT)
    assert [m.text for m in stored(window)] == expected
    assert sorted(message_hits(window, "один")) == sorted(m.id for m in stored(window)[:2])

    # A reply alone: its question stays, waiting for an answer again.
    click(qtbot, window, message_rows(window)[-1], "action:delete")
    qtbot.waitUntil(lambda: [m.text for m in window.chat_model.messages] == expected[:3], timeout=WAIT)
    assert [m.text for m in stored(window)] == expected[:3]
    assert "Send again" in labels(message_rows(window)[-1])
