"""Answer versions through the sessions, against the fake server: regenerate and edit-and-resend keep
what they replace, and the model is sent the version on screen only."""

from __future__ import annotations

from desktop_chat.chat.events import QuestionSaved, ReplyProgress
from desktop_chat.store import ChatSettings, Message


def sent_texts(request) -> list[tuple[str, str]]:
    return [(m["role"], m["text"]) for m in request.body["messages"]]


def test_regenerating_twice_keeps_three_versions_and_sends_only_the_one_on_screen(make_sessions, store,
                                                                                   fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("ответ один")
    chat_id = events.finished(sessions.send(None, "вопрос", ChatSettings())).chat_id
    for text in ("ответ два", "ответ три"):
        fake_server.script_reply(text)
        done = events.finished(sessions.regenerate(chat_id, ChatSettings()))
    assert done.reply is not None and done.reply.text == "ответ три"
    assert [[m.text for m in v] for v in done.reply.versions] == [["ответ один"], ["ответ два"]]
    assert done.reply.version == 2  # the newest is on screen: 3/3
    shown = store.load_chat(chat_id).messages
    assert [m.text for m in shown] == ["вопрос", "ответ три"] and len(shown[-1].versions) == 2

    fake_server.script_reply("дальше")
    events.finished(sessions.send(chat_id, "следующий", ChatSettings()))
    body = str(fake_server.completion_requests()[-1].body)
    assert "ответ три" in body and "ответ один" not in body and "ответ два" not in body

    # The second version on screen (as the window's ‹ does): the next request carries it, not the others.
    reply = store.load_chat(chat_id).messages[1]
    messages = store.switch_version(chat_id, reply.id, 1)
    assert [m.text for m in messages] == ["вопрос", "ответ два"]  # "следующий" went with version 3
    assert messages[1].version == 1 and len(messages[1].versions) == 2
    fake_server.script_reply("ещё")
    events.finished(sessions.send(chat_id, "другой вопрос", ChatSettings()))
    assert sent_texts(fake_server.completion_requests()[-1]) == [
        ("user", "вопрос"), ("assistant", "ответ два"), ("user", "другой вопрос")]


def test_a_failed_regenerate_changes_no_version(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("первый")
    chat_id = events.finished(sessions.send(None, "вопрос", ChatSettings())).chat_id
    fake_server.script_reply("второй")
    events.finished(sessions.regenerate(chat_id, ChatSettings()))
    fake_server.fail_next(500)
    done = events.finished(sessions.regenerate(chat_id, ChatSettings()))
    assert done.reply is None
    reply = store.load_chat(chat_id).messages[-1]
    assert reply.text == "второй" and [[m.text for m in v] for v in reply.versions] == [["первый"]]


def test_edit_and_resend_keeps_the_old_question_and_what_followed_it_as_a_version(make_sessions, store,
                                                                                  fake_server):
    sessions, events = make_sessions()
    chat = store.create_chat("edit")
    first = Message.new("user", "первый")
    for message in (first, Message.new("assistant", "ответ 1"), Message.new("user", "второй"),
                    Message.new("assistant", "ответ 2")):
        store.append_message(chat.id, message)
    fake_server.script_reply("новый")
    ticket = sessions.send(chat.id, "исправленный первый", ChatSettings(), editing=first.id)
    saved = events.wait_for(lambda e: isinstance(e, QuestionSaved) and e.ticket == ticket)
    events.finished(ticket)
    assert saved.question.versions and saved.question.version == 1  # the window shows ‹ 2/2 ›
    messages = store.load_chat(chat.id).messages
    assert [m.text for m in messages] == ["исправленный первый", "новый"]
    assert [[m.text for m in v] for v in messages[0].versions] == [["первый", "ответ 1", "второй", "ответ 2"]]
    assert sent_texts(fake_server.completion_requests()[-1]) == [("user", "исправленный первый")]

    back = store.switch_version(chat.id, messages[0].id, 0)
    assert [m.text for m in back] == ["первый", "ответ 1", "второй", "ответ 2"]
    assert [[m.text for m in v] for v in back[0].versions] == [["исправленный первый", "новый"]]
    fake_server.script_reply("третий ответ")
    events.finished(sessions.send(chat.id, "третий", ChatSettings()))
    assert sent_texts(fake_server.completion_requests()[-1]) == [
        ("user", "первый"), ("assistant", "ответ 1"), ("user", "второй"), ("assistant", "ответ 2"),
        ("user", "третий")]


def test_a_continued_reply_keeps_the_versions_of_the_stopped_one(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("первый ответ")
    chat_id = events.finished(sessions.send(None, "вопрос", ChatSettings())).chat_id
    fake_server.script_reply("второй ответ, который " + "длится " * 30, chunks=30)
    fake_server.stall_next(after_chunks=2)
    ticket = sessions.regenerate(chat_id, ChatSettings())
    events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket and e.text)
    sessions.stop(chat_id)
    stopped = events.finished(ticket).reply
    assert stopped is not None and stopped.status == "stopped" and len(stopped.versions) == 1
    fake_server.release_stalls()
    fake_server.script_reply("конец.")
    done = events.finished(sessions.continue_reply(chat_id, ChatSettings()))
    assert done.reply is not None and done.reply.text.startswith(stopped.text)
    assert [[m.text for m in v] for v in done.reply.versions] == [["первый ответ"]]  # not the stopped part
    assert done.reply.version == 1
