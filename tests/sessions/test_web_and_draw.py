"""Answers from the web and YandexART pictures in chat sessions: a real store and the fake server over HTTP."""

from __future__ import annotations

import hashlib
import json
import time
from decimal import Decimal

import pytest

from desktop_chat import catalogue
from desktop_chat.api.errors import DrawRefusedError, WebSearchRoleError
from desktop_chat.chat import conversation
from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.events import QuestionSaved, ReplyFinished, ReplyProgress, ReplyStarted
from desktop_chat.chat.pending import PendingReplies
from desktop_chat.chat.sessions import ChatSessions, Refused, ThreadRunner
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.store import ChatSettings, ChatStore
from tests.fakes.web_art_routes import PICTURE
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID
from tests.sessions.conftest import WAIT, Recorder

WEB = ChatSettings(web_search=True, search_context="high", search_domains=["ria.ru"], search_region="213")


def wait_pending(store: ChatStore, count: int = 1) -> None:
    deadline = time.monotonic() + WAIT
    while len(PendingReplies(store.data_dir).all()) != count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(PendingReplies(store.data_dir).all()) == count


def test_a_web_answer_streams_and_is_stored_with_its_sources_exported_and_found(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_web("Ключевая ставка осталась прежней.", chunks=3, sources=["ria.ru", "cbr.ru"], searches=2)
    ticket = sessions.send(None, "Что с ключевой ставкой?", WEB)
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    done = events.finished(ticket)
    assert started.web and not started.waiting
    reply = done.reply
    assert reply is not None and done.error is None
    assert reply.text == "Ключевая ставка осталась прежней." and reply.web
    assert reply.sources == ["ria.ru", "cbr.ru"] and reply.usage and reply.usage["web_searches"] == 2
    progress = [e for e in events.events if isinstance(e, ReplyProgress) and e.ticket == ticket]
    assert progress[-1].sources == ("ria.ru", "cbr.ru")
    # The request: the chat's options, the whole history as input.
    body = fake_server.web_requests()[-1].body
    assert body["tools"] == [{"type": "web_search", "search_context_size": "high",
                              "filters": {"allowed_domains": ["ria.ru"], "user_location": {"region": "213"}}}]
    assert body["input"] == [{"role": "user", "content": "Что с ключевой ставкой?"}]
    # Stored, read back, priced with the searches.
    stored = store.load_chat(done.chat_id).messages[-1]
    assert stored.sources == ["ria.ru", "cbr.ru"] and stored.web
    tokens = catalogue.price(stored.model, conversation._StoredUsage(
        stored.usage["input"], stored.usage["completion"], 0, stored.usage["total"])) or Decimal(0)
    assert conversation.message_cost(stored) == tokens + 2 * catalogue.WEB_SEARCH_CALL_PRICE
    # Exported and searchable offline.
    assert "1. <https://ria.ru>" in store.export_markdown(done.chat_id)
    assert '<a href="https://cbr.ru">cbr.ru</a>' in store.export_html(done.chat_id)
    assert json.loads(store.export_json(done.chat_id))["chat"]["messages"][-1]["sources"] == ["ria.ru", "cbr.ru"]
    hits = store.search("cbr.ru")
    assert [h.message_id for h in hits] == [stored.id]


def test_the_per_message_switch_overrides_the_chat_default(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("Обычный ответ")
    done = events.finished(sessions.send(None, "без поиска", WEB, web=False))
    assert done.reply is not None and not done.reply.web and not fake_server.web_requests()
    fake_server.script_web("Ответ из сети", sources=["ria.ru"])
    done = events.finished(sessions.send(done.chat_id, "с поиском", ChatSettings(), web=True))
    assert done.reply is not None and done.reply.web and len(fake_server.web_requests()) == 1
    raw = store.chats_dir.joinpath(f"{done.chat_id}.jsonl").read_text("utf-8")
    first_reply = store.load_chat(done.chat_id).messages[1]
    assert '"sources"' in raw and not first_reply.sources  # written only when there are some
    assert '"web": true' not in json.dumps(first_reply.to_dict())


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_missing_role_is_named_and_the_chat_switch_stays(make_sessions, store, fake_server, lang):
    sessions, events = make_sessions()
    chat = store.create_chat("поиск", WEB)
    fake_server.fail_with("permission_denied", path="/v1/responses")
    done = events.finished(sessions.send(chat.id, "новости", WEB))
    assert isinstance(done.error, WebSearchRoleError)
    assert "ai.assistants.editor" in done.error.user_message(lang)
    assert done.reply is not None and done.reply.status == "error" and done.reply.error == "web_role"
    assert done.reply.web  # retry asks the web again
    assert store.get_chat_settings(chat.id).web_search is True  # the switch stays as it was
    messages = store.load_chat(chat.id).messages
    assert [m.role for m in messages] == ["user", "assistant"] and messages[0].text == "новости"
    fake_server.script_web("Теперь получилось", sources=["ria.ru"])
    done = events.finished(sessions.retry(chat.id, WEB))
    assert done.reply is not None and done.reply.text == "Теперь получилось" and done.reply.sources == ["ria.ru"]
    assert [m.role for m in store.load_chat(chat.id).messages] == ["user", "assistant"]


def test_stop_and_regenerate_a_web_reply(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_web("часть " * 40, chunks=40, sources=["ria.ru"])
    fake_server.stall_next(after_chunks=8, path="/v1/responses")
    ticket = sessions.send(None, "вопрос", WEB)
    progress = events.wait_for(lambda e: isinstance(e, ReplyProgress) and e.ticket == ticket and e.text)
    started = time.monotonic()
    sessions.stop(progress.chat_id)
    done = events.finished(ticket)
    assert time.monotonic() - started < 1.0
    assert done.reply is not None and done.reply.status == "stopped" and done.reply.web and done.reply.text
    fake_server.release_stalls()

    fake_server.script_web("Новый ответ из сети", sources=["tass.ru", "ria.ru"])
    done = events.finished(sessions.regenerate(done.chat_id, ChatSettings()))  # the chat default is off
    assert done.reply is not None and done.reply.text == "Новый ответ из сети"
    assert done.reply.web and done.reply.sources == ["tass.ru", "ria.ru"]  # answered the way the old one was
    assert [(m.role, m.text) for m in store.load_chat(done.chat_id).messages] == [
        ("user", "вопрос"), ("assistant", "Новый ответ из сети")]


def test_two_chats_answer_from_the_web_at_once(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.chunk_delay = 0.02
    tickets = [sessions.send(None, f"вопрос {n}", WEB) for n in range(2)]
    finished = [events.finished(t) for t in tickets]
    assert all(f.reply is not None and f.reply.web and f.reply.sources for f in finished)
    assert finished[0].chat_id != finished[1].chat_id


def test_a_chat_mixing_plain_web_and_drawn_turns_keeps_its_history_right(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.script_reply("Обычный ответ")
    chat_id = events.finished(sessions.send(None, "первый", ChatSettings(system_prompt="Кратко"))).chat_id
    fake_server.script_web("Ответ из сети", sources=["ria.ru"])
    events.finished(sessions.send(chat_id, "второй", ChatSettings(system_prompt="Кратко"), web=True))
    done = events.finished(sessions.draw(chat_id, "Кот в космосе", aspect="16:9", seed=777, avoid="текст"))
    assert done.error is None and done.reply is not None
    fake_server.script_web("Третий из сети")
    events.finished(sessions.send(chat_id, "третий", ChatSettings(system_prompt="Кратко"), web=True))
    fake_server.script_reply("Четвёртый")
    events.finished(sessions.send(chat_id, "четвёртый", ChatSettings(system_prompt="Кратко")))

    history = [("user", "первый"), ("assistant", "Обычный ответ"), ("user", "второй"), ("assistant", "Ответ из сети")]
    assert fake_server.web_requests()[-1].body["input"] == [
        {"role": r, "content": t} for r, t in [*history, ("user", "третий")]]
    assert fake_server.web_requests()[-1].body["instructions"] == "Кратко"
    sent = [(m["role"], m["text"]) for m in fake_server.completion_requests()[-1].body["messages"]]
    assert sent == [("system", "Кратко"), *history, ("user", "третий"), ("assistant", "Третий из сети"),
                    ("user", "четвёртый")]  # the drawing turn is not text for the model
    kinds = [(m.role, bool(m.web), m.drawing is not None) for m in store.load_chat(chat_id).messages]
    assert kinds == [("user", False, False), ("assistant", False, False), ("user", False, False),
                     ("assistant", True, False), ("user", False, True), ("assistant", False, True),
                     ("user", False, False), ("assistant", True, False), ("user", False, False),
                     ("assistant", False, False)]


def test_draw_stores_the_prompt_and_the_picture_like_an_attachment(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    ticket = sessions.draw(None, "Закат над морем", aspect="16:9", seed=4242, avoid="люди")
    saved = events.wait_for(lambda e: isinstance(e, QuestionSaved) and e.ticket == ticket)
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    done = events.finished(ticket)
    assert started.kind == "picture" and started.waiting
    assert saved.question.text == "Закат над морем"
    assert saved.question.drawing == {"aspect": "16:9", "seed": 4242, "avoid": "люди"}
    reply = done.reply
    assert reply is not None and reply.model == "yandex-art" and reply.drawing == saved.question.drawing
    (ref,) = reply.attachments
    sha = hashlib.sha256(PICTURE).hexdigest()
    assert ref.to_dict() == {"sha256": sha, "name": "yandex-art-4242.jpg", "kind": "image", "mime": "image/jpeg",
                             "size": len(PICTURE), "width": 64, "height": 36}
    path = store.data_dir / "attachments" / sha[:2] / f"{sha}.jpg"
    assert path.read_bytes() == PICTURE and store.attachment_path(ref) == path
    assert store.read_attachment(ref) == PICTURE
    assert conversation.message_cost(reply) == catalogue.PICTURE_PRICE
    assert store.load_chat(done.chat_id).messages[-1].attachments == [ref]
    page = store.export_html(done.chat_id)
    assert "data:image/jpeg;base64," in page and "seed 4242" in page and "16:9" in page
    assert "yandex-art-4242.jpg" in store.export_markdown(done.chat_id)
    exported = json.loads(store.export_json(done.chat_id))
    assert exported["chat"]["messages"][-1]["drawing"] == {"aspect": "16:9", "seed": 4242, "avoid": "люди"}
    body = fake_server.art_requests()[-1].body
    assert body["generationOptions"]["seed"] == "4242" and body["messages"][1] == {"text": "люди", "weight": "-1"}
    assert PendingReplies(store.data_dir).all() == []


def test_draw_refuses_what_cannot_be_sent(make_sessions, store):
    sessions, _events = make_sessions()
    with pytest.raises(Refused) as caught:
        sessions.draw(None, "я" * 501)
    assert caught.value.reason == "prompt_too_long" and caught.value.detail == "500"
    with pytest.raises(Refused) as caught:
        sessions.draw(None, "кот", aspect="2:1")
    assert caught.value.reason == "bad_aspect"
    with pytest.raises(Refused):
        sessions.draw(None, "   ")
    assert store.list_chats() == []


def test_a_refused_prompt_says_so_and_is_kept_for_editing(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    done = events.finished(sessions.draw(None, "/refuse нарисуй это", seed=5))
    assert isinstance(done.error, DrawRefusedError)
    assert "YandexART" in done.error.user_message("ru")
    messages = store.load_chat(done.chat_id).messages
    assert [(m.role, m.status, m.error) for m in messages] == [("user", "final", ""),
                                                             ("assistant", "error", "draw_refused")]
    question = messages[0]
    done = events.finished(sessions.draw(done.chat_id, "нарисуй кота", seed=5, editing=question.id))
    assert done.error is None and done.reply is not None and done.reply.attachments
    assert [(m.role, m.text) for m in store.load_chat(done.chat_id).messages] == [
        ("user", "нарисуй кота"), ("assistant", "")]


def test_regenerate_draws_again_with_a_new_seed(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    first = events.finished(sessions.draw(None, "кот", seed=1))
    assert first.reply is not None
    done = events.finished(sessions.regenerate(first.chat_id, ChatSettings()))
    assert done.reply is not None and done.replaces is not None and done.replaces.id == first.reply.id
    assert done.reply.drawing is not None and done.reply.drawing["seed"] != 1
    assert [m.role for m in store.load_chat(first.chat_id).messages] == ["user", "assistant"]
    assert fake_server.chat_requests() == [] and fake_server.completion_requests() == []


def test_stopping_a_drawing_forgets_it(make_sessions, store, fake_server):
    sessions, events = make_sessions()
    fake_server.polls_until_done = 1000
    ticket = sessions.draw(None, "кот")
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    wait_pending(store)
    sessions.stop(started.chat_id)
    assert events.finished(ticket).reply is None
    assert PendingReplies(store.data_dir).all() == []
    assert [m.role for m in store.load_chat(started.chat_id).messages] == ["user"]


def test_a_restart_during_a_drawing_still_delivers_it(store, fake_server):
    account = Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)
    options = {"timeout": 5.0, "backoff": 0.01, "poll_interval": 0.05}
    first = ChatSessions(store, Providers(lambda: account, options), Defaults, ThreadRunner())
    events = Recorder()
    first.subscribe(events)
    fake_server.polls_until_done = 1000  # the operation runs on while the "app" closes
    ticket = first.draw(None, "Маяк в тумане", aspect="9:16", seed=99)
    started = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == ticket)
    wait_pending(store)
    (pending,) = PendingReplies(store.data_dir).all()
    assert pending.kind == "picture" and pending.drawing == {"prompt": "Маяк в тумане", "aspect": "9:16",
                                                             "seed": 99, "avoid": ""}
    first.abandon_all()  # the app closes: the operation id stays on disk
    assert events.finished(ticket).reply is None
    assert len(PendingReplies(store.data_dir).all()) == 1

    fake_server.polls_until_done = 1
    second = ChatSessions(store, Providers(lambda: account, options), Defaults, ThreadRunner())
    events = Recorder()
    second.subscribe(events)
    (resumed,) = second.resume_pending()
    restarted = events.wait_for(lambda e: isinstance(e, ReplyStarted) and e.ticket == resumed)
    done: ReplyFinished = events.finished(resumed)
    assert restarted.kind == "picture"
    assert done.reply is not None and done.reply.attachments and done.reply.drawing["seed"] == 99
    assert [m.role for m in store.load_chat(started.chat_id).messages] == ["user", "assistant"]
    assert PendingReplies(store.data_dir).all() == []
    assert len(fake_server.art_requests()) == 1  # asked once, delivered after the restart
