"""The conversation rules: history sent with each request, trimming to the context window, replies."""

from hypothesis import given
from hypothesis import strategies as st

from desktop_chat.api.client import Completion, Status, Usage
from desktop_chat.api.models import context_window
from desktop_chat.chat import conversation
from desktop_chat.chat.conversation import Defaults, plan_request
from desktop_chat.store import ChatSettings, Message


def chat(*pairs: tuple[str, str]) -> list[Message]:
    return [Message.new(role, text) for role, text in pairs]


def test_request_carries_system_prompt_and_all_earlier_turns() -> None:
    messages = chat(("user", "Привет"), ("assistant", "Здравствуйте!"), ("user", "Как дела?"))
    plan = plan_request(messages, ChatSettings(system_prompt="Отвечай кратко"), Defaults())
    assert [(m.role, m.text) for m in plan.messages] == [
        ("system", "Отвечай кратко"), ("user", "Привет"), ("assistant", "Здравствуйте!"), ("user", "Как дела?")]
    assert plan.left_out == 0 and plan.first_sent_id is None


def test_chat_settings_override_defaults() -> None:
    settings = ChatSettings(model="yandexgpt/rc", temperature=0.9, max_tokens=500)
    plan = plan_request(chat(("user", "x")), settings, Defaults())
    assert plan.model == "yandexgpt/rc"
    assert plan.options.temperature == 0.9 and plan.options.max_tokens == 500
    plan = plan_request(chat(("user", "x")), ChatSettings(), Defaults(model="yandexgpt", temperature=0.1))
    assert plan.model == "yandexgpt" and plan.options.temperature == 0.1


def test_oldest_turns_are_left_out_when_history_does_not_fit() -> None:
    big = "слово " * 40000  # about 50k estimated tokens: more than the 32k window alone
    messages = chat(("user", big), ("assistant", "ok"), ("user", "short"), ("assistant", "fine"),
                    ("user", "new question"))
    plan = plan_request(messages, ChatSettings(system_prompt="be brief"), Defaults())
    texts = [m.text for m in plan.messages]
    assert texts[0] == "be brief" and texts[-1] == "new question"
    assert big not in texts
    assert plan.left_out == 1  # only the huge first message; everything newer fits
    assert plan.first_sent_id == messages[1].id
    assert plan.estimated_tokens <= context_window("yandexgpt-lite") - 2000


def test_new_message_is_sent_even_when_it_alone_is_too_long() -> None:
    huge = "x" * 200_000
    plan = plan_request(chat(("user", "old"), ("user", huge)), ChatSettings(), Defaults())
    assert plan.messages[-1].text == huge
    assert plan.left_out == 1


def test_failed_and_empty_replies_are_not_history() -> None:
    messages = [Message.new("user", "q"), Message.new("assistant", "half", status="error", error="network"),
                Message.new("assistant", "", status="stopped"), Message.new("user", "again")]
    plan = plan_request(messages, ChatSettings(), Defaults())
    assert [m.text for m in plan.messages] == ["q", "again"]


def test_a_stopped_partial_reply_stays_in_history() -> None:
    messages = [Message.new("user", "q"), Message.new("assistant", "partial", status="stopped"),
                Message.new("user", "go on")]
    assert [m.text for m in plan_request(messages, ChatSettings(), Defaults()).messages] == ["q", "partial", "go on"]


@given(st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=30), st.integers(100, 20000))
def test_plan_always_fits_or_is_only_the_new_message(texts: list[str], max_tokens: int) -> None:
    messages = [Message.new("user" if i % 2 == 0 else "assistant", t + "a") for i, t in enumerate(texts)]
    messages.append(Message.new("user", "last"))
    plan = plan_request(messages, ChatSettings(max_tokens=max_tokens), Defaults())
    assert plan.messages[-1].text == "last"
    assert plan.estimated_tokens <= plan.prompt_budget or len(plan.messages) == 1
    # What is sent is the newest contiguous run of history, in order.
    sent = [m.text for m in plan.messages]
    history = [m.text for m in messages]
    assert history[len(history) - len(sent):] == sent


def test_reply_message_keeps_status_usage_and_version() -> None:
    completion = Completion("Ответ", Status.TRUNCATED, Usage(10, 20, 30), "09.02.2025")
    reply = conversation.reply_message(completion, "", model="yandexgpt")
    assert reply.role == "assistant" and reply.text == "Ответ"
    assert reply.status == "truncated" and reply.usage == {"input": 10, "completion": 20, "total": 30}
    assert reply.model_version == "09.02.2025" and reply.model == "yandexgpt"
    filtered = conversation.reply_message(Completion("blocked", Status.CONTENT_FILTER, None, "v"), "", model="m")
    assert filtered.status == "content_filter"


def test_failed_reply_keeps_partial_text() -> None:
    reply = conversation.reply_message(None, "половина ответа", model="m", status="error", error="connection_lost")
    assert reply.text == "половина ответа" and reply.status == "error" and reply.error == "connection_lost"


def test_title_from_first_line() -> None:
    assert conversation.title_from_text("\n  Как испечь хлеб?\nподробно") == "Как испечь хлеб?"
    long = "Расскажи пожалуйста очень подробно про историю Древнего Рима и его императоров и войны"
    title = conversation.title_from_text(long)
    assert len(title) <= conversation.TITLE_LENGTH + 1 and title.endswith("…")
    assert long.startswith(title[:-1])


def test_regenerate_and_retry_targets() -> None:
    messages = chat(("user", "q"), ("assistant", "a"))
    assert conversation.last_reply(messages) is messages[-1]
    assert not conversation.awaiting_reply(messages)
    assert conversation.awaiting_reply(chat(("user", "q")))
    failed = [*chat(("user", "q")), Message.new("assistant", "", status="error")]
    assert conversation.awaiting_reply(failed)


def test_a_turn_the_content_filter_ended_is_not_sent_again() -> None:
    messages = chat(("user", "обычный вопрос"), ("assistant", "обычный ответ"), ("user", "острый вопрос"),
                    ("assistant", "Я не могу ответить на это"), ("user", "новый вопрос"))
    messages[3].status = "content_filter"
    plan = plan_request(messages, ChatSettings(), Defaults())
    assert [m.text for m in plan.messages] == ["обычный вопрос", "обычный ответ", "новый вопрос"]


def test_the_chat_cost_counts_the_earlier_versions_of_its_answers() -> None:
    from desktop_chat.chat.conversation import chat_cost, message_cost
    from desktop_chat.store import Message

    usage = {"input": 1000, "completion": 500, "total": 1500}
    old = Message.new("assistant", "первый", model="yandexgpt-lite", usage=dict(usage))
    shown = Message.new("assistant", "второй", model="yandexgpt-lite", usage=dict(usage), versions=[[old]], version=1)
    one = message_cost(old)
    assert one is not None and one > 0
    assert chat_cost([Message.new("user", "вопрос"), shown]) == 2 * one
