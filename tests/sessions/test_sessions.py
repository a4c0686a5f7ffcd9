"""Chat sessions without any widget: a real store in a temp folder and the fake server over HTTP."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest

from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.events import QuestionSaved, ReplyProgress, ReplyStarted
from desktop_chat.chat.sessions import ChatSessions, Refused, ThreadRunner
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.store import ChatSettings, ChatStore, Message
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID
from tests.sessions.conftest import WAIT, Recorder


def sent_texts(request) -> list[tuple[str, str]]:
    return [(m["role"], m["text"]) for m in request.body["messages"]]


def test_send_stores_question_then_reply_and_sends_history_in_order(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("Первый ответ", chunks=3)
    ticket = sessions.send(None, "Первый вопрос", ChatSettings(system_prompt="Будь краток"))
    saved = events.wait_for(lambda e: isinstance(e, QuestionSaved) and e.ticket == ticket)
    done = events.finished(ticket)
    chat_id = saved.chat_id
    assert done.reply is not None and done.reply.text == "Первый ответ" and done.error is None
    assert [m.text for m in store.load_chat(chat_id).messages] == ["Первый вопрос", "Первый ответ"]
    assert store.get_chat_summary(chat_id).title == "Первый вопрос"

    fake_server.script_reply("Второй ответ")
    ticket = sessions.send(chat_id, "Второй вопрос", ChatSettings(system_prompt="Будь краток"))
    events.finished(ticket)
    assert sent_texts(fake_server.completion_requests()[-1]) == [
        ("system", "Будь краток"), ("user", "Первый вопрос"), ("assistant", "Первый ответ"),
        ("user", "Второй вопрос")]
    stored = [(m.role, m.text) for m in store.load_chat(chat_id).messages]
    assert stored == [("user", "Первый вопрос"), ("assistant", "Первый ответ"),
                      ("user", "Второй вопрос"), ("assistant", "Второй ответ")]


def test_progress_carries_whole_text_so_far(make_sessions, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("один два три четыре", chunks=4)
    ticket = sessions.send(None, "счёт", ChatSettings())
    events.finished(ticket)
    texts = [e.text for e in events.events if isinstance(e, ReplyProgress)]
    assert len(texts) >= 2 and texts[-1] == "один два три четыре"
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(texts))


def test_trimming_keeps_newest_turns_and_reports_the_cut(make_sessions, store, fake_server):
    sessions, events = make_sessions(defaults=Defaults(max_tokens=32000))
    chat = store.create_chat("long")
    for i in range(20):
        store.append_message(chat.id, Message.new("user", f"вопрос {i} " + "слово " * 200))
        store.append_message(chat.id, Message.new("assistant", f"ответ {i} " + "слово " * 200))
    ticket = sessions.send(chat.id, "последний вопрос", ChatSettings())
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    events.finished(ticket)
    assert started.left_out > 0 and started.first_sent_id is not None
    sent = sent_texts(fake_server.completion_requests()[-1])
    assert sent[-1] == ("user", "последний вопрос")
    assert not any(text.startswith("вопрос 0 ") for _role, text in sent)  # the oldest went first
    assert any(text.startswith("ответ 19 ") for _role, text in sent)


def test_stop_keeps_the_partial_reply(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("часть " * 50, chunks=50)
    fake_server.stall_next(after_chunks=2)
    ticket = sessions.send(None, "вопрос", ChatSettings())
    progress = events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket and e.text)
    started = time.monotonic()
    sessions.stop(progress.chat_id)
    done = events.finished(ticket)
    assert time.monotonic() - started < 1.0
    assert done.reply is not None and done.reply.status == "stopped" and done.reply.text
    assert store.load_chat(progress.chat_id).messages[-1].text == done.reply.text


def test_regenerate_replaces_atomically_and_keeps_old_on_failure(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("старый ответ")
    ticket = sessions.send(None, "вопрос", ChatSettings())
    chat_id = events.finished(ticket).chat_id

    fake_server.fail_next(500)  # not retried: only 429 and 503 are
    ticket = sessions.regenerate(chat_id, ChatSettings())
    done = events.finished(ticket)
    assert done.reply is None and done.error is not None
    assert [m.text for m in store.load_chat(chat_id).messages] == ["вопрос", "старый ответ"]

    fake_server.script_reply("новый ответ")
    ticket = sessions.regenerate(chat_id, ChatSettings())
    done = events.finished(ticket)
    assert [m.text for m in store.load_chat(chat_id).messages] == ["вопрос", "новый ответ"]
    # One event in the file did it: a crash can never leave the chat without either reply.
    lines = (store.chats_dir / f"{chat_id}.jsonl").read_text("utf-8").splitlines()
    assert json.loads(lines[-1]).get("replaces") is not None
    sent = sent_texts(fake_server.completion_requests()[-1])
    assert sent == [("user", "вопрос")]  # the old reply is not history for its own replacement


def test_edit_takes_the_place_of_later_turns_on_screen(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    chat = store.create_chat("edit")
    first = Message.new("user", "первый")
    store.append_message(chat.id, first)
    store.append_message(chat.id, Message.new("assistant", "ответ 1"))
    store.append_message(chat.id, Message.new("user", "второй"))
    store.append_message(chat.id, Message.new("assistant", "ответ 2"))
    fake_server.script_reply("новый")
    ticket = sessions.send(chat.id, "исправленный первый", ChatSettings(), editing=first.id)
    events.finished(ticket)
    assert [m.text for m in store.load_chat(chat.id).messages] == ["исправленный первый", "новый"]
    assert sent_texts(fake_server.completion_requests()[-1]) == [("user", "исправленный первый")]
    assert store.get_chat_summary(chat.id).title == "исправленный первый"  # titled from the first message


def test_retry_after_error_resends_the_question(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.fail_next(400)
    ticket = sessions.send(None, "вопрос", ChatSettings())
    done = events.finished(ticket)
    assert done.reply is not None and done.reply.status == "error" and done.error is not None
    chat_id = done.chat_id
    fake_server.script_reply("ответ")
    ticket = sessions.retry(chat_id, ChatSettings())
    events.finished(ticket)
    messages = store.load_chat(chat_id).messages
    assert [(m.role, m.text, m.status) for m in messages] == [("user", "вопрос", "final"),
                                                              ("assistant", "ответ", "final")]
    # The failed partial reply was never history.
    assert sent_texts(fake_server.completion_requests()[-1]) == [("user", "вопрос")]


def test_two_chats_stream_at_once_each_into_its_own_file(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.chunk_delay = 0.02
    fake_server.script_reply("ответ " * 30, chunks=30)
    fake_server.script_reply("reply " * 30, chunks=30)
    a = store.create_chat("a")
    b = store.create_chat("b")
    ticket_a = sessions.send(a.id, "в чат А", ChatSettings())
    ticket_b = sessions.send(b.id, "в чат Б", ChatSettings())
    # Both are in flight together.
    events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket_a)
    events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket_b)
    assert sessions.writing() == {a.id, b.id} or len(sessions.writing()) >= 1
    done_a, done_b = events.finished(ticket_a), events.finished(ticket_b)
    assert {done_a.reply.text.strip(), done_b.reply.text.strip()} == {("ответ " * 30).strip(),
                                                                      ("reply " * 30).strip()}
    for chat, question in ((a, "в чат А"), (b, "в чат Б")):
        messages = store.load_chat(chat.id).messages
        assert [m.role for m in messages] == ["user", "assistant"] and messages[0].text == question


def test_one_reply_per_chat_and_a_limit_overall(make_sessions, store, fake_server):
    sessions, events = make_sessions(limit=2)
    fake_server.stall_next(after_chunks=1, seconds=30)
    fake_server.stall_next(after_chunks=1, seconds=30)
    chats = [store.create_chat(str(i)) for i in range(3)]
    t0 = sessions.send(chats[0].id, "a", ChatSettings())
    with pytest.raises(Refused) as refused:
        sessions.send(chats[0].id, "again", ChatSettings())
    assert refused.value.reason == "busy"
    t1 = sessions.send(chats[1].id, "b", ChatSettings())
    with pytest.raises(Refused) as refused:
        sessions.send(chats[2].id, "c", ChatSettings())
    assert refused.value.reason == "limit"
    sessions.stop(chats[0].id)
    sessions.stop(chats[1].id)
    events.finished(t0)
    events.finished(t1)
    assert not sessions.busy


def test_no_account_is_refused_before_anything_is_stored(store, fake_server):
    sessions = ChatSessions(store, Providers(lambda: None), Defaults, ThreadRunner())
    with pytest.raises(Refused) as refused:
        sessions.send(None, "вопрос", ChatSettings())
    assert refused.value.reason == "no_account"
    assert store.list_chats() == []


def test_abandon_during_regenerate_keeps_the_old_reply(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("старый")
    chat_id = events.finished(sessions.send(None, "вопрос", ChatSettings())).chat_id
    fake_server.script_reply("новый " * 40, chunks=40)
    fake_server.stall_next(after_chunks=2)
    ticket = sessions.regenerate(chat_id, ChatSettings())
    events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket and e.text)
    sessions.abandon(chat_id)
    assert events.finished(ticket).reply is None
    assert [m.text for m in store.load_chat(chat_id).messages] == ["вопрос", "старый"]


def test_sigkill_with_two_replies_in_flight_loses_no_acknowledged_message(tmp_path: Path, fake_server):
    import os
    import signal
    import subprocess
    import sys

    fake_server.chunk_delay = 0.01
    fake_server.script_reply("ответ один")
    fake_server.script_reply("ответ два")
    fake_server.script_reply("долгий " * 400, chunks=400)
    fake_server.script_reply("долгий " * 400, chunks=400)
    data_dir = tmp_path / "data"
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-m", "tests.sessions.crash_child", str(data_dir), fake_server.url],
                             cwd=root, stdout=subprocess.PIPE, text=True)
    acked: list[tuple[str, str]] = []
    progress: set[str] = set()
    turns_done = False
    assert child.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = child.stdout.readline().split()
        if not line:
            break
        if line[0] == "ack":
            acked.append((line[1], line[2]))
        elif line[0] == "turns":
            turns_done = True
        elif line[0] == "progress" and turns_done:
            progress.add(line[1])
            if len(progress) == 2:
                break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert len(progress) == 2, "both replies were in flight"
    assert len(acked) == 6  # two questions, two replies, then the two second questions

    store = ChatStore(data_dir, auto_backup=False, search_in_background=False)
    store.open()
    try:
        for chat_id, message_id in acked:
            assert message_id in [m.id for m in store.load_chat(chat_id).messages]
    finally:
        store.close()


def test_economy_mode_asks_asynchronously_and_the_reply_survives_a_restart(store, fake_server):
    from desktop_chat.chat.pending import PendingReplies

    account = Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)
    options = {"timeout": 5.0, "backoff": 0.01, "poll_interval": 0.05}
    first = ChatSessions(store, Providers(lambda: account, options), Defaults, ThreadRunner())
    events = Recorder()
    first.subscribe(events)
    fake_server.polls_until_done = 1000  # the operation stays running while the "app" closes
    fake_server.script_reply("Ответ в экономном режиме")
    ticket = first.send(None, "вопрос", ChatSettings(economy=True))
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    assert started.waiting
    deadline = time.monotonic() + WAIT
    while not PendingReplies(store.data_dir).all() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(PendingReplies(store.data_dir).all()) == 1
    first.abandon_all()  # the app closes: the operation id stays on disk
    assert events.finished(ticket).reply is None
    assert len(PendingReplies(store.data_dir).all()) == 1
    assert any(r.path.endswith("completionAsync") for r in fake_server.requests)

    fake_server.polls_until_done = 1
    second = ChatSessions(store, Providers(lambda: account, options), Defaults, ThreadRunner())
    events = Recorder()
    second.subscribe(events)
    (resumed,) = second.resume_pending()
    done = events.finished(resumed)
    assert done.reply is not None and done.reply.text
    assert [m.role for m in store.load_chat(started.chat_id).messages] == ["user", "assistant"]
    assert PendingReplies(store.data_dir).all() == []


def test_stopping_an_economy_reply_forgets_it(store, fake_server):
    from desktop_chat.chat.pending import PendingReplies

    account = Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)
    sessions = ChatSessions(store, Providers(lambda: account, {"poll_interval": 0.05}), Defaults, ThreadRunner())
    events = Recorder()
    sessions.subscribe(events)
    fake_server.polls_until_done = 1000
    ticket = sessions.send(None, "вопрос", ChatSettings(economy=True))
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    deadline = time.monotonic() + WAIT
    while not PendingReplies(store.data_dir).all() and time.monotonic() < deadline:
        time.sleep(0.01)
    sessions.stop(started.chat_id)
    assert events.finished(ticket).reply is None
    assert PendingReplies(store.data_dir).all() == []


def test_an_openai_compatible_model_streams_appended_deltas_into_the_same_chat(make_sessions, store, fake_server):
    """A chat moves from YandexGPT to Qwen3: the whole history goes to the other API, in order."""
    sessions, events = make_sessions()
    fake_server.script_reply("Ответ YandexGPT")
    chat_id = events.finished(sessions.send(None, "первый вопрос", ChatSettings())).chat_id
    ticket = sessions.send(chat_id, "второй вопрос", ChatSettings(model="qwen3-235b-a22b-fp8"))
    done = events.finished(ticket)
    assert done.error is None and done.reply is not None and done.reply.text
    request = fake_server.requests[-1]
    assert request.path.endswith("/v1/chat/completions")
    assert request.body["model"] == f"gpt://{FAKE_FOLDER_ID}/qwen3-235b-a22b-fp8/latest"
    assert [(m["role"], m["content"]) for m in request.body["messages"]] == [
        ("user", "первый вопрос"), ("assistant", "Ответ YandexGPT"), ("user", "второй вопрос")]
    progress = [e.text for e in events.events if isinstance(e, ReplyProgress) and e.ticket == ticket]
    assert progress[-1] == done.reply.text
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(progress))
    assert [m.text for m in store.load_chat(chat_id).messages][-1] == done.reply.text


def test_think_longer_reaches_the_request_where_the_model_can(make_sessions, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("подумал")
    events.finished(sessions.send(None, "задача", ChatSettings(model="yandexgpt", reasoning=True)))
    body = fake_server.completion_requests()[-1].body
    assert body["completionOptions"]["reasoningOptions"]["mode"] == "ENABLED_HIDDEN"
    fake_server.script_reply("лайт")
    events.finished(sessions.send(None, "задача", ChatSettings(model="yandexgpt-lite", reasoning=True)))
    assert "reasoningOptions" not in fake_server.completion_requests()[-1].body["completionOptions"]


def test_a_429_retry_is_told_before_the_wait(make_sessions, fake_server):
    from desktop_chat.api.errors import RateLimitError

    sessions, events = make_sessions()
    fake_server.fail_next(429)
    fake_server.script_reply("получилось")
    done = events.finished(sessions.send(None, "вопрос", ChatSettings()))
    assert done.reply is not None and done.reply.text == "получилось"
    waits = [e for e in events.events if isinstance(e, ReplyProgress) and e.retry_in > 0]
    assert waits and isinstance(waits[0].retry_error, RateLimitError)


def test_a_failed_reply_keeps_the_details_for_support_without_the_key(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.fail_next(500)
    done = events.finished(sessions.send(None, "вопрос", ChatSettings()))
    stored = store.load_chat(done.chat_id).messages[-1]
    assert stored.status == "error" and "x-client-request-id" in stored.error_details
    assert FAKE_API_KEY not in stored.error_details and "yandexgpt-lite" in stored.error_details


def test_a_new_chat_is_named_from_its_first_exchange(store, fake_server):
    from desktop_chat.chat.titles import clean_title

    account = Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)
    sessions = ChatSessions(store, Providers(lambda: account, {"timeout": 5.0}), Defaults, ThreadRunner(),
                            auto_titles=lambda: True)
    events = Recorder()
    sessions.subscribe(events)
    fake_server.script_reply("Борщ варят из свёклы, капусты и мяса.")
    fake_server.script_reply("«Рецепт борща».")
    done = events.finished(sessions.send(None, "как сварить борщ дома без лишней возни", ChatSettings()))
    deadline = time.monotonic() + WAIT
    while store.get_chat_summary(done.chat_id).title != "Рецепт борща" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert store.get_chat_summary(done.chat_id).title == "Рецепт борща"
    title_request = fake_server.completion_requests()[-1].body
    assert title_request["modelUri"].endswith("/yandexgpt-lite/latest")
    assert clean_title('"Поездка в Казань."\nлишнее') == "Поездка в Казань"
    # A chat the person renamed keeps their name; the second reply names nothing.
    fake_server.script_reply("ещё ответ")
    events.finished(sessions.send(done.chat_id, "а без мяса?", ChatSettings()))
    assert len(fake_server.completion_requests()) == 3


def test_continue_goes_on_from_a_stopped_reply_and_stores_one_joined_reply(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("Первая часть ответа, которая " + "длится " * 30, chunks=30)
    fake_server.stall_next(after_chunks=2)
    ticket = sessions.send(None, "расскажи длинно", ChatSettings())
    progress = events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket and e.text)
    sessions.stop(progress.chat_id)
    stopped = events.finished(ticket).reply
    assert stopped is not None and stopped.status == "stopped"
    fake_server.release_stalls()
    fake_server.script_reply("и вот окончание.", chunks=2)
    ticket = sessions.continue_reply(progress.chat_id, ChatSettings())
    done = events.finished(ticket)
    assert done.reply is not None and done.reply.status == "final"
    assert done.reply.text == stopped.text + " и вот окончание." or done.reply.text == stopped.text + "и вот окончание."
    texts = [e.text for e in events.events if isinstance(e, ReplyProgress) and e.ticket == ticket]
    assert all(t.startswith(stopped.text) for t in texts)  # the view never loses the first part
    sent = sent_texts(fake_server.completion_requests()[-1])
    assert sent[:2] == [("user", "расскажи длинно"), ("assistant", stopped.text)] and sent[-1][0] == "user"
    assert [m.text for m in store.load_chat(progress.chat_id).messages] == ["расскажи длинно", done.reply.text]
